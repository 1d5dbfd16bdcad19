import { createLocalJWKSet } from 'jose'
import type { Jwks } from './types.js'

export type KeySet = ReturnType<typeof createLocalJWKSet>

const MAX_CACHED = 256
const cache = new Map<string, KeySet>()

/**
 * A jose key set for `jwks`, shared by every verification with the same keys: jose imports
 * each key once per key set, and importing costs about as much as verifying. Keyed by the key
 * set's content, so a peer's refreshed keys get a new set; the oldest sets are dropped first.
 */
export function keySetFor (jwks: Jwks): KeySet {
  const id = JSON.stringify(jwks.keys)
  let set = cache.get(id)
  if (set === undefined) {
    set = createLocalJWKSet(jwks as Parameters<typeof createLocalJWKSet>[0])
    if (cache.size >= MAX_CACHED) cache.delete(cache.keys().next().value as string)
    cache.set(id, set)
  }
  return set
}
