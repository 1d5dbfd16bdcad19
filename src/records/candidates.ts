import { sql, type RawBuilder, type Transaction } from 'kysely'
import type { Database } from '../db/schema.js'
import { codeProbes, partyIdentifierKeys, partyNameKeys, partyProbeKeys, type CodeProbe, type CrosswalkLink, type PartyInput, type PartyKeySource } from '../matching/index.js'
import { notFromRemovedPeerSql } from '../peers/index.js'
import { lifecycleSql, notFinalSql } from './lifecycle.js'
import { trigramNeighbours } from './trigram-neighbours.js'

/** A record of any agency, by its primary key. */
export interface RecordKey { issuer: string, recordId: string }

export interface CandidateScope {
  /** Our agency: its records are left out unless `includeOwn`. */
  self: string
  includeOwn: boolean
  /** Also the records of peers removed with their records kept (`notFromRemovedPeerSql`); left out unless said. */
  includeFormerPeers?: boolean | undefined
}

/** What one looked-for party is searched by: its probe keys (`partyProbeKeys`), stored keys (`partyNameKeys`) and identifier keys (`identifierKey`). */
export interface PartyProbe {
  keys: readonly string[]
  /** Its search keys as a stored party's (`partyNameKeys`): what its exact keys are read from. */
  nameKeys: string
  identifierKeys: readonly string[]
  /** Its distinct name when it is a stored party (`partyNameHash`): what a `same-keys` search starts from. */
  nameHash?: string | null | undefined
  /** An agency whose decisions it does not look for (detection: the changed party's own). */
  exceptIssuer?: string | null | undefined
}

/** How a party is looked for: the one definition of a probe's keys. */
export function partyProbe (party: PartyKeySource, extra: Pick<PartyProbe, 'nameHash' | 'exceptIssuer'> = {}): PartyProbe {
  return { keys: partyProbeKeys(party), nameKeys: partyNameKeys(party), identifierKeys: partyIdentifierKeys(party), ...extra }
}

/**
 * How near a distinct name must be: `trigram`, any of its keys trigram-near one of the probe's
 * (typos, added words: screening's search), or an exact key shared; `same-keys`, an exact key
 * shared with the probe's stored name only (`party_names.exact_keys`, names that normalise
 * alike: legal forms, transliterations, joined or split words, word order, consonants alike
 * whatever the vowels), one GIN probe for all.
 */
export type Nearness = 'trigram' | 'same-keys'

/** A distinct party name we hold (`party_names`: names, aliases and identifiers, one row however many decisions carry it) near a probe. */
export interface NearParty {
  /** The index of the probe it is near. */
  probe: number
  nameHash: string
  /** Its names and identifiers, as the scorer reads them (country and address are each decision's). */
  party: PartyInput
}

/**
 * The distinct party names (`party_names`) with a name or alias trigram-near one of a probe's
 * keys (pg_trgm word similarity, key to key, at `trigramThreshold`: `trigramNeighbours`,
 * remembered from one search to the next) or holding one of
 * its identifier keys; per probe the `limit` nearest, identifier holders first. Recall is the
 * point here: precision is the scorer's. With `namedBy`, only the names that a decision's party
 * passing its party-row conditions carries (outcome, role, country, whose; not the probe's
 * `exceptIssuer`'s): a name no such decision names cannot be a hit worth scoring, and the
 * nearest `limit` are counted among the rest. Sets the trigram threshold for the rest of `trx`.
 */
