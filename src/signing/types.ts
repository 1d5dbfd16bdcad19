import type { KeyObject } from 'node:crypto'

/** A private Ed25519 key ready to sign, with its RFC 7638 thumbprint as `kid`. */
export interface SigningKey {
  readonly kid: string
  readonly privateKey: KeyObject
}

export type { PublicJwk, Jwks } from '../lib/jwk.js'

export const ENTRY_TYP = 'reciprocity-entry+jws'
export const CONSULTATION_TYP = 'reciprocity-consultation+jws'
/** An alert POSTed to a webhook (src/alerts/deliveries.ts). */
export const ALERT_TYP = 'reciprocity-alert+jws'
/** The list of its members an agency signs for a newcomer it enrolled (src/peers/join.ts). */
export const MEMBERS_TYP = 'reciprocity-members+jws'
