import { createPublicKey, type KeyObject } from 'node:crypto'
import { createLocalJWKSet } from 'jose'
import { boundedMemo } from '../lib/bounded-memo.js'
import type { Jwks } from './types.js'

export type KeySet = ReturnType<typeof createLocalJWKSet>

/** The `alg` names of EdDSA a JWS or JWK may carry. */
export const EDDSA_ALGS: ReadonlySet<unknown> = new Set(['EdDSA', 'Ed25519'])

/**
 * Imported forms of peers' key sets, for verifying many tokens and entries with the same keys:
 * importing a key costs about as much as verifying a signature. One is made by the wiring and
 * passed to what verifies (the partner authenticator, the sync, the inboxes); a verification
 * given none imports the keys for itself. Keyed by the key set's content, so a peer's refreshed
 * keys get new entries; the oldest sets are dropped first beyond `maxSets`.
 */
export interface KeyCache {
  /** The Ed25519 public keys of `jwks` by kid (for `verifyCompact`, `createVerifier`). */
  publicKeys: (jwks: Jwks) => ReadonlyMap<string, KeyObject>
  /** A jose key set of `jwks` (for partner tokens, verified by jose). */
  keySet: (jwks: Jwks) => KeySet
}

export function createKeyCache (maxSets = 256): KeyCache {
  // keyed by the set's content; the memo is given the text, and parses it back only when it imports
  const publicKeys = boundedMemo((keys: string) => importPublicKeys({ keys: JSON.parse(keys) }), maxSets)
  const keySets = boundedMemo((keys: string) => importKeySet({ keys: JSON.parse(keys) }), maxSets)
  return {
    publicKeys: (jwks) => publicKeys(JSON.stringify(jwks.keys)),
    keySet: (jwks) => keySets(JSON.stringify(jwks.keys))
  }
}

/** A jose key set of `jwks`, made anew. */
export const importKeySet = (jwks: Jwks): KeySet => createLocalJWKSet(jwks as Parameters<typeof createLocalJWKSet>[0])

/**
 * The Ed25519 public keys of `jwks` by kid, imported anew. Keys of another type, or marked for
 * another use or algorithm, are left out: a JWS naming them fails as an unknown kid.
 */
export function importPublicKeys (jwks: Jwks): ReadonlyMap<string, KeyObject> {
  const imported = new Map<string, KeyObject>()
  for (const jwk of jwks.keys as Array<Record<string, unknown>>) {
    if (jwk.kty !== 'OKP' || jwk.crv !== 'Ed25519' || typeof jwk.kid !== 'string' || typeof jwk.x !== 'string') continue
    if ((jwk.use !== undefined && jwk.use !== 'sig') || (jwk.alg !== undefined && !EDDSA_ALGS.has(jwk.alg)) || imported.has(jwk.kid)) continue
    try {
      imported.set(jwk.kid, createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x: jwk.x }, format: 'jwk' }))
    } catch {
      // a key that does not import cannot verify anything: left out like a foreign key type
    }
  }
  return imported
}