export async function findNearParties (
  trx: Transaction<Database>, probes: readonly PartyProbe[], options: { trigramThreshold: number, limit: number, nearness?: Nearness | undefined, namedBy?: PartyDecisionFilter | undefined }
): Promise<NearParty[]> {
  const keys = probes.flatMap((p, probe) => p.keys.map((key) => ({ key, probe })))
  const identifiers = probes.flatMap((p, probe) => p.identifierKeys.map((key) => ({ key, probe })))
  if (keys.length === 0 && identifiers.length === 0) return []
  await sql`select set_config('pg_trgm.word_similarity_threshold', ${String(options.trigramThreshold)}, true)`.execute(trx)
  const trigram = options.nearness === 'same-keys' ? [] : await trigramNeighbours(trx, probes.map((p) => p.keys), { threshold: options.trigramThreshold, ranked: options.limit })
  const exceptIssuer = sql`(${probes.map((p) => p.exceptIssuer ?? null)}::text[])[near.probe + 1]`
  const named = options.namedBy === undefined
    ? sql``
    : sql`where exists (select 1 from record_parties p where p.name_hash = near.name_hash and ${partyRowConditions(options.namedBy, exceptIssuer)})`
  const { rows } = await sql<{ probe: number, name_hash: string, name: string, aliases: string[], identifiers: Array<{ scheme: string, value: string }> }>`
    select c.probe, n.name_hash, n.name, n.aliases, n.identifiers from (
      select probe, name_hash, row_number() over (partition by probe order by max(similarity) desc, name_hash) as rank
      from (
        ${options.nearness === 'same-keys'
          ? sql`select q.probe, n.name_hash, 1.0 as similarity
            from unnest(${probes.map((p) => p.nameHash ?? null)}::uuid[], ${probes.map((_, i) => i)}::int[]) as q(name_hash, probe)
            join party_names own on own.name_hash = q.name_hash
            join party_names n on n.exact_keys && own.exact_keys`
          : sql`select probe, name_hash, coalesce(similarity, 1.0) as similarity
            from unnest(${trigram.map((n) => n.probe)}::int[], ${trigram.map((n) => n.nameHash)}::uuid[], ${trigram.map((n) => n.similarity)}::float8[]) as t(probe, name_hash, similarity)
            union all
            -- exact keys too: a short name whose vowels were swapped or mistyped ("Moadber") is no trigram neighbour of its source, but shares its consonants
            select q.probe, n.name_hash, 1.0 as similarity
            from unnest(${probes.map((p) => p.nameKeys)}::text[], ${probes.map((_, i) => i)}::int[]) as q(name_keys, probe)
            join party_names n on n.exact_keys && party_exact_keys(q.name_keys)`}
        union all
        select q.probe, n.name_hash, 2.0 as similarity
        from unnest(${identifiers.map((k) => k.key)}::text[], ${identifiers.map((k) => k.probe)}::int[]) as q(key, probe)
        join party_names n on n.identifier_keys @> array[q.key]
      ) near
      ${named}
      group by probe, name_hash
    ) c
    join party_names n on n.name_hash = c.name_hash
    where c.rank <= ${options.limit}
    order by c.probe, c.rank`.execute(trx)
  return rows.map((r) => ({
    probe: r.probe,
    nameHash: r.name_hash,
    party: { name: r.name, aliases: r.aliases, identifiers: r.identifiers.map((id) => ({ type: id.scheme, value: id.value })) }
  }))
}

/** Which decisions naming a party count: conditions on the decision (`records r`), its outcome, the party's role and country, whose. */
export interface PartyDecisionFilter {
  conditions?: ReadonlyArray<RawBuilder<boolean>> | undefined
  /** Decisions of this outcome only (the undercut warning looks for denials, detection for the opposite outcome). */
  outcome?: 'granted' | 'denied' | undefined
  /** Parties in these roles only (detection: the end users and consignees). */
  roles?: readonly string[] | undefined
  /** Parties of this country only (the officers' search). */
  partyCountry?: string | undefined
  scope?: CandidateScope | undefined
  /** Decisions with an item under one of these codes only (detection: the codes a changed decision's items can be related to). */
  codes?: readonly CodeProbe[] | undefined
  /** Decisions of which no revocation was published only. */
  standing?: boolean | undefined
  /**
   * Also the decisions of peers removed with their records kept (`notFromRemovedPeerSql`):
   * left out unless this or `scope.includeFormerPeers` says so (screening's `includeFormerPeers`; the officers' search shows them).
   */
  includeFormerPeers?: boolean | undefined
}

/**
 * The filter's conditions on the party's own row (`record_parties p`: outcome, role, country,
 * whose), and not `exceptIssuer`'s, nor a removed peer's unless asked: the one definition for
 * finding near names and the decisions naming them.
 */
function partyRowConditions (filter: PartyDecisionFilter, exceptIssuer: RawBuilder<unknown>): RawBuilder<boolean> {
  return sql.join([
    sql`p.issuer is distinct from ${exceptIssuer}`,
    ...(filter.outcome === undefined ? [] : [sql`p.outcome = ${sql.lit(filter.outcome)}`]),
    ...(filter.roles === undefined ? [] : [sql`p.role = any(${filter.roles as string[]}::text[])`]),
    ...(filter.partyCountry === undefined ? [] : [sql`p.country = ${filter.partyCountry}`]),
    ...(filter.scope === undefined ? [] : [sql`(${filter.scope.includeOwn} or p.issuer <> ${filter.scope.self})`]),
    ...(filter.includeFormerPeers === true || filter.scope?.includeFormerPeers === true ? [] : [notFromRemovedPeerSql(sql.ref('p.issuer'))])
  ], sql` and `) as RawBuilder<boolean>
}

