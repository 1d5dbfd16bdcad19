export {
  DIVERGENCE_KINDS, DivergenceKind, SEVERITIES, Severity, DIVERGENCE_STATES, DivergenceState, TRANSITIONS, OUTSTANDING_STATES, stillHoldsSql,
  type DivergenceConfig, type RecordRef, type DecisionFacts, type ClassificationFacts, type ConsultationCitation, type Finding
} from './types.js'
export {
  decidedOnSql, listDivergences, countDivergences, countOutstandingDivergences, getDivergence, transitionDivergence, resolveDivergencesNaming, countStillHoldingSql, divergencesInScope, type DivergenceFilter, type DivergenceSummary, type DivergenceScope
} from './divergences.js'
export { DEFAULT_DIVERGENCE_CONFIG, type DecisionPairEvidence, type ClassificationPairEvidence } from './rules.js'
export { detectDivergences, queueForDetection, FUZZY_PARTIES, type DetectionContext, type DetectionOutcome } from './detect.js'
export { reevaluateLapsed, countAwaitingLapseReevaluation, type ReevaluationOutcome, type ResolvedDivergence } from './reevaluate.js'
export { findUndercutConflicts, type Conflict } from './undercut-warning.js'
export { drainDetectionBacklog, countDetectionBacklog, type AlsoOnBacklog, type BacklogOutcome } from './backlog.js'
