/**
 * The one error catalog. Domain code throws `AppError`s built by these factories; the HTTP
 * layer renders them as RFC 9457 problem documents. `code` is stable: clients and tests
 * depend on it, messages may improve.
 */
export type ErrorCode =
  | 'INVALID_REQUEST'
  | 'KEY_NOT_FOUND'
  | 'PEER_DISCOVERY_FAILED'
  | 'PEER_KEY_NOT_PINNED'
  | 'FEED_RECOVERY_PENDING'
  | 'KEY_ALREADY_REVOKED'
  | 'UNAUTHENTICATED'
  | 'FORBIDDEN'
  | 'NOT_FOUND'
  | 'PAYLOAD_TOO_LARGE'
  | 'UNSUPPORTED_MEDIA_TYPE'
  | 'NOT_ACCEPTABLE'
  | 'CONFLICT'
  | 'RECORD_NOT_FOUND'
  | 'RECORD_SUPERSEDED'
  | 'RECORD_NOT_AMENDABLE'
  | 'DUPLICATE_REFERENCE'
  | 'IMPORT_REJECTED'
  | 'DATE_OUT_OF_RANGE'
  | 'INVALID_TRANSITION'
  | 'CONSULTATION_NOT_FOUND'
  | 'CONSULTATION_NOT_CITABLE'
  | 'MESSAGE_REFUSED'
  | 'UNDERCUT_WARNING'
  | 'PEER_NOT_FOUND'
  | 'PEER_EXISTS'
  | 'PEER_NOT_ENROLLED'
  | 'PEER_INACTIVE'
  | 'PEER_KEYS_UNAVAILABLE'
  | 'URL_NOT_ALLOWED'
  | 'PEER_QUARANTINED'
  | 'ENTRY_INVALID'
  | 'INBOX_WRONG_ISSUER'
  | 'FORK_DETECTED'
  | 'TOKEN_INVALID'
  | 'TOKEN_EXPIRED'
  | 'TOKEN_REPLAYED'
  | 'TOKEN_LIFETIME_TOO_LONG'
  | 'SIGNING_KEY_MISSING'
  | 'KEY_DECRYPTION_FAILED'
  | 'DATABASE_UNAVAILABLE'
  | 'DATABASE_BUSY'
  | 'IMPORTS_BUSY'
  | 'IMPORT_IN_PROGRESS'
  | 'REQUEST_TIMEOUT'
  | 'UPLOAD_TOO_SLOW'
  | 'RATE_LIMITED'
  | 'DATABASE_IN_USE'
  | 'INTERNAL'

export interface ProblemDetail {
  pointer: string
  detail: string
}

/** The allied denials a grant would undercut, listed by an UNDERCUT_WARNING problem (`conflicts`). */
export interface UndercutConflict {
  issuer: string
  recordId: string
  reference: string
  decisionDate: string
  validUntil: string | null
  explanation: string
}

export class AppError extends Error {
  readonly code: ErrorCode
  readonly status: number
  readonly details: ProblemDetail[] | undefined
  /** RFC 9457 extension members of the problem, declared in the Problem schema. */
  readonly extensions: { conflicts?: UndercutConflict[] } | undefined
  /** Sent as the Retry-After header (RFC 9110 §10.2.3) of a 429 or 503. */
  retryAfterSeconds: number | undefined

  constructor (code: ErrorCode, status: number, message: string, details?: ProblemDetail[], extensions?: AppError['extensions']) {
    super(message)
    this.name = 'AppError'
    this.code = code
    this.status = status
    this.details = details
    this.extensions = extensions
    this.retryAfterSeconds = undefined
  }

  /** The same error, answered with `Retry-After: seconds`. */
  retryAfter (seconds: number): this {
    this.retryAfterSeconds = Math.max(1, Math.ceil(seconds))
    return this
  }
}

/** Throws `error`; usable in expressions: `(await find(...)) ?? raise(errors.x())`. */
export function raise (error: Error): never {
  throw error
}

