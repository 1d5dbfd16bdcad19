import { verify, type KeyObject } from 'node:crypto'
import { EDDSA_ALGS, importPublicKeys, type KeyCache } from './key-cache.js'
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
export async function verifyCompact (jws: string, jwks: Jwks, typ: string, keys?: KeyCache): Promise<VerifiedCompact> {
  return createVerifier(jwks, keys)(jws, typ)
}

/**
 * A verifier bound to one key set, for verifying many JWS with the same keys (a feed page):
 * each key is imported once per key set, not once per JWS, and once per `keys` cache when one
 * is given.
 *
 * Verification is node:crypto's Ed25519 on the libuv thread pool (the callback form), so a
 * page's signatures are checked on every core while the event loop stays free: jose's
 * WebCrypto path spent about as much main-thread time per JWS on algorithm normalisation and
 * buffer copies as the signature check itself (docs/performance.md). The header rules are
 * ours to enforce, and they are few: our JWS have exactly `{alg, kid, typ}`.
 */
export function createVerifier (jwks: Jwks, cache?: KeyCache): (jws: string, typ: string) => Promise<VerifiedCompact> {
  const keys = cache === undefined ? importPublicKeys(jwks) : cache.publicKeys(jwks)
  return (jws, typ) => verifyWith(keys, jws, typ)
}

const COMPACT_JWS = /^([A-Za-z0-9_-]+)\.([A-Za-z0-9_-]*)\.([A-Za-z0-9_-]+)$/

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
