import { sql, type RawBuilder } from 'kysely'
import { errors, type ProblemDetail } from '../lib/errors.js'
import { addYears } from './dates.js'
import type { DecisionContent } from './schemas.js'
import type { Lifecycle } from './types.js'

// "Revoked" and "lapsed", each defined once, in TypeScript and in SQL over the same two
// `records` columns. A revocation leaves one fact, `revoked_from` (its effective date); the
// `status` column repeats it and is read by no code. Two questions are asked of it: whether a
// revocation was published at all (`isFinal`), and whether it has taken effect (`lifecycleOf`).

/** The first day a published revocation takes effect; null while none was published. */
const REVOKED_FROM = 'revoked_from'
/** The last day a record is valid; null when it has no end. */
const VALID_UNTIL = 'valid_until'

/**
 * Whether a revocation of the record was published, whatever its effective date: the record
 * can never change again, and diverges from nothing (detection, the undercut warning).
 */
export function isFinal<T extends { revokedFrom: string | null }> (record: T): record is T & { revokedFrom: string } {
  return record.revokedFrom !== null
}

/** Whether the record's validity ended before `today` (UTC), revoked or not. */
export function hasLapsed<T extends { validUntil: string | null }> (record: T, today: string): record is T & { validUntil: string } {
  return record.validUntil !== null && record.validUntil < today
}

/** Whether a published revocation has taken effect by `today`. */
function isRevokedOn (record: { revokedFrom: string | null }, today: string): boolean {
  return record.revokedFrom !== null && record.revokedFrom <= today
}

/**
 * A record's lifecycle on `today` (UTC): revoked from the revocation's effective date on,
 * lapsed once the day after `validUntil` has begun, in force otherwise.
 */
export function lifecycleOf (record: { revokedFrom: string | null, validUntil: string | null }, today: string): Lifecycle {
  if (isRevokedOn(record, today)) return 'revoked'
  if (hasLapsed(record, today)) return 'lapsed'
  return 'in_force'
}

const column = (alias: string | undefined, name: string) => sql.ref(alias === undefined ? name : `${alias}.${name}`)

/** Not `isFinal`, as SQL: no revocation of the `records` row named `alias` (unqualified columns when omitted) was published. */
export function notFinalSql (alias?: string): RawBuilder<boolean> {
  return sql<boolean>`${column(alias, REVOKED_FROM)} is null`
}

/** `hasLapsed` of the `records` row named `alias` on `today`, as SQL. */
export function lapsedSql (alias: string | undefined, today: string): RawBuilder<boolean> {
  return sql<boolean>`(${column(alias, VALID_UNTIL)} is not null and ${column(alias, VALID_UNTIL)} < ${today}::date)`
}

/**
 * `lifecycleOf` of the `records` row named `alias` on `today` as SQL, one condition per
 * lifecycle, and `not_in_force` (revoked or lapsed).
 */
export function lifecycleSql (alias: string | undefined, today: string): Record<Lifecycle | 'not_in_force', RawBuilder<boolean>> {
  const revokedFrom = column(alias, REVOKED_FROM)
  const revoked = sql<boolean>`(${revokedFrom} is not null and ${revokedFrom} <= ${today}::date)`
  const lapsed = lapsedSql(alias, today)
  return {
    revoked,
    lapsed: sql<boolean>`not ${revoked} and ${lapsed}`,
    in_force: sql<boolean>`not ${revoked} and not ${lapsed}`,
    not_in_force: sql<boolean>`(${revoked} or ${lapsed})`
  }
}

/** The last year a date of ours may fall in: RFC 3339 full-dates have four digits. */
const LAST_YEAR = 9999

/**
 * The review window of a denial without `validUntil` must end by the year 9999, the last a
 * date can be written in: a problem (pointer relative to the decision) for one that would not.
 */
export function reviewWindowProblem (decision: Pick<DecisionContent, 'decisionDate' | 'outcome' | 'validUntil'>, reviewYears: number): ProblemDetail | undefined {
  if (decision.validUntil !== undefined || decision.outcome !== 'denied') return undefined
  if (Number(decision.decisionDate.slice(0, 4)) + reviewYears <= LAST_YEAR) return undefined
  return { pointer: '/decisionDate', detail: `a denial of ${decision.decisionDate} would stay in force for ${reviewYears} years, past the year ${LAST_YEAR}: give validUntil` }
}

/**
 * The decision as published: a denial without `validUntil` gets the review window (decision
 * date plus `reviewYears`). Throws DATE_OUT_OF_RANGE when that window ends after 9999.
 */
export function withDefaults (decision: DecisionContent, reviewYears: number): DecisionContent {
  if (decision.validUntil !== undefined || decision.outcome !== 'denied') return decision
  const problem = reviewWindowProblem(decision, reviewYears)
  if (problem !== undefined) throw errors.dateOutOfRange(problem)
  return { ...decision, validUntil: addYears(decision.decisionDate, reviewYears) }
}

/** Date rules the schema cannot express; pointers are relative to the decision. */
export function checkDecisionDates (decision: Pick<DecisionContent, 'decisionDate' | 'validFrom' | 'validUntil'>): ProblemDetail[] {
  const problems: ProblemDetail[] = []
  if (decision.validUntil !== undefined && decision.validUntil < decision.decisionDate) {
    problems.push({ pointer: '/validUntil', detail: `must not precede the decision date ${decision.decisionDate}` })
  }
  if (decision.validFrom !== undefined && decision.validUntil !== undefined && decision.validUntil < decision.validFrom) {
    problems.push({ pointer: '/validUntil', detail: `must not precede validFrom ${decision.validFrom}` })
  }
  return problems
}
