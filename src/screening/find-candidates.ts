import { sql, type Transaction } from 'kysely'
import type { Database } from '../db/schema.js'
import { codeSearchPrefixes, familyKey, type CrosswalkLink } from '../matching/index.js'

export interface CandidateScope {
  /** Our agency: its records are left out unless `includeOwn`. */
  self: string
  includeOwn: boolean
}

export interface RecordKey { issuer: string, recordId: string }

/**
 * Decisions with a party whose names are near any of `keys` (pg_trgm word similarity over the
 * trigram-indexed `name_keys`, at `trigramThreshold`) or who shares one of `identifierKeys`;
 * the `limit` nearest. Recall is the point here: precision is the scorer's job.
 */
export async function findPartyCandidates (
  trx: Transaction<Database>, scope: CandidateScope, keys: readonly string[], identifierKeys: readonly string[],
  options: { trigramThreshold: number, limit: number }
): Promise<RecordKey[]> {
  if (keys.length === 0 && identifierKeys.length === 0) return []
  await sql`select set_config('pg_trgm.word_similarity_threshold', ${String(options.trigramThreshold)}, true)`.execute(trx)
  const { rows } = await sql<{ issuer: string, record_id: string }>`
    select issuer, record_id from (
      select p.issuer, p.record_id, max(word_similarity(q.key, p.name_keys)) as similarity
      from unnest(${keys as string[]}::text[]) as q(key)
      join record_parties p on q.key <% p.name_keys
      group by p.issuer, p.record_id
      union all
      select p.issuer, p.record_id, 1.0 as similarity from record_parties p
      where p.identifier_keys && ${identifierKeys as string[]}::text[]
    ) c
    where exists (select 1 from records r where r.issuer = c.issuer and r.record_id = c.record_id and r.kind = 'decision')
      and (${scope.includeOwn} or c.issuer <> ${scope.self})
    group by issuer, record_id
    order by max(similarity) desc, issuer, record_id
    limit ${options.limit}`.execute(trx)
  return rows.map((r) => ({ issuer: r.issuer, recordId: r.record_id }))
}

/**
 * The crosswalk links published by any agency that touch one of `codes`, the entries within
 * them or the entries they lie within, at either end: what `relateCodes` needs to relate an
 * application's codes to another numbering.
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
    join records r on r.issuer = l.issuer and r.record_id = l.record_id and r.revoked_from is null
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

/** Index probes for codes: family, canonical form, ancestors and the pattern of descendants. Codes that cannot be read probe nothing. */
export function codeProbes (codes: ReadonlyArray<{ regime: string, code: string }>) {
  const seen = new Set<string>()
  return codes.flatMap(({ regime, code }) => {
    const keys = codeSearchPrefixes(regime, code)
    if (keys === null) return []
    const probe = { family: familyKey(keys), canonical: keys.canonical, ancestors: keys.ancestors, pattern: keys.descendantPattern }
    const id = `${probe.family} ${probe.canonical}`
    if (seen.has(id)) return []
    seen.add(id)
    return [probe]
  })
}

/** The far ends of `links` from `codes`' point of view: codes in other numberings to look for too. */
export function crosswalkTargets (links: readonly CrosswalkLink[]): Array<{ regime: string, code: string }> {
  return links.flatMap((l) => [l.from, l.to])
}