export const errors = {
  invalidRequest: (message: string, details?: ProblemDetail[]) => new AppError('INVALID_REQUEST', 400, message, details),
  unauthenticated: (message: string) => new AppError('UNAUTHENTICATED', 401, message),
  forbidden: (message: string) => new AppError('FORBIDDEN', 403, message),
  notFound: (what: string) => new AppError('NOT_FOUND', 404, `${what} not found`),
  payloadTooLarge: (limit: number) => new AppError('PAYLOAD_TOO_LARGE', 413, `request body exceeds the limit of ${limit} bytes`),
  unsupportedMediaType: (got: string | undefined, accepted: readonly string[]) =>
    new AppError('UNSUPPORTED_MEDIA_TYPE', 415, `content type ${got === undefined ? '(none)' : `"${got}"`} is not accepted here; use one of: ${accepted.join(', ')}`),
  notAcceptable: (message: string) => new AppError('NOT_ACCEPTABLE', 406, message),
  recordNotFound: (id: string) => new AppError('RECORD_NOT_FOUND', 404, `no record with id "${id}"`),
  recordSuperseded: (id: string, current: number, given: number) =>
    new AppError('RECORD_SUPERSEDED', 409, `record "${id}" is at version ${current}, not ${given}: fetch it again and retry against the current version`),
  recordNotAmendable: (id: string, why: string) => new AppError('RECORD_NOT_AMENDABLE', 409, `record "${id}" cannot be changed: ${why}`),
  duplicateReference: (reference: string) =>
    new AppError('DUPLICATE_REFERENCE', 409, `a decision with reference "${reference}" already exists; amend it instead of recording it again`),
  importRejected: (message: string, details: ProblemDetail[]) => new AppError('IMPORT_REJECTED', 422, message, details),
  dateOutOfRange: (problem: ProblemDetail) => new AppError('DATE_OUT_OF_RANGE', 422, `${problem.pointer}: ${problem.detail}`, [{ pointer: `/body${problem.pointer}`, detail: problem.detail }]),
  invalidTransition: (message: string) => new AppError('INVALID_TRANSITION', 409, message),
  consultationNotFound: (id: string) => new AppError('CONSULTATION_NOT_FOUND', 404, `no consultation with id "${id}"`),
  consultationNotCitable: (id: string, why: string) => new AppError('CONSULTATION_NOT_CITABLE', 409, `consultation "${id}" cannot be cited: ${why}`),
  messageRefused: (why: string, details?: ProblemDetail[]) => new AppError('MESSAGE_REFUSED', 422, `consultation message refused: ${why}`, details),
  undercutWarning: (conflicts: UndercutConflict[]) => new AppError('UNDERCUT_WARNING', 409,
    `this grant would undercut ${conflicts.length} allied denial${conflicts.length === 1 ? '' : 's'} in force (listed in conflicts): cite a consultation with the denying agency about it (consultation: { id, justification }) or give undercutOverride: { reason }; nothing was stored`,
    undefined, { conflicts }),
  peerNotFound: (agencyId: string) => new AppError('PEER_NOT_FOUND', 404, `no enrolled peer "${agencyId}"`),
  peerExists: (agencyId: string) => new AppError('PEER_EXISTS', 409, `peer "${agencyId}" is already enrolled`),
  peerNotEnrolled: (issuer: string) => new AppError('PEER_NOT_ENROLLED', 403, `issuer "${issuer}" is not an enrolled peer`),
  peerInactive: (agencyId: string, status: string) => new AppError('PEER_INACTIVE', 403, `peer "${agencyId}" is ${status}, not active`),
  peerKeysUnavailable: (agencyId: string, why: string) => new AppError('PEER_KEYS_UNAVAILABLE', 422, `keys of peer "${agencyId}" could not be obtained: ${why}`),
  urlNotAllowed: (field: string, why: string) => new AppError('URL_NOT_ALLOWED', 422, `${field} ${why}`, [{ pointer: `/body/${field}`, detail: why }]),
  peerQuarantined: (agencyId: string) =>
    new AppError('PEER_QUARANTINED', 409, `peer "${agencyId}" is quarantined: review its status reason and evidence, then POST /v1/peers/${agencyId}/resume`),
  entryInvalid: (code: string, why: string) => new AppError('ENTRY_INVALID', 422, `entry refused (${code}): ${why}`),
  inboxWrongIssuer: (caller: string, issuer: string) =>
    new AppError('INBOX_WRONG_ISSUER', 403, `"${caller}" pushed an entry issued by "${issuer}": a peer may push only its own entries`),
  forkDetected: (issuer: string, why: string) => new AppError('FORK_DETECTED', 409, `fork in the feed of "${issuer}": ${why}; the peer is quarantined`),
  tokenInvalid: (why: string) => new AppError('TOKEN_INVALID', 401, `token rejected: ${why}`),
  /** One answer for an unknown issuer, a missing or bad signature and an unknown key: it says nothing of enrolment. */
  tokenNotVerified: () => new AppError('TOKEN_INVALID', 401, 'token rejected: it is not signed by a key enrolled for its issuer'),
  tokenExpired: () => new AppError('TOKEN_EXPIRED', 401, 'token rejected: it has expired'),
  tokenReplayed: (jti: string) => new AppError('TOKEN_REPLAYED', 401, `token rejected: jti "${jti}" was already used`),
  tokenLifetimeTooLong: (seconds: number, max: number) =>
    new AppError('TOKEN_LIFETIME_TOO_LONG', 401, `token rejected: it is valid for ${seconds} s, more than the ${max} s allowed`),
  feedRecoveryPending: (why: string) =>
    new AppError('FEED_RECOVERY_PENDING', 503, `nothing can be published now: ${why}; it goes on once a peer has said what it holds of our feed (npm run cli -- feed recover)`).retryAfter(10),
  peerDiscoveryFailed: (url: string, why: string) => new AppError('PEER_DISCOVERY_FAILED', 422, `no agency found at ${url}: ${why}`, [{ pointer: '/body/url', detail: why }]),
  peerKeyNotPinned: (agencyId: string, kid: string) =>
    new AppError('PEER_KEY_NOT_PINNED', 422, `the keys "${agencyId}" serves do not include key ${kid}: check the thumbprint you were given (out of band) before trusting this agency`, [{ pointer: '/body/kid', detail: 'not among the keys served' }]),
  keyNotFound: (kid: string) => new AppError('KEY_NOT_FOUND', 404, `no signing key of ours with kid "${kid}"`),
  keyAlreadyRevoked: (kid: string) => new AppError('KEY_ALREADY_REVOKED', 409, `key "${kid}" is revoked already`),
  signingKeyMissing: () => new AppError('SIGNING_KEY_MISSING', 503, 'this agency has no current signing key; run `npm run cli -- keys rotate`'),
  keyDecryptionFailed: (kid: string) =>
    new AppError('KEY_DECRYPTION_FAILED', 500, `signing key ${kid} could not be decrypted: the key-encryption key does not match the one it was stored with`),
  databaseUnavailable: (why: string) => new AppError('DATABASE_UNAVAILABLE', 503, `database unavailable: ${why}`),
  databaseBusy: (why: string) => new AppError('DATABASE_BUSY', 503, `the database is busy: ${why}; try again shortly`).retryAfter(5),
  importsBusy: (running: number) =>
    new AppError('IMPORTS_BUSY', 503, `${running} bulk import${running === 1 ? ' is' : 's are'} running, the most this agency takes at once (IMPORT_CONCURRENCY); try again shortly`).retryAfter(10),
  importInProgress: () =>
    new AppError('IMPORT_IN_PROGRESS', 429, 'an import of yours is still running: one at a time per caller; try again once it has ended').retryAfter(10),
  uploadTooSlow: (why: string) => new AppError('UPLOAD_TOO_SLOW', 408, `the upload was cut off: ${why}; nothing was stored`),
  rateLimited: (what: string, seconds: number) => new AppError('RATE_LIMITED', 429, `too many requests: ${what}; try again in ${Math.max(1, Math.ceil(seconds))} s`).retryAfter(seconds),
  databaseInUse: (dir: string, pid: string) =>
    new AppError('DATABASE_IN_USE', 409, `the embedded database in ${dir} is in use by process ${pid}; stop it, or use the HTTP API of the running agency`)
} as const