/**
 * Whether a decision bears on an application to `destination` with items under `codes`, judged
 * on `date`, as SQL over the decision `r` and its party `p`: a denial (in force, or any with
 * `inactiveToo`), or a decision in force to that destination with an item under one of the
 * codes (what can be essentially identical). What screening lists; the rest it counts.
 */
export function bearingOnApplicationSql (application: { destination: string, codes: readonly CodeProbe[] }, date: string, inactiveToo: boolean): RawBuilder<boolean> {
  const inForce = lifecycleSql('r', date).in_force
  const related = application.codes.length === 0 ? sql<boolean>`false` : hasItemUnder(application.codes)
  return sql<boolean>`((r.outcome = 'denied' and (${inactiveToo} or ${inForce})) or (${inForce} and r.destination = ${application.destination} and ${related}))`
}

/** Whether the decision of the party `p` has an item under one of `codes` (same entry, an entry within, or one it lies within). */
export function hasItemUnder (codes: readonly CodeProbe[]): RawBuilder<boolean> {
  return sql<boolean>`exists (
    select 1 from record_codes c
    join jsonb_to_recordset(${JSON.stringify(codes)}::jsonb) as q(family text, canonical text, ancestors text[], pattern text)
      on c.family = q.family and (c.canonical = q.canonical or c.canonical = any(q.ancestors) or c.canonical like q.pattern)
    where c.issuer = p.issuer and c.record_id = p.record_id)`
}

interface PartyDecisionRow {
  issuer: string
  record_id: string
  ordinal: number
  country: string | null
  address: string | null
  probe: number
  name_hash: string
  outcome: 'granted' | 'denied'
  decision_date: string
  destination: string
  valid_until: string | null
}

/** A decision naming a matched distinct party name. */
export interface PartyDecision extends RecordKey {
  /** The party's position in the decision, and what the decision says of it beside its names. */
  ordinal: number
  country: string | null
  address: string | null
  probe: number
  nameHash: string
  /** What the timing rules read of the decision. */
  outcome: 'granted' | 'denied'
  decisionDate: string
  destination: string
  validUntil: string | null
}

/** A distinct party name matched to a probe, with its score at best, the probe's country, and an issuer whose decisions it does not look for. */
export interface NameOfProbe { probe: number, nameHash: string, score: number, country: string | null, exceptIssuer: string | null }

/** The rows `m` (matched names), `p` (the parties naming them) and `r` (their decisions) passing `filter`, and `more`. */
function partiesNaming (names: readonly NameOfProbe[], filter: PartyDecisionFilter, more: ReadonlyArray<RawBuilder<boolean>> = []): RawBuilder<unknown> {
  const conditions = sql.join([
    sql`r.kind = 'decision'`,
    partyRowConditions(filter, sql`m.except_issuer`),
    ...(filter.conditions ?? []),
    ...(filter.standing === true ? [notFinalSql('r')] : []),
    ...(filter.codes === undefined ? [] : [hasItemUnder(filter.codes)]),
    ...more
  ], sql` and `)
  return sql`unnest(${names.map((p) => p.nameHash)}::uuid[], ${names.map((p) => p.probe)}::int[], ${names.map((p) => p.score)}::float8[], ${names.map((p) => p.country)}::text[], ${names.map((p) => p.exceptIssuer)}::text[])
      as m(name_hash, probe, score, country, except_issuer)
    join record_parties p on p.name_hash = m.name_hash
    join records r on r.issuer = p.issuer and r.record_id = p.record_id
    where ${conditions}`
}

/**
 * The decisions naming the distinct party names `names`, filtered; per probe the `limit` best:
 * highest score first, then parties of the probe's country, then denials, then the newest.
 */
export async function decisionsNamingParties (
  trx: Transaction<Database>, names: readonly NameOfProbe[], filter: PartyDecisionFilter, limit: number
): Promise<PartyDecision[]> {
  if (names.length === 0) return []
  const { rows } = await sql<PartyDecisionRow>`
    select issuer, record_id, ordinal, country, address, probe, name_hash, outcome, decision_date, destination, valid_until from (
      select p.issuer, p.record_id, p.ordinal, p.country, p.address, m.probe, m.name_hash, r.outcome, r.decision_date, r.destination, r.valid_until,
        row_number() over (
          partition by m.probe
          order by m.score desc, p.country is not distinct from m.country desc, r.outcome = 'denied' desc, r.decision_date desc, p.issuer, p.record_id, p.ordinal
        ) as n
      from ${partiesNaming(names, filter)}
    ) ranked
    where n <= ${limit}
    order by probe, n`.execute(trx)
  return rows.map(partyDecisionOf)
}

