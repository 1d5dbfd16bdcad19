import { randomUUID } from 'node:crypto'
import { SignJWT, decodeProtectedHeader, errors as joseErrors, jwtVerify } from 'jose'
import type { Clock } from '../lib/clock.js'
import { errors } from '../lib/errors.js'
import { keySetFor } from './key-sets.js'
import type { Jwks, SigningKey } from './types.js'

export const PARTNER_TOKEN_TYP = 'JWT'

/**
 * A partner token (private_key_jwt style, RFC 7523 §3): we sign it with our agency key to read
 * a peer's feed. iss = sub = our agency id, aud = the peer's agency id, a fresh jti, and a
 * lifetime of at most five minutes.
 */
export async function signPartnerToken (key: SigningKey, claims: { issuer: string, audience: string, lifetimeSeconds?: number }, clock: Clock): Promise<string> {
  const now = Math.floor(clock.now().getTime() / 1000)
  return new SignJWT({})
    .setProtectedHeader({ alg: 'EdDSA', kid: key.kid, typ: PARTNER_TOKEN_TYP })
    .setIssuer(claims.issuer)
    .setSubject(claims.issuer)
    .setAudience(claims.audience)
    .setIssuedAt(now)
    .setExpirationTime(now + (claims.lifetimeSeconds ?? 120))
    .setJti(randomUUID())
    .sign(key.privateKey)
}

export interface PartnerClaims {
  issuer: string
  jti: string
  expiresAt: Date
}

/** Reads the unverified `iss` and `kid`, to pick the enrolled peer whose keys must verify it. */
export function peekTokenIssuer (token: string): { issuer: string, kid: string | undefined } {
  try {
    const header = decodeProtectedHeader(token)
    const [, body] = token.split('.')
    const claims = JSON.parse(Buffer.from(body ?? '', 'base64url').toString('utf8')) as { iss?: unknown }
    if (typeof claims.iss !== 'string' || claims.iss === '') throw new Error('no iss')
    return { issuer: claims.iss, kid: typeof header.kid === 'string' ? header.kid : undefined }
  } catch {
    throw errors.tokenInvalid('not a JWT with an issuer')
  }
}

/**
 * Verifies a partner token against the issuer's enrolled keys: EdDSA only, iss = sub = the
 * peer, aud = us, exp present and at most `maxLifetimeSeconds` after iat and after now, jti
 * present. Replay (the jti seen before) is the caller's check, against the database.
 */
export async function verifyPartnerToken (token: string, jwks: Jwks, expect: { issuer: string, audience: string, maxLifetimeSeconds: number }, clock: Clock): Promise<PartnerClaims> {
  try {
    const { payload } = await jwtVerify(token, keySetFor(jwks), {
      algorithms: ['EdDSA', 'Ed25519'],
      issuer: expect.issuer,
      subject: expect.issuer,
      audience: expect.audience,
      currentDate: clock.now(),
      requiredClaims: ['exp', 'iat', 'jti'],
      clockTolerance: 30
    })
    const now = Math.floor(clock.now().getTime() / 1000)
    const exp = payload.exp as number
    const lifetime = exp - Math.min(payload.iat as number, now)
    if (lifetime > expect.maxLifetimeSeconds + 30) throw errors.tokenLifetimeTooLong(lifetime, expect.maxLifetimeSeconds)
    return { issuer: expect.issuer, jti: String(payload.jti), expiresAt: new Date(exp * 1000) }
  } catch (err) {
    throw toTokenError(err)
  }
}

export function toTokenError (err: unknown): Error {
  if (err instanceof joseErrors.JWTExpired) return errors.tokenExpired()
  if (err instanceof joseErrors.JWTClaimValidationFailed) return errors.tokenInvalid(`claim "${err.claim}" ${err.reason === 'check_failed' ? 'is wrong' : err.reason}`)
  if (err instanceof joseErrors.JOSEAlgNotAllowed) return errors.tokenInvalid('algorithm not allowed')
  if (err instanceof joseErrors.JWKSNoMatchingKey) return errors.tokenInvalid('signed with a key that is not enrolled')
  if (err instanceof joseErrors.JWSSignatureVerificationFailed) return errors.tokenInvalid('signature does not verify')
  if (err instanceof joseErrors.JOSEError) return errors.tokenInvalid(err.code === 'ERR_JWS_INVALID' || err.code === 'ERR_JWT_INVALID' ? 'malformed token' : err.message)
  return err instanceof Error ? err : new Error(String(err))
}
