import { errors, type ProblemDetail } from '../lib/errors.js'
import { addYears } from './dates.js'
import type { DecisionContent } from './schemas.js'
import type { Lifecycle } from './types.js'

/**
 * A record's lifecycle on `today` (UTC): revoked from the revocation's effective date on,
 * lapsed once the day after `validUntil` has begun, in force otherwise.
 */
export function lifecycleOf (record: { revokedFrom: string | null, validUntil: string | null }, today: string): Lifecycle {
  if (record.revokedFrom !== null && record.revokedFrom <= today) return 'revoked'
  if (record.validUntil !== null && record.validUntil < today) return 'lapsed'
  return 'in_force'
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
