import { randomUUID } from 'node:crypto'
import { SignJWT, decodeProtectedHeader, errors as joseErrors, jwtVerify } from 'jose'
import type { Clock } from '../lib/clock.js'
import { errors } from '../lib/errors.js'
import { importKeySet, type KeyCache } from './key-cache.js'
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

/** How far a peer's clock may run ahead of ours (iat, nbf) or behind it (exp), in seconds. */
export const PARTNER_TOKEN_SKEW_SECONDS = 30
/** The longest `jti` we store in the replay cache. */
export const MAX_JTI_LENGTH = 256

/**
 * Reads the unverified `iss` and `kid`, to pick the enrolled peer whose keys must verify it.
 * Refuses (TOKEN_INVALID) only what no enrolled peer could have signed, the same whoever is
 * named: not a JWT, or no `iss` that is a short printable string.
 */
export function peekTokenIssuer (token: string): { issuer: string, kid: string | undefined } {
  try {
    const header = decodeProtectedHeader(token)
    const [, body] = token.split('.')
    const claims = JSON.parse(Buffer.from(body ?? '', 'base64url').toString('utf8')) as { iss?: unknown }
    if (!isClaimText(claims.iss)) throw new Error('no iss')
    return { issuer: claims.iss, kid: typeof header.kid === 'string' ? header.kid : undefined }
  } catch {
    throw errors.tokenInvalid('not a JWT with an issuer')
  }
}

/**
 * Verifies a partner token against the issuer's enrolled keys (RFC 7519, RFC 7523 §3). The
 * signature first: EdDSA only, by a key of `jwks`; until it verifies, every failure (no or
 * another algorithm, unknown kid, bad signature) is the one TOKEN_INVALID of
 * `errors.tokenNotVerified`, the answer an unknown issuer gets too. Then the claims:
 * `typ`, when present, exactly PARTNER_TOKEN_TYP; iss = sub = the peer; `aud` exactly us (the
 * string, or a one-element array holding it); `iat` not after now + the skew; `exp` after
 * `iat`, not past, at most `maxLifetimeSeconds` after `iat`; `jti` a printable string of at most
 * MAX_JTI_LENGTH characters. Replay (the jti seen before) is the caller's check, against the
 * database.
 */
export async function verifyPartnerToken (token: string, jwks: Jwks, expect: { issuer: string, audience: string, maxLifetimeSeconds: number }, clock: Clock, keys?: KeyCache): Promise<PartnerClaims> {
  let verified: Awaited<ReturnType<typeof jwtVerify>>
  try {
    verified = await jwtVerify(token, keys === undefined ? importKeySet(jwks) : keys.keySet(jwks), {
      algorithms: ['EdDSA', 'Ed25519'],
      issuer: expect.issuer,
      subject: expect.issuer,
      currentDate: clock.now(),
      requiredClaims: ['exp', 'iat', 'jti', 'aud'],
      clockTolerance: PARTNER_TOKEN_SKEW_SECONDS
    })
  } catch (err) {
    throw toPartnerTokenError(err)
  }
  const { payload, protectedHeader } = verified
  if (protectedHeader.typ !== undefined && protectedHeader.typ !== PARTNER_TOKEN_TYP) throw errors.tokenInvalid(`header "typ" must be "${PARTNER_TOKEN_TYP}" when present`)
  const { aud, jti } = payload
  if (!(aud === expect.audience || (Array.isArray(aud) && aud.length === 1 && aud[0] === expect.audience))) {
    throw errors.tokenInvalid(`claim "aud" must be exactly "${expect.audience}"`)
  }
  const now = Math.floor(clock.now().getTime() / 1000)
  const iat = payload.iat as number
  const exp = payload.exp as number
  if (iat > now + PARTNER_TOKEN_SKEW_SECONDS) throw errors.tokenInvalid('claim "iat" is in the future')
  if (exp <= iat) throw errors.tokenInvalid('claim "exp" is not after "iat"')
  const lifetime = exp - Math.min(iat, now)
  if (lifetime > expect.maxLifetimeSeconds + PARTNER_TOKEN_SKEW_SECONDS) throw errors.tokenLifetimeTooLong(lifetime, expect.maxLifetimeSeconds)
  if (!isClaimText(jti)) throw errors.tokenInvalid(`claim "jti" must be a string of 1 to ${MAX_JTI_LENGTH} printable characters`)
  return { issuer: expect.issuer, jti, expiresAt: new Date(exp * 1000) }
}

/**
 * jose verifies the signature before it reads a claim, so its JWT* errors come from a signed
 * token and may say what is wrong; any other error means the signature did not verify.
 */
function toPartnerTokenError (err: unknown): Error {
  if (err instanceof joseErrors.JWTExpired || err instanceof joseErrors.JWTClaimValidationFailed || err instanceof joseErrors.JWTInvalid) return toTokenError(err)
  if (err instanceof joseErrors.JOSEError) return errors.tokenNotVerified()
  return err instanceof Error ? err : new Error(String(err))
}

/** A claim we key on or store (iss, jti): 1 to MAX_JTI_LENGTH characters, none a control character or a lone surrogate. */
function isClaimText (value: unknown): value is string {
  // eslint-disable-next-line no-control-regex
  return typeof value === 'string' && value.length > 0 && value.length <= MAX_JTI_LENGTH && value.isWellFormed() && !/[\u0000-\u001f\u007f]/.test(value)
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
