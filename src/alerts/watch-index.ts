import { sql, type Transaction } from 'kysely'
import type { Database } from '../db/schema.js'
import {
  keyKindsSearched, KEYS_VERSION, partyIdentifierKeys, partyNameHash, partyNameKeys, partySearchKeys, type DistinctPartySource, type PartyInput
} from '../matching/index.js'
import type { PartyProbe } from '../records/index.js'

/** What is watched: an open case, or a watched party. */
export interface WatchSubject { type: 'case' | 'watch', id: string }

/** A party as it is watched: its names and identifiers (country and address are each case's). */
export interface WatchedName extends DistinctPartySource {
  name: string
  aliases: readonly string[]
  identifiers: ReadonlyArray<{ scheme: string, value: string }>
}

/**
 * Keeps `parties` of `subject` searchable: each distinct name once (`watched_names`, keyed by
 * `partyNameHash`; its keys stored as a decision's party's are, `partySearchKeys`, in
 * `watch_name_keys`), and which party of the subject carries it (`watch_names`). A name many
 * open cases carry is searched once however many. Replaces what the subject had.
 */
export async function indexWatchedParties (trx: Transaction<Database>, subject: WatchSubject, parties: readonly WatchedName[]): Promise<void> {
  await unindexWatched(trx, subject)
  if (parties.length === 0) return
  const names = parties.map((p) => {
    const party = { name: p.name, aliases: [...p.aliases], identifiers: p.identifiers.map((id) => ({ scheme: id.scheme, value: id.value })) }
    return { hash: partyNameHash(party), party, nameKeys: partyNameKeys(party), identifierKeys: partyIdentifierKeys(party) }
  })
  const distinct = [...new Map(names.map((n) => [n.hash, n])).values()].sort((a, b) => a.hash < b.hash ? -1 : 1)
  const { rows: added } = await sql<{ name_hash: string }>`
    insert into watched_names (name_hash, party, exact_keys, identifier_keys, keys_version)
    select q.hash::uuid, q.party, party_exact_keys(q."nameKeys"), array(select jsonb_array_elements_text(q."identifierKeys")), ${KEYS_VERSION}
    from jsonb_to_recordset(${JSON.stringify(distinct)}::jsonb) as q(hash text, party jsonb, "nameKeys" text, "identifierKeys" jsonb)
    on conflict (name_hash) do nothing
    returning name_hash`.execute(trx)
  const fresh = new Set(added.map((r) => r.name_hash))
  const keys = distinct.filter((n) => fresh.has(n.hash)).flatMap((n) => partySearchKeys(n.party).map((key) => ({ name_hash: n.hash, key })))
  if (keys.length > 0) await trx.insertInto('watch_name_keys').values(keys).execute()
  await trx.insertInto('watch_names').values(names.map((n, ordinal) => ({ subject_type: subject.type, subject_id: subject.id, ordinal, name_hash: n.hash }))).execute()
}

/** Stops watching what `subject` watched: a case closed, a party no longer watched. */
export async function unindexWatched (trx: Transaction<Database>, subject: WatchSubject): Promise<void> {
  await trx.deleteFrom('watch_names').where('subject_type', '=', subject.type).where('subject_id', '=', subject.id).execute()
}

/** A distinct watched name near a probe: the probe's index, the name and how it is written. */
export interface WatchedNear { probe: number, nameHash: string, party: PartyInput }

/**
 * The distinct watched names near each probe (an arriving record's party): a stored key
 * trigram-near one of its probe keys (pg_trgm word similarity at `trigramThreshold`, each key
 * among the kinds it is searched among, as `trigramNeighbours` searches the stored names), an
 * exact key shared, or an identifier key shared; only names some open case or watched party
 * carries. Recall is the point; the scorer decides. Sets the trigram threshold for the rest of `trx`.
 */
