import type { ProblemDetail } from '../lib/errors.js'
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

/** The decision as published: a denial without `validUntil` gets the review window (decision date plus `reviewYears`). */
export function withDefaults (decision: DecisionContent, reviewYears: number): DecisionContent {
  if (decision.validUntil !== undefined || decision.outcome !== 'denied') return decision
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
