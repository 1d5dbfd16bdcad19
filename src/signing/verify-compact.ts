import { compactVerify, errors as joseErrors } from 'jose'
import { keySetFor, type KeySet } from './key-sets.js'
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
 * Only EdDSA is accepted: a token with `alg: none`, HS256 or any other algorithm is refused.
 * Throws `SignatureError` with a reason a caller can map to its own error code.
 */
export async function verifyCompact (jws: string, jwks: Jwks, typ: string): Promise<VerifiedCompact> {
  return createVerifier(jwks)(jws, typ)
}

/**
 * A verifier bound to one key set, for verifying many JWS with the same keys: each key is
 * imported once, not once per JWS (the import costs as much as the verification).
 */
export function createVerifier (jwks: Jwks): (jws: string, typ: string) => Promise<VerifiedCompact> {
  const keys = keySetFor(jwks)
  return (jws, typ) => verifyWith(keys, jws, typ)
}

async function verifyWith (keys: KeySet, jws: string, typ: string): Promise<VerifiedCompact> {
  if (typeof jws !== 'string' || !/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*\.[A-Za-z0-9_-]+$/.test(jws)) {
    throw new SignatureError('malformed', 'not a JWS in compact serialisation')
  }
  try {
    const { payload, protectedHeader } = await compactVerify(jws, keys, { algorithms: ['EdDSA', 'Ed25519'] })
    if (protectedHeader.typ !== typ) throw new SignatureError('wrong-type', `expected typ "${typ}", got "${String(protectedHeader.typ)}"`)
    const payloadText = new TextDecoder('utf-8', { fatal: true }).decode(payload)
    return { kid: String(protectedHeader.kid), payload: JSON.parse(payloadText), payloadText }
  } catch (err) {
    if (err instanceof SignatureError) throw err
    if (err instanceof joseErrors.JWKSNoMatchingKey) throw new SignatureError('unknown-kid', 'signed with a key that is not in the signer\'s key set')
    if (err instanceof joseErrors.JWSSignatureVerificationFailed) throw new SignatureError('bad-signature', 'signature does not verify')
    throw new SignatureError('malformed', `not a valid JWS: ${(err as Error).message}`)
  }
}
