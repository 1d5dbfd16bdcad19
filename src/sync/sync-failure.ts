import type { ChainFailure } from '../feed/index.js'

/**
 * Why a sync round failed. `transient` failures back off and retry; `quarantine` failures stop
 * ingest from the peer until an administrator resumes it. Codes are stable: they appear in
 * `GET /v1/peers`, in metrics and in logs.
 */
export type SyncFailureCode =
  | 'PEER_UNREACHABLE'
  | 'PEER_URL_REFUSED'
  | 'PEER_CONNECT_TIMEOUT'
  | 'PEER_RESPONSE_TIMEOUT'
  | 'PEER_HTTP_ERROR'
  | 'PEER_RATE_LIMITED'
  | 'PEER_REFUSED_US'
  | 'PEER_RESPONSE_TOO_LARGE'
  | 'PEER_RESPONSE_MALFORMED'
  | 'BAD_SIGNATURE'
  | 'ENTRY_INVALID'
  | 'UNKNOWN_KEY'
  | 'UNKNOWN_KEY_COOLDOWN'
  | 'CHAIN_BROKEN'
  | 'WRONG_SEQ'
  | 'WRONG_ISSUER'
  | 'FORK_DETECTED'
  | 'KEY_RETIRED'
  | 'KEY_REVOKED'
  | 'SPLIT_VIEW'

const QUARANTINE: ReadonlySet<SyncFailureCode> = new Set(['BAD_SIGNATURE', 'ENTRY_INVALID', 'UNKNOWN_KEY', 'CHAIN_BROKEN', 'WRONG_SEQ', 'WRONG_ISSUER', 'FORK_DETECTED', 'KEY_RETIRED', 'KEY_REVOKED', 'SPLIT_VIEW'])

/** The failure a fault of a peer's chain (feed/verify-chain.ts) is, at the pull and at the inbox alike. */
export const CHAIN_FAILURES: Record<ChainFailure, SyncFailureCode> = {
  'bad-signature': 'BAD_SIGNATURE',
  'unknown-kid': 'UNKNOWN_KEY',
  malformed: 'BAD_SIGNATURE',
  'invalid-content': 'ENTRY_INVALID',
  'broken-chain': 'CHAIN_BROKEN',
  'wrong-issuer': 'WRONG_ISSUER',
  'wrong-seq': 'WRONG_SEQ',
  'key-retired': 'KEY_RETIRED',
  'key-revoked': 'KEY_REVOKED'
}

export class SyncFailure extends Error {
  readonly code: SyncFailureCode
  readonly quarantine: boolean
  /** Seconds the peer asked us to wait (Retry-After), when it did. */
  readonly retryAfterSeconds: number | undefined
  readonly evidence: Record<string, unknown> | undefined

  constructor (code: SyncFailureCode, message: string, options: { retryAfterSeconds?: number, evidence?: Record<string, unknown> } = {}) {
    super(message)
    this.name = 'SyncFailure'
    this.code = code
    this.quarantine = QUARANTINE.has(code)
    this.retryAfterSeconds = options.retryAfterSeconds
    this.evidence = options.evidence
  }
}
