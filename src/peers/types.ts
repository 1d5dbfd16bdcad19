import type { Jwks } from '../lib/jwk.js'

export type PeerStatus = 'active' | 'disabled' | 'quarantined'

export interface Peer {
  agencyId: string
  name: string
  country: string
  baseUrl: string
  jwks: Jwks
  jwksUrl: string | null
  jwksRefreshedAt: Date | null
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
