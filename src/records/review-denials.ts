import { sql, type RawBuilder } from 'kysely'
import type { Db } from '../db/create-db.js'
import type { Clock } from '../lib/clock.js'
import { todayOf } from './dates.js'
import type { DecisionContent } from './schemas.js'

export interface DenialDue {
  recordId: string
  version: number
  reference: string
  decisionDate: string
  validUntil: string
  daysLeft: number
  destination: string
  parties: Array<{ role: string, name: string, country: string }>
  /** Open divergences naming this denial: what a renewal keeps alive or a revocation resolves. */
  openDivergences: number
}

/**
 * How many divergences naming a record still hold, as SQL over the record's issuer and id
 * columns. Divergences own that rule and their table, and sit above records (docs/architecture.md
 * §1.2): records cannot import them, so the caller passes divergence's `countStillHoldingSql` in.
 */
export type CountStillHolding = (record: { issuer: RawBuilder<unknown>, recordId: RawBuilder<unknown> }) => RawBuilder<number>

/** Our denials in force whose review window ends within `withinDays` of `today`, as SQL over `records r`. */
function dueForReviewSql (issuer: string, today: string, withinDays: number): RawBuilder<boolean> {
  return sql<boolean>`r.issuer = ${issuer} and r.kind = 'decision' and r.outcome = 'denied' and r.revoked_from is null
      and r.valid_until >= ${today}::date and r.valid_until <= ${today}::date + ${withinDays}::int`
}

/**
 * Our denials in force whose review window ends within `withinDays` (those already past it
 * have lapsed and are listed by GET /v1/decisions?status=lapsed), soonest first, the first
 * `limit` when given: each is to be renewed or revoked, and either is a signed record that
 * reaches every ally.
 */
export async function denialsDueForReview (deps: { db: Db, issuer: string, clock: Clock, countOpenDivergences: CountStillHolding }, withinDays: number, limit?: number): Promise<DenialDue[]> {
  const today = todayOf(deps.clock)
  const { rows } = await sql<{ record_id: string, version: number, body: DecisionContent, valid_until: string, days_left: number, open_divergences: number }>`
    select r.record_id, r.version, r.body, r.valid_until, (r.valid_until - ${today}::date) as days_left,
      ${deps.countOpenDivergences({ issuer: sql.ref('r.issuer'), recordId: sql.ref('r.record_id') })} as open_divergences
    from records r
    where ${dueForReviewSql(deps.issuer, today, withinDays)}
    order by r.valid_until, r.record_id
    ${limit === undefined ? sql`` : sql`limit ${limit}`}`.execute(deps.db)
  return rows.map((r) => ({
    recordId: r.record_id,
    version: r.version,
    reference: r.body.reference,
    decisionDate: r.body.decisionDate,
    validUntil: r.valid_until,
    daysLeft: r.days_left,
    destination: r.body.destination,
    parties: r.body.parties.map((p) => ({ role: p.role, name: p.name, country: p.country })),
    openDivergences: r.open_divergences
  }))
}

/** How many of our denials `denialsDueForReview` would list. */
export async function countDenialsDueForReview (deps: { db: Db, issuer: string, clock: Clock }, withinDays: number): Promise<number> {
  const { rows } = await sql<{ n: number }>`select count(*)::int as n from records r where ${dueForReviewSql(deps.issuer, todayOf(deps.clock), withinDays)}`.execute(deps.db)
  return rows[0]?.n ?? 0
}
