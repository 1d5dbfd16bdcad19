import { createPublicKey, verify, type KeyObject } from 'node:crypto'
import type { Jwks } from './types.js'

export type VerifyFailure = 'malformed' | 'unknown-kid' | 'bad-signature' | 'wrong-type'

export class SignatureError extends Error {
  readonly reason: VerifyFailure
  constructor (reason: VerifyFailure, message: string) {
    super(message)
    this.name = 'SignatureError'
    this.reason = reason
  }
}

export interface VerifiedCompact {
  kid: string
  payload: unknown
  /** The payload bytes exactly as signed (the canonical JSON). */
  payloadText: string
}

/**
 * Verifies an EdDSA compact JWS against `jwks` (RFC 7515, RFC 8037) and checks its `typ`.
 * Only EdDSA over Ed25519 is accepted: a JWS with `alg: none`, HS256 or any other algorithm,
 * with a `crit` header, or whose `kid` names no Ed25519 key of the set is refused.
 * Throws `SignatureError` with a reason a caller can map to its own error code.
 */
export async function verifyCompact (jws: string, jwks: Jwks, typ: string): Promise<VerifiedCompact> {
  return createVerifier(jwks)(jws, typ)
}

/**
 * A verifier bound to one key set, for verifying many JWS with the same keys (a feed page):
 * each key is imported once per key set, not once per JWS.
 *
 * Verification is node:crypto's Ed25519 on the libuv thread pool (the callback form), so a
 * page's signatures are checked on every core while the event loop stays free: jose's
 * WebCrypto path spent about as much main-thread time per JWS on algorithm normalisation and
 * buffer copies as the signature check itself (docs/performance.md). The header rules are
 * ours to enforce, and they are few: our JWS have exactly `{alg, kid, typ}`.
 */
export function createVerifier (jwks: Jwks): (jws: string, typ: string) => Promise<VerifiedCompact> {
  const keys = publicKeysOf(jwks)
  return (jws, typ) => verifyWith(keys, jws, typ)
}

const COMPACT_JWS = /^([A-Za-z0-9_-]+)\.([A-Za-z0-9_-]*)\.([A-Za-z0-9_-]+)$/
const EDDSA_ALGS: ReadonlySet<unknown> = new Set(['EdDSA', 'Ed25519'])

async function verifyWith (keys: ReadonlyMap<string, KeyObject>, jws: string, typ: string): Promise<VerifiedCompact> {
  const parts = typeof jws === 'string' ? COMPACT_JWS.exec(jws) : null
  if (parts === null) throw new SignatureError('malformed', 'not a JWS in compact serialisation')
  const [, headerPart, payloadPart, signaturePart] = parts as unknown as [string, string, string, string]
  const header = parseJson(Buffer.from(headerPart, 'base64url').toString('utf8'), 'protected header')
  if (typeof header !== 'object' || header === null || Array.isArray(header)) throw new SignatureError('malformed', 'the protected header is not a JSON object')
  const { alg, kid, crit, b64 } = header as Record<string, unknown>
  if (!EDDSA_ALGS.has(alg)) throw new SignatureError('malformed', `not a valid JWS: alg "${String(alg)}" is not allowed (EdDSA only)`)
  if (crit !== undefined || b64 !== undefined) throw new SignatureError('malformed', 'not a valid JWS: crit and b64 headers are not supported')
  const key = typeof kid === 'string' ? keys.get(kid) : undefined
  if (key === undefined) throw new SignatureError('unknown-kid', 'signed with a key that is not in the signer\'s key set')
  const signature = Buffer.from(signaturePart, 'base64url')
  const signingInput = Buffer.from(jws.slice(0, headerPart.length + 1 + payloadPart.length), 'ascii')
  const valid = signature.length === 64 && await new Promise<boolean>((resolve, reject) => {
    verify(null, signingInput, key, signature, (err, ok) => { if (err !== null) reject(err); else resolve(ok) })
  })
  if (!valid) throw new SignatureError('bad-signature', 'signature does not verify')
  if ((header as { typ?: unknown }).typ !== typ) throw new SignatureError('wrong-type', `expected typ "${typ}", got "${String((header as { typ?: unknown }).typ)}"`)
  let payloadText: string
  try {
    payloadText = new TextDecoder('utf-8', { fatal: true }).decode(Buffer.from(payloadPart, 'base64url'))
  } catch {
    throw new SignatureError('malformed', 'not a valid JWS: the payload is not UTF-8')
  }
  return { kid: kid as string, payload: parseJson(payloadText, 'payload'), payloadText }
}

function parseJson (text: string, what: string): unknown {
  try {
    return JSON.parse(text)
  } catch {
    throw new SignatureError('malformed', `not a valid JWS: the ${what} is not JSON`)
  }
}

const MAX_CACHED = 256
const cache = new Map<string, ReadonlyMap<string, KeyObject>>()

/**
 * The Ed25519 public keys of `jwks` by kid, imported once per key set and shared by every
 * verifier with the same keys (keyed by the set's content, so a peer's refreshed set gets new
 * entries; the oldest sets are dropped first). Keys of another type, or marked for another
 * use or algorithm, are left out: a JWS naming them fails as an unknown kid.
 */
function publicKeysOf (jwks: Jwks): ReadonlyMap<string, KeyObject> {
  const id = JSON.stringify(jwks.keys)
  let keys = cache.get(id)
  if (keys === undefined) {
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
    keys = imported
    if (cache.size >= MAX_CACHED) cache.delete(cache.keys().next().value as string)
    cache.set(id, keys)
  }
  return keys
}
