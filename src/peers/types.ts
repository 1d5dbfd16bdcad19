import type { Jwks } from '../lib/jwk.js'
import type { KnownKeyStatus } from '../signing/index.js'

/** `removed`: an administrator removed the peer keeping its records (docs/federation.md section 3): no sync, its tokens refused, its records left out of screening and detection. */
export type PeerStatus = 'active' | 'disabled' | 'quarantined' | 'removed'

export interface Peer {
  agencyId: string
  name: string
  country: string
  baseUrl: string
  jwks: Jwks
  jwksUrl: string | null
  jwksRefreshedAt: Date | null
  /** What the peer said of its keys that limits them (retired, revoked), by kid: from its feed or its JWKS (docs/federation.md section 1). */
  keyStatuses: ReadonlyMap<string, KnownKeyStatus>
  status: PeerStatus
  statusReason: string | null
  createdAt: Date
  updatedAt: Date
}

export interface PeerEnrolment {
  agencyId: string
  name: string
  country: string
  baseUrl: string
  /** The peer's public keys, or a JWKS URL to fetch them from (at least one of the two). */
  jwks?: Jwks | undefined
  jwksUrl?: string | undefined
}
