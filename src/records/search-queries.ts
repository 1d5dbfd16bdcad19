import { sql, type RawBuilder, type Transaction } from 'kysely'
import type { Db } from '../db/create-db.js'
import type { Database } from '../db/schema.js'
import { currentEntry } from '../feed/index.js'
import { peekKid } from '../signing/index.js'
import type { PartyInput } from '../matching/index.js'
import { notFromRemovedPeerSql } from '../peers/index.js'
import type { RecordKey } from './candidates.js'
import { findPartyMatches, type MatchedDecisionParty } from './party-matches.js'
import { lifecycleSql } from './lifecycle.js'
import type { DecisionContent, Outcome } from './schemas.js'
import { contentOf } from './to-record.js'
import type { Lifecycle } from './types.js'

/**
 * What `GET /v1/decisions` filters on, resolved: every value already checked and read (the
 * code into its index keys), so that these queries only compose SQL.
 */
export interface DecisionFilter {
  /** Our agency id: `scope` is relative to it. */
  self: string
  scope: 'all' | 'own' | 'allied'
  issuer?: string | undefined
  outcome?: Outcome | undefined
  destination?: string | undefined
  /** One lifecycle, or `not_in_force` (revoked or lapsed), on `today`. */
  lifecycle?: Lifecycle | 'not_in_force' | undefined
  reference?: string | undefined
  from?: string | undefined
  to?: string | undefined
  /** A party's country; with a party search, the country of the party searched for. */
  country?: string | undefined
  /** Everything within one entry: the stored family key, the canonical form and the LIKE pattern of its descendants. */
  code?: { family: string, canonical: string, descendantPattern: string } | undefined
}

/** Where a newest-first page starts: after this (decision date, issuer, record id). */
export interface DecisionPosition {
  date: string
  issuer: string
  recordId: string
}

/** A decision we hold, ours or a peer's, at its current version, with the feed entry that carries it. */
export interface HeldDecision {
  issuer: string
  recordId: string
  version: number
  content: DecisionContent
  decisionDate: string
  validUntil: string | null
  revokedFrom: string | null
  latestSeq: number
  /** The kid of the entry's signature (null when its header names none). */
  kid: string | null
  /** When we stored the entry: when we published it, or ingested it from its issuer. */
  storedAt: Date
  /** True for a record of a peer removed with its records kept (`notFromRemovedPeerSql`). */
  formerPeer?: boolean | undefined
}

/** The `records` row of a decision and the feed entry of its current version, as selected by `COLUMNS`. */
interface DecisionRow {
  issuer: string
  record_id: string
  version: number
  body: unknown
  decision_date: string
  valid_until: string | null
  revoked_from: string | null
  latest_seq: number
  /** The entry's JWS protected header (base64url), for its kid; null for a placeholder (never the current version of a record). */
  header: string | null
  stored_at: Date
  former_peer: boolean
}

/** The feed entry of the decision's current version, joined to `records r`. */
const ENTRY = currentEntry('r', 'f')

const COLUMNS = sql`r.issuer, r.record_id, r.version, r.body, r.decision_date, r.valid_until, r.revoked_from, r.latest_seq,
  ${ENTRY.header} as header, coalesce(${ENTRY.storedAt}, now()) as stored_at, not ${notFromRemovedPeerSql(sql.ref('r.issuer'))} as former_peer`

function toHeldDecision (row: DecisionRow): HeldDecision {
  return {
    issuer: row.issuer,
    recordId: row.record_id,
    version: row.version,
    content: contentOf('decision', row.body),
    decisionDate: row.decision_date,
    validUntil: row.valid_until,
    revokedFrom: row.revoked_from,
    latestSeq: row.latest_seq,
    kid: row.header === null ? null : peekKid(row.header) ?? null,
    storedAt: row.stored_at,
    ...(row.former_peer ? { formerPeer: true } : {})
  }
}

/**
 * Decisions, ours and our peers', newest decision date first, then by issuer and id; `after`
 * continues a previous page. Lifecycle filters are evaluated for `today`. For one issuer this
 * is the order of the `records_list` index (no sort); across issuers the matching rows are sorted.
 */
