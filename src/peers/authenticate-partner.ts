import type { Db } from '../db/create-db.js'
import type { Clock } from '../lib/clock.js'
import { errors } from '../lib/errors.js'
import { peekTokenIssuer, verifyPartnerToken } from '../signing/index.js'
import { peerKeysFor } from './peer-keys.js'
import { deleteExpiredJtis, findPeer, recordTokenJti } from './queries.js'

/** Expired jtis are purged at most this often per process: their rows only cost space meanwhile. */
const JTI_CLEANUP_INTERVAL_MS = 60_000
let lastJtiCleanup = 0

export interface PartnerAuthContext {
  ourAgencyId: string
  maxLifetimeSeconds: number
  jwksCooldownMs: number
  clock: Clock
}

/**
 * Authenticates a partner agency by its token: the issuer must be an enrolled, active peer;
 * the token must verify under that peer's keys with aud = us and a lifetime of at most five
 * minutes; and its jti must never have been seen (replays are refused). Returns the agency id.
 */
export async function authenticatePartner (db: Db, token: string, ctx: PartnerAuthContext): Promise<string> {
  const { issuer, kid } = peekTokenIssuer(token)
  const peer = await findPeer(db, issuer)
  if (peer === undefined) throw errors.peerNotEnrolled(issuer)
  if (peer.status !== 'active') throw errors.peerInactive(issuer, peer.status)
  const { jwks } = await peerKeysFor(db, peer, kid, ctx.clock, ctx.jwksCooldownMs)
  const claims = await verifyPartnerToken(token, jwks, { issuer, audience: ctx.ourAgencyId, maxLifetimeSeconds: ctx.maxLifetimeSeconds }, ctx.clock)
  const now = ctx.clock.now().getTime()
  if (now - lastJtiCleanup > JTI_CLEANUP_INTERVAL_MS || now < lastJtiCleanup) {
    lastJtiCleanup = now
    await deleteExpiredJtis(db, ctx.clock.now())
  }
  if (!await recordTokenJti(db, issuer, claims.jti, claims.expiresAt)) throw errors.tokenReplayed(claims.jti)
  return issuer
}
