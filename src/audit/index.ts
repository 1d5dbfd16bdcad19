export { appendAuditEvents, type AuditEventDraft } from './append-events.js'
export { listAuditEvents, findAuditHead, findAuditHashes, auditDetailsOf, type AuditEvent, type AuditEventFilter, type AuditEventPage } from './list-events.js'
export { verifyAuditChain, type ChainVerification, type ChainBreak, type ChainFault, type VerifyOptions } from './verify-chain.js'