export async function findWatchedNear (trx: Transaction<Database>, probes: readonly PartyProbe[], trigramThreshold: number): Promise<WatchedNear[]> {
  if (probes.length === 0) return []
  await sql`select set_config('pg_trgm.word_similarity_threshold', ${String(trigramThreshold)}, true)`.execute(trx)
  const keys = probes.flatMap((p, probe) => p.keys.map((key) => ({ key, probe })))
  const identifiers = probes.flatMap((p, probe) => p.identifierKeys.map((key) => ({ key, probe })))
  const trigram = KEY_KINDS.flatMap((kind) => {
    const searched = keys.filter((k) => keyKindsSearched(k.key).includes(kind))
    return searched.length === 0
      ? []
      : [sql`select q.probe, k.name_hash
          from unnest(${searched.map((k) => k.key)}::text[], ${searched.map((k) => k.probe)}::int[]) as q(key, probe)
          join watch_name_keys k on q.key <% k.key and k.kind = ${sql.lit(kind)}`]
  })
  const { rows } = await sql<{ probe: number, name_hash: string, party: { name: string, aliases: string[], identifiers: Array<{ scheme: string, value: string }> } }>`
    select near.probe, n.name_hash, n.party from (
      select distinct probe, name_hash from (
        ${sql.join([
          ...trigram,
          sql`select q.probe, w.name_hash
            from unnest(${probes.map((p) => p.nameKeys)}::text[], ${probes.map((_, i) => i)}::int[]) as q(name_keys, probe)
            join watched_names w on w.exact_keys && party_exact_keys(q.name_keys)`,
          sql`select q.probe, w.name_hash
            from unnest(${identifiers.map((k) => k.key)}::text[], ${identifiers.map((k) => k.probe)}::int[]) as q(key, probe)
            join watched_names w on w.identifier_keys @> array[q.key]`
        ], sql` union all `)}
      ) found
    ) near
    join watched_names n on n.name_hash = near.name_hash
    where exists (select 1 from watch_names s where s.name_hash = near.name_hash)`.execute(trx)
  return rows.map((r) => ({
    probe: r.probe, nameHash: r.name_hash, party: { name: r.party.name, aliases: r.party.aliases, identifiers: r.party.identifiers.map((id) => ({ type: id.scheme, value: id.value })) }
  }))
}

const KEY_KINDS = ['n', 'a', 'l'] as const

/** The open cases and watched parties carrying each of `nameHashes`. */
export async function subjectsNamed (trx: Transaction<Database>, nameHashes: readonly string[]): Promise<Array<WatchSubject & { nameHash: string }>> {
  if (nameHashes.length === 0) return []
  const rows = await trx.selectFrom('watch_names').select(['subject_type', 'subject_id', 'name_hash']).distinct()
    .where('name_hash', 'in', [...nameHashes]).execute()
  return rows.map((r) => ({ type: r.subject_type, id: r.subject_id, nameHash: r.name_hash }))
}

/**
 * The subjects whose names were kept under an older key grammar (`KEYS_VERSION`: their name
 * hashes and keys are another grammar's), to be indexed again; and the names no subject
 * carries any more, removed.
 */
export async function outdatedWatchSubjects (trx: Transaction<Database>): Promise<WatchSubject[]> {
  const rows = await trx.selectFrom('watch_names as s').innerJoin('watched_names as n', 'n.name_hash', 's.name_hash')
    .select(['s.subject_type', 's.subject_id']).distinct()
    .where('n.keys_version', '<>', KEYS_VERSION).execute()
  return rows.map((r) => ({ type: r.subject_type, id: r.subject_id }))
}

/** Removes the watched names no open case or watched party carries (at start, before anything is matched). */
export async function removeUnwatchedNames (trx: Transaction<Database>): Promise<number> {
  const { rows } = await sql<{ n: number }>`
    with removed as (delete from watched_names n where not exists (select 1 from watch_names s where s.name_hash = n.name_hash) returning 1)
    select count(*)::int as n from removed`.execute(trx)
  return rows[0]?.n ?? 0
}
