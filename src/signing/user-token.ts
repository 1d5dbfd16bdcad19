import { createPrivateKey } from 'node:crypto'
import { mkdir, readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { SignJWT, createLocalJWKSet, createRemoteJWKSet, jwtVerify, type JWTVerifyGetKey } from 'jose'
import type { Clock } from '../lib/clock.js'
import { errors } from '../lib/errors.js'
import { generateEd25519Key, type GeneratedKey } from './generate-key.js'
import { toTokenError } from './partner-token.js'

export type UserRole = 'officer' | 'auditor' | 'admin'
const ROLES: readonly UserRole[] = ['officer', 'auditor', 'admin']

export interface UserPrincipal {
  subject: string
  roles: UserRole[]
}

export interface IdentityProvider {
  jwksUrl: string | undefined
  issuer: string
  audience: string
  rolesClaim: string
}

/** Asymmetric algorithms only: HS* (a shared secret, or our public key misused as one) and `none` are refused. */
const USER_TOKEN_ALGORITHMS = ['EdDSA', 'Ed25519', 'ES256', 'ES384', 'RS256', 'PS256']

/**
 * Builds the verifier of officer, auditor and administrator bearer tokens: against the
 * identity provider's JWKS URL when one is configured, otherwise against the local
 * development IdP key in the data folder (`cli token` signs with it).
 */
export async function createUserTokenVerifier (idp: IdentityProvider, dataDir: string, clock: Clock): Promise<(token: string) => Promise<UserPrincipal>> {
  const keys: JWTVerifyGetKey = idp.jwksUrl !== undefined
    ? createRemoteJWKSet(new URL(idp.jwksUrl), { cooldownDuration: 30_000, timeoutDuration: 5_000 })
    : createLocalJWKSet({ keys: [(await loadLocalIdpKey(dataDir)).publicJwk as never] })
  return async (token) => {
    try {
      const { payload } = await jwtVerify(token, keys, {
        algorithms: USER_TOKEN_ALGORITHMS,
        issuer: idp.issuer,
        audience: idp.audience,
        currentDate: clock.now(),
        requiredClaims: ['exp', 'sub'],
        clockTolerance: 30
      })
      return { subject: String(payload.sub), roles: readRoles(payload[idp.rolesClaim]) }
    } catch (err) {
      throw toTokenError(err)
    }
  }
}

function readRoles (claim: unknown): UserRole[] {
  const values = Array.isArray(claim) ? claim : typeof claim === 'string' ? claim.split(/[\s,]+/) : []
  return ROLES.filter((role) => values.includes(role))
}

/** The local development IdP's key pair, generated on first use into `dataDir` (mode 0600). */
export async function loadLocalIdpKey (dataDir: string): Promise<GeneratedKey> {
  const path = join(dataDir, 'local-idp-key.json')
  try {
    return JSON.parse(await readFile(path, 'utf8')) as GeneratedKey
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err
    await mkdir(dataDir, { recursive: true })
    const key = await generateEd25519Key()
    try {
      await writeFile(path, JSON.stringify(key), { mode: 0o600, flag: 'wx' })
      return key
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e
      return JSON.parse(await readFile(path, 'utf8')) as GeneratedKey
    }
  }
}

/** Issues a bearer token from the local development IdP (CLI `token`, tests). */
export async function issueLocalUserToken (dataDir: string, idp: IdentityProvider, claims: { subject: string, roles: UserRole[], lifetimeSeconds?: number }, clock: Clock): Promise<string> {
  if (idp.jwksUrl !== undefined) throw errors.invalidRequest('an external identity provider is configured (IDP_JWKS_URL): get tokens from it, not from the local one')
  const key = await loadLocalIdpKey(dataDir)
  const now = Math.floor(clock.now().getTime() / 1000)
  return new SignJWT({ [idp.rolesClaim]: claims.roles })
    .setProtectedHeader({ alg: 'EdDSA', kid: key.kid, typ: 'JWT' })
    .setIssuer(idp.issuer)
    .setSubject(claims.subject)
    .setAudience(idp.audience)
    .setIssuedAt(now)
    .setExpirationTime(now + (claims.lifetimeSeconds ?? 3600))
    .sign(createPrivateKey({ key: key.privateJwk as never, format: 'jwk' }))
}
