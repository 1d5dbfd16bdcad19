// The use cases (docs/architecture.md §3): every action that combines capabilities, one
// function each, called alike by the JSON routes, the CLI, the demo, the jobs and the web pages.
export { recordsContextOf, type UseCaseContext } from './context.js'
export { detectAfterStore, createPeerProjector } from './detection.js'
export { agencySyncContext } from './sync.js'
export { recordDecision, amendDecision, undercutConflictsOf, DecisionRecording } from './record-decision.js'
export { publishClassification, publishCrosswalk, amendRecord, revokeRecord, renewDecision, importDecisions, importCandidates } from './change-records.js'
export { screenApplications, recordDisposition } from './screen.js'
export { requestConsultation, replyToConsultation, sendInformation, withdrawConsultation, receiveConsultationMessage } from './consult.js'
export { transitionDivergence, reevaluateLapsed, drainDetectionBacklog } from './divergences.js'
export { enrolPeer, setPeerStatus, resumePeer, updatePeer, removePeer, PURGE_REASON, type RecordsOnRemoval, type PeerRemovalOutcome } from './peers.js'
export { rotateKey, revokeKey, type RotatedKey, type RevokedKey } from './keys.js'
export {
  openCase, withdrawCase, watchParty, unwatchParty, acknowledgeAlert, watchForAlerts, addWebhook, changeWebhook, deleteWebhook
} from './alerts.js'
export { drainOutbox, outboxSender } from './outbox.js'
export { holdFeedAtStart, recoverFeed, witnessRound, type RecoveryOutcome, type RecoveryStatus } from './federation.js'
export { searchRecords, listOwnRecords, listDenialsDue, viewRecord, type DecisionSearchQuery, type RecordListQuery, type RecordView } from './read-records.js'
export { searchDivergences, viewDivergence, exportDivergenceReport, type DivergenceExport, type DivergenceReportRequest } from './read-divergences.js'
export { anchorAuditTrail, verifyAuditTrail, AUDIT_ANCHOR_KIND, type AuditTrailVerification, type AnchorFault } from './audit.js'
export { joinAgency, applyIntroductions, type JoinRequest, type JoinOutcome } from './join.js'
