import { sql, type Transaction } from 'kysely'
import type { Database } from '../db/schema.js'
import { keyKindsSearched, KEYS_VERSION, partyIdentifierKeys, partyNameKeys, partySearchKeys, type PartyKeySource } from '../matching/index.js'
import type { PartyProbe } from '../records/index.js'

/** What is watched: an open case, or a watched party. */
export interface WatchSubject { type: 'case' | 'watch', id: string }

/** A watched party (of a case, or watched itself) near a probe: the probe's index, and which party of which subject. */
export interface WatchedNear extends WatchSubject { probe: number, ordinal: number }

/**
 * Keeps `parties` of `subject` searchable (`watch_names`, `watch_name_keys`): stored as a
 * decision's party is (`partySearchKeys`, the exact keys `party_exact_keys` derives, the
 * identifier keys), so that an arriving record's parties are looked for among them as
 * screening looks for an application's parties among the stored ones. Replaces what was kept.
 */
export async function indexWatchedParties (trx: Transaction<Database>, subject: WatchSubject, parties: readonly PartyKeySource[]): Promise<void> {
  await unindexWatched(trx, subject)
  if (parties.length === 0) return
  const rows = parties.map((party, ordinal) => ({ ordinal, nameKeys: partyNameKeys(party), identifierKeys: partyIdentifierKeys(party) }))
  await sql`insert into watch_names (subject_type, subject_id, ordinal, exact_keys, identifier_keys, keys_version)
    select ${subject.type}, ${subject.id}::uuid, q.ordinal, party_exact_keys(q."nameKeys"), array(select jsonb_array_elements_text(q."identifierKeys")), ${KEYS_VERSION}
    from jsonb_to_recordset(${JSON.stringify(rows)}::jsonb) as q(ordinal int, "nameKeys" text, "identifierKeys" jsonb)`.execute(trx)
  const keys = parties.flatMap((party, ordinal) => partySearchKeys(party).map((key) => ({ subject_type: subject.type, subject_id: subject.id, ordinal, key })))
  if (keys.length > 0) await trx.insertInto('watch_name_keys').values(keys).execute()
}

/** Stops watching what `subject` watched: a case closed, a party no longer watched. */
export async function unindexWatched (trx: Transaction<Database>, subject: WatchSubject): Promise<void> {
  await trx.deleteFrom('watch_names').where('subject_type', '=', subject.type).where('subject_id', '=', subject.id).execute()
}

/**
 * The watched parties near each probe (an arriving record's party): a stored key trigram-near
 * one of its probe keys (pg_trgm word similarity at `trigramThreshold`, each key among the
 * kinds it is searched among, as `trigramNeighbours` searches the stored names), an exact key
 * shared, or an identifier key shared. Recall is the point; the scorer decides. Sets the
 * trigram threshold for the rest of `trx`.
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
      : [sql`select q.probe, k.subject_type, k.subject_id, k.ordinal
          from unnest(${searched.map((k) => k.key)}::text[], ${searched.map((k) => k.probe)}::int[]) as q(key, probe)
          join watch_name_keys k on q.key <% k.key and k.kind = ${sql.lit(kind)}`]
  })
  const { rows } = await sql<{ probe: number, subject_type: 'case' | 'watch', subject_id: string, ordinal: number }>`
    select distinct probe, subject_type, subject_id, ordinal from (
      ${sql.join([
        ...trigram,
        sql`select q.probe, w.subject_type, w.subject_id, w.ordinal
          from unnest(${probes.map((p) => p.nameKeys)}::text[], ${probes.map((_, i) => i)}::int[]) as q(name_keys, probe)
          join watch_names w on w.exact_keys && party_exact_keys(q.name_keys)`,
        sql`select q.probe, w.subject_type, w.subject_id, w.ordinal
          from unnest(${identifiers.map((k) => k.key)}::text[], ${identifiers.map((k) => k.probe)}::int[]) as q(key, probe)
          join watch_names w on w.identifier_keys @> array[q.key]`
      ], sql` union all `)}
    ) near`.execute(trx)
  return rows.map((r) => ({ probe: r.probe, type: r.subject_type, id: r.subject_id, ordinal: r.ordinal }))
}

const KEY_KINDS = ['n', 'a', 'l'] as const

/** The subjects whose kept keys were written under an older key grammar (`KEYS_VERSION`): to be indexed again. */
export async function outdatedWatchSubjects (trx: Transaction<Database>): Promise<WatchSubject[]> {
  const rows = await trx.selectFrom('watch_names').select(['subject_type', 'subject_id']).distinct()
    .where('keys_version', '<>', KEYS_VERSION).execute()
  return rows.map((r) => ({ type: r.subject_type, id: r.subject_id }))
}
