import type { Logger } from 'pino'
import type { Db } from '../db/create-db.js'
import type { Clock } from '../lib/clock.js'
import type { PrivateAddresses } from '../lib/outbound-address.js'
import { AppError, errors } from '../lib/errors.js'
import type { Jwks } from '../lib/jwk.js'
import { createKeyCache, peekTokenIssuer, verifyPartnerToken, type KeyCache } from '../signing/index.js'
import { currentKeysOf } from './key-status.js'
import { peerKeysFor } from './peer-keys.js'
import { deleteExpiredJtis, findPeer, recordTokenJti } from './queries.js'
import type { Peer } from './types.js'

/** Expired jtis are purged at most this often per authenticator: their rows only cost space meanwhile. */
const JTI_CLEANUP_INTERVAL_MS = 60_000

export interface PartnerAuthContext {
  ourAgencyId: string
  maxLifetimeSeconds: number
  jwksCooldownMs: number
  clock: Clock
  /** The outbound address policy for a refresh of the peer's keys. */
  privateAddresses: PrivateAddresses
  /** Where a failed key refresh is reported (the request's logger). */
  logger?: Pick<Logger, 'warn'> | undefined
}

/** What a partner authenticator is set up with, once: everything but the request's logger. */
export type PartnerAuthSettings = Omit<PartnerAuthContext, 'logger'>

export interface PartnerAuthenticator {
  /**
   * Authenticates a partner agency by its token. The signature is checked before anything that
   * depends on enrolment is told: an unknown issuer, a token that is unsigned, badly signed or
   * signed by a key we do not hold all get the one TOKEN_INVALID of `errors.tokenNotVerified`.
   * The peer's keys are kept whatever its status, so a disabled or quarantined peer's token is
   * verified too, and only then told PEER_INACTIVE. The claims are `verifyPartnerToken`'s; the
   * jti must never have been seen (replays are refused). Returns the agency id.
   */
  authenticate: (db: Db, token: string, logger?: PartnerAuthContext['logger']) => Promise<string>
}

/** One per app: its state (when expired jtis were last purged, the peers' keys as imported) is the authenticator's own, not the module's. */
export function createPartnerAuthenticator (settings: PartnerAuthSettings, keyCache: KeyCache = createKeyCache()): PartnerAuthenticator {
  let lastJtiCleanup = 0
  return {
    async authenticate (db, token, logger) {
      const ctx: PartnerAuthContext = { ...settings, logger }
      const { issuer, kid } = peekTokenIssuer(token)
      const peer = await findPeer(db, issuer)
      if (peer === undefined) throw errors.tokenNotVerified()
      const jwks = await keysToVerify(db, peer, kid, ctx)
      const claims = await verifyPartnerToken(token, jwks, { issuer, audience: ctx.ourAgencyId, maxLifetimeSeconds: ctx.maxLifetimeSeconds }, ctx.clock, keyCache)
      if (peer.status !== 'active') throw errors.peerInactive(issuer, peer.status)
      const now = ctx.clock.now().getTime()
      if (now - lastJtiCleanup > JTI_CLEANUP_INTERVAL_MS || now < lastJtiCleanup) {
        lastJtiCleanup = now
        await deleteExpiredJtis(db, ctx.clock.now())
      }
      if (!await recordTokenJti(db, issuer, claims.jti, claims.expiresAt)) throw errors.tokenReplayed(claims.jti)
      return issuer
    }
  }
}

/**
 * The peer's keys that may sign a token now, refreshed on an unknown kid (with the cooldown):
 * a retired or revoked key (docs/federation.md section 1) signs no token, so it is left out and
 * its token fails as one signed by a key we do not hold. A refresh that fails leaves the stored
 * keys: the token then fails the same way, since a 502 here would tell an unsigned token that
 * its issuer is enrolled with a JWKS URL.
 */
async function keysToVerify (db: Db, peer: Peer, kid: string | undefined, ctx: PartnerAuthContext): Promise<Jwks> {
  let jwks: Jwks
  try {
    jwks = (await peerKeysFor(db, peer, kid, ctx)).jwks
  } catch (err) {
    if (!(err instanceof AppError) || err.code !== 'PEER_KEYS_UNAVAILABLE') throw err
    ctx.logger?.warn({ peer: peer.agencyId, err }, 'peer keys could not be refreshed for a partner token')
    jwks = peer.jwks
  }
  return currentKeysOf({ jwks, keyStatuses: peer.keyStatuses })
}