function partyDecisionOf (r: PartyDecisionRow): PartyDecision {
  return {
    issuer: r.issuer,
    recordId: r.record_id,
    ordinal: r.ordinal,
    country: r.country,
    address: r.address,
    probe: r.probe,
    nameHash: r.name_hash,
    outcome: r.outcome,
    decisionDate: r.decision_date,
    destination: r.destination,
    validUntil: r.valid_until
  }
}

/** Where decisions place a party of a matched name (what the party scorer reads beside the names), with the decisions of one outcome doing so. */
export interface PartyPlace {
  probe: number
  nameHash: string
  country: string | null
  address: string | null
  outcome: 'granted' | 'denied'
  /** The decisions, each by a 64-bit hash of its key: counted, never loaded. */
  decisions: readonly string[]
}

/**
 * `decisionsNamingParties` of the decisions passing `listedOnly` too, and the others it
 * leaves (failing `listedOnly`, or beyond `limit`), grouped by where they place the party, in
 * one reading of the rows: the caller scores each place once and counts the decisions at
 * those that match.
 */
export async function decisionsNamingPartiesAndOthers (
  trx: Transaction<Database>, names: readonly NameOfProbe[], filter: PartyDecisionFilter, listedOnly: RawBuilder<boolean>, limit: number
): Promise<{ listed: PartyDecision[], others: PartyPlace[] }> {
  if (names.length === 0) return { listed: [], others: [] }
  const { rows } = await sql<PartyDecisionRow & { listed: boolean, decisions: string[] | null }>`
    with named as materialized (
      select p.issuer, p.record_id, p.ordinal, p.country, p.address, m.probe, m.name_hash, m.score, m.country as probe_country,
        r.outcome, r.decision_date, r.destination, r.valid_until, coalesce(${listedOnly}, false) as listed
      from ${partiesNaming(names, filter)}
    ), ranked as materialized (
      select *, row_number() over (
          partition by probe
          order by score desc, country is not distinct from probe_country desc, outcome = 'denied' desc, decision_date desc, issuer, record_id, ordinal
        ) as n
      from named where listed
    ), others as (
      select * from named where not listed
      union all
      select issuer, record_id, ordinal, country, address, probe, name_hash, score, probe_country, outcome, decision_date, destination, valid_until, listed
      from ranked o where n > ${limit}
        and not exists (select 1 from ranked l where l.probe = o.probe and l.issuer = o.issuer and l.record_id = o.record_id and l.n <= ${limit})
    )
    select true as listed, issuer, record_id, ordinal, country, address, probe, name_hash, outcome, decision_date, destination, valid_until, null::text[] as decisions
    from ranked where n <= ${limit}
    union all
    select false, null, null, null, country, address, probe, name_hash, outcome, null, null, null,
      array_agg(distinct hashtextextended(issuer || '/' || record_id::text, 0)::text)
    from others
    group by probe, name_hash, country, address, outcome`.execute(trx)
  const listed: PartyDecision[] = []
  const others: PartyPlace[] = []
  for (const r of rows) {
    if (r.listed) listed.push(partyDecisionOf(r))
    else others.push({ probe: r.probe, nameHash: r.name_hash, country: r.country, address: r.address, outcome: r.outcome, decisions: r.decisions ?? [] })
  }
  return { listed, others }
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
 * or one it lies within, in any numbering the codes (and the crosswalks' far ends) reach; the
 * `limit` newest. Read from the denials' side (few, indexed by destination), each checked for
 * a related code: from the codes' side a common entry matches a large share of all decisions.
 */
export async function findItemCandidates (
  trx: Transaction<Database>, scope: CandidateScope, codes: ReadonlyArray<{ regime: string, code: string }>, destination: string, limit: number
): Promise<RecordKey[]> {
  const probes = codeProbes(codes)
  if (probes.length === 0) return []
  const { rows } = await sql<{ issuer: string, record_id: string }>`
    select r.issuer, r.record_id from records r
    where r.kind = 'decision' and r.outcome = 'denied' and r.destination = ${destination}
      and (${scope.includeOwn} or r.issuer <> ${scope.self})
      ${scope.includeFormerPeers === true ? sql`` : sql`and ${notFromRemovedPeerSql(sql.ref('r.issuer'))}`}
      and exists (
        select 1 from record_codes c
        join jsonb_to_recordset(${JSON.stringify(probes)}::jsonb) as q(family text, canonical text, ancestors text[], pattern text)
          on c.family = q.family and (c.canonical = q.canonical or c.canonical = any(q.ancestors) or c.canonical like q.pattern)
        where c.issuer = r.issuer and c.record_id = r.record_id)
    order by r.decision_date desc, r.issuer, r.record_id
    limit ${limit}`.execute(trx)
  return rows.map((r) => ({ issuer: r.issuer, recordId: r.record_id }))
}
