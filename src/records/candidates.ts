import { sql, type RawBuilder, type Transaction } from 'kysely'
import type { Database } from '../db/schema.js'
import { codeProbes, type CrosswalkLink } from '../matching/index.js'
import { notFinalSql } from './lifecycle.js'

/** A record of any agency, by its primary key. */
export interface RecordKey { issuer: string, recordId: string }

export interface CandidateScope {
  /** Our agency: its records are left out unless `includeOwn`. */
  self: string
  includeOwn: boolean
}

/** A fuzzy party search over the decisions we hold (ours and our peers'). */
export interface PartySearch {
  /** Search keys of the names looked for (`partySearchKeys`): parties with a name or alias trigram-near one. */
  keys: readonly string[]
  /** Identifier keys (`identifierKey`): parties holding one, whatever their names. */
  identifierKeys: readonly string[]
  /** pg_trgm's word similarity threshold. */
  trigramThreshold: number
  /** How many decisions, nearest first. */
  limit: number
  /** Decisions of this outcome only (the undercut warning looks for denials: their own indexes). */
  outcome?: 'granted' | 'denied' | undefined
}

/** What the officers' decision search adds inside records: conditions on the decision (`records r`), and one country of party. */
export interface PartySearchFilter {
  conditions?: ReadonlyArray<RawBuilder<boolean>> | undefined
  partyCountry?: string | undefined
  scope?: CandidateScope | undefined
}

/**
 * Decisions with a party whose names are near any of `search.keys` (pg_trgm word similarity
 * over the trigram-indexed `name_keys`, at `trigramThreshold`) or who shares one of
 * `identifierKeys`; the `limit` nearest. Recall is the point here: precision is the scorer's
 * job. Sets the trigram threshold for the rest of `trx`.
 */
export async function findPartyCandidates (trx: Transaction<Database>, search: PartySearch, scope: CandidateScope): Promise<RecordKey[]> {
  const query = await partyCandidatesQuery(trx, search, { scope })
  if (query === undefined) return []
  const { rows } = await query.execute(trx)
  return rows.map((r) => ({ issuer: r.issuer, recordId: r.record_id }))
}

/**
 * The one party trigram search: sets the threshold for the rest of `trx` and returns the query
 * of the candidates' keys, nearest first (undefined when there is nothing to search by), for
 * `findPartyCandidates` to run or the decision search to join its rows to.
 */
export async function partyCandidatesQuery (trx: Transaction<Database>, search: PartySearch, filter: PartySearchFilter): Promise<RawBuilder<{ issuer: string, record_id: string }> | undefined> {
  if (search.keys.length === 0 && search.identifierKeys.length === 0) return undefined
  await sql`select set_config('pg_trgm.word_similarity_threshold', ${String(search.trigramThreshold)}, true)`.execute(trx)
  const country = sql.join([
    ...(filter.partyCountry === undefined ? [] : [sql`and p.country = ${filter.partyCountry}`]),
    ...(search.outcome === undefined ? [] : [sql`and p.outcome = ${sql.lit(search.outcome)}`])
  ], sql` `)
  const conditions = filter.conditions === undefined || filter.conditions.length === 0 ? sql`` : sql`and ${sql.join(filter.conditions, sql` and `)}`
  const scope = filter.scope === undefined ? sql`` : sql`and (${filter.scope.includeOwn} or c.issuer <> ${filter.scope.self})`
  return sql<{ issuer: string, record_id: string }>`
    select issuer, record_id from (
      select p.issuer, p.record_id, max(word_similarity(q.key, p.name_keys)) as similarity
      from unnest(${search.keys as string[]}::text[]) as q(key)
      join record_parties p on q.key <% p.name_keys ${country}
      group by p.issuer, p.record_id
      union all
      select p.issuer, p.record_id, 1.0 as similarity from record_parties p
      where p.identifier_keys && ${search.identifierKeys as string[]}::text[] ${country}
    ) c
    where exists (select 1 from records r where r.issuer = c.issuer and r.record_id = c.record_id and r.kind = 'decision' ${conditions})
      ${scope}
    group by issuer, record_id
    order by max(similarity) desc, issuer, record_id
    limit ${search.limit}`
}

/**
 * The crosswalk links published by any agency, and not revoked, that touch one of `codes`, the
 * entries within them or the entries they lie within, at either end: what `relateCodes` needs
 * to relate codes to another numbering.
 */
export async function findCrosswalks (trx: Transaction<Database>, codes: ReadonlyArray<{ regime: string, code: string }>): Promise<CrosswalkLink[]> {
  const probes = codeProbes(codes)
  if (probes.length === 0) return []
  const { rows } = await sql<{ from_regime: string, from_code: string, to_regime: string, to_code: string, relation: CrosswalkLink['relation'] }>`
    select distinct l.from_regime, l.from_code, l.to_regime, l.to_code, l.relation
    from jsonb_to_recordset(${JSON.stringify(probes)}::jsonb) as q(family text, canonical text, ancestors text[], pattern text)
    join crosswalk_links l on
      (l.from_family = q.family and (l.from_canonical = q.canonical or l.from_canonical = any(q.ancestors) or l.from_canonical like q.pattern))
      or (l.to_family = q.family and (l.to_canonical = q.canonical or l.to_canonical = any(q.ancestors) or l.to_canonical like q.pattern))
    join records r on r.issuer = l.issuer and r.record_id = l.record_id and ${notFinalSql('r')}
    order by 1, 2, 3, 4`.execute(trx)
  return rows.map((r) => ({ from: { regime: r.from_regime, code: r.from_code }, to: { regime: r.to_regime, code: r.to_code }, relation: r.relation }))
}

/**
 * Denials to `destination` with an item under one of `codes`: the same entry, one within it,
 * or one it lies within, in any numbering the codes (and the crosswalks' far ends) reach.
 */
export async function findItemCandidates (
  trx: Transaction<Database>, scope: CandidateScope, codes: ReadonlyArray<{ regime: string, code: string }>, destination: string, limit: number
): Promise<RecordKey[]> {
  const probes = codeProbes(codes)
  if (probes.length === 0) return []
  const { rows } = await sql<{ issuer: string, record_id: string }>`
    select distinct c.issuer, c.record_id
    from jsonb_to_recordset(${JSON.stringify(probes)}::jsonb) as q(family text, canonical text, ancestors text[], pattern text)
    join record_codes c on c.family = q.family and (c.canonical = q.canonical or c.canonical = any(q.ancestors) or c.canonical like q.pattern)
    join records r on r.issuer = c.issuer and r.record_id = c.record_id
    where r.kind = 'decision' and r.outcome = 'denied' and r.destination = ${destination}
      and (${scope.includeOwn} or c.issuer <> ${scope.self})
    order by 1, 2
    limit ${limit}`.execute(trx)
  return rows.map((r) => ({ issuer: r.issuer, recordId: r.record_id }))
}