export async function listDecisions (db: Db, filter: DecisionFilter, today: string, after: DecisionPosition | undefined, limit: number): Promise<HeldDecision[]> {
  const conditions = [sql<boolean>`r.kind = 'decision'`, ...filterConditions(filter, today)]
  if (filter.country !== undefined) conditions.push(sql<boolean>`exists (select 1 from record_parties cp where cp.issuer = r.issuer and cp.record_id = r.record_id and cp.country = ${filter.country})`)
  if (after !== undefined) {
    conditions.push(sql<boolean>`(r.decision_date < ${after.date}::date or (r.decision_date = ${after.date}::date and (r.issuer, r.record_id) > (${after.issuer}, ${after.recordId}::uuid)))`)
  }
  const { rows } = await sql<DecisionRow>`
    select ${COLUMNS}
    from records r
    ${ENTRY.join}
    where ${sql.join(conditions, sql` and `)}
    order by r.decision_date desc nulls last, r.issuer, r.record_id
    limit ${limit}`.execute(db)
  return rows.map(toHeldDecision)
}

/**
 * Decisions whose party matches `party` (the one party matcher, `findPartyMatches`: the
 * distinct parties near it scored, the decisions naming the hits), filtered, at most `limit`,
 * each by its best-scoring matched party, not loaded: the caller ranks them and loads the page
 * it shows (`loadHeldDecisions`). With `filter.country`, only parties of that country. Sets the
 * trigram threshold for the rest of `trx`.
 */
export async function findPartyDecisions (
  trx: Transaction<Database>, filter: DecisionFilter, today: string, party: PartyInput, options: { threshold: number, trigramThreshold: number, limit: number }
): Promise<MatchedDecisionParty[]> {
  const matches = await findPartyMatches(trx, { parties: [party], ...options, country: filter.country, filter: { conditions: filterConditions(filter, today), includeFormerPeers: true } })
  const best = new Map<string, MatchedDecisionParty>()
  for (const m of matches) {
    const key = `${m.issuer}/${m.recordId}`
    if ((best.get(key)?.match.score ?? -1) < m.match.score) best.set(key, m)
  }
  return [...best.values()]
}

/**
 * The decisions among `keys` (other kinds and unknown keys are left out), in no particular
 * order. One of ours being published in this transaction, whose entry is not signed yet
 * (`latestSeq` 0), is read too (no kid; stored now): what is matched as it is stored.
 */
export async function loadHeldDecisions (trx: Transaction<Database>, keys: readonly RecordKey[]): Promise<HeldDecision[]> {
  const { rows } = await sql<DecisionRow>`
    select ${COLUMNS}
    from jsonb_to_recordset(${JSON.stringify(keys)}::jsonb) as k("issuer" text, "recordId" uuid)
    join records r on r.issuer = k.issuer and r.record_id = k."recordId" and r.kind = 'decision'
    left ${ENTRY.join}`.execute(trx)
  return rows.map(toHeldDecision)
}

/** The conditions on the decision `records r` both listings share. */
function filterConditions (filter: DecisionFilter, today: string): Array<RawBuilder<boolean>> {
  const conditions: Array<RawBuilder<boolean>> = []
  if (filter.scope === 'own') conditions.push(sql<boolean>`r.issuer = ${filter.self}`)
  if (filter.scope === 'allied') conditions.push(sql<boolean>`r.issuer <> ${filter.self}`)
  if (filter.issuer !== undefined) conditions.push(sql<boolean>`r.issuer = ${filter.issuer}`)
  if (filter.outcome !== undefined) conditions.push(sql<boolean>`r.outcome = ${filter.outcome}`)
  if (filter.destination !== undefined) conditions.push(sql<boolean>`r.destination = ${filter.destination}`)
  if (filter.reference !== undefined) conditions.push(sql<boolean>`r.reference = ${filter.reference}`)
  if (filter.from !== undefined) conditions.push(sql<boolean>`r.decision_date >= ${filter.from}::date`)
  if (filter.to !== undefined) conditions.push(sql<boolean>`r.decision_date <= ${filter.to}::date`)
  if (filter.lifecycle !== undefined) conditions.push(lifecycleSql('r', today)[filter.lifecycle])
  const code = filter.code
  if (code !== undefined) {
    // everything within the entry (docs/matching-items.md, "Database contract"): one range of the (family, canonical text_pattern_ops) index
    conditions.push(sql<boolean>`exists (select 1 from record_codes rc where rc.issuer = r.issuer and rc.record_id = r.record_id
      and rc.family = ${code.family} and (rc.canonical = ${code.canonical} or rc.canonical like ${code.descendantPattern}))`)
  }
  return conditions
}
