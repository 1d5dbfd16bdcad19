import type { Db } from '../db/create-db.js'
import type { Clock } from '../lib/clock.js'
import type { PrivateAddresses } from '../lib/outbound-address.js'
import type { Jwks } from '../lib/jwk.js'
import { fetchJwks } from './fetch-jwks.js'
import { recordKeyStatuses, statusesOfJwks } from './key-status.js'
import { updatePeerKeys } from './queries.js'
import type { Peer } from './types.js'

export interface PeerKeys {
  jwks: Jwks
  /** Whether `kid` is among the keys (true when no kid was asked for). */
  known: boolean
  /** Whether the keys were fetched again for this call. */
  refreshed: boolean
  /** When an unknown kid could not trigger a refresh yet: milliseconds until it can. */
  cooldownRemainingMs: number
}

/** What a refresh of a peer's keys needs: the time, the cooldown, and the outbound address policy. */
export interface KeyRefresh {
  clock: Clock
  jwksCooldownMs: number
  privateAddresses: PrivateAddresses
}

/**
 * The peer's keys, refreshed from its JWKS URL when `kid` is not among them, at most once per
 * cooldown (enrolment counts as a refresh), so that a stream of unknown kids cannot make us
 * hammer the peer. The caller decides what an unknown kid means: a token is refused; the sync
 * worker retries after the cooldown, and quarantines only if a fresh key set lacks the kid.
 */
export async function peerKeysFor (db: Db, peer: Peer, kid: string | undefined | ((jwks: Jwks) => boolean), refresh: KeyRefresh): Promise<PeerKeys> {
  const { clock, jwksCooldownMs: cooldownMs } = refresh
  const has = (jwks: Jwks) => kid === undefined || (typeof kid === 'function' ? kid(jwks) : jwks.keys.some((k) => k.kid === kid))
  if (has(peer.jwks) || peer.jwksUrl === null) return { jwks: peer.jwks, known: has(peer.jwks), refreshed: false, cooldownRemainingMs: 0 }
  const elapsed = clock.now().getTime() - (peer.jwksRefreshedAt?.getTime() ?? 0)
  if (elapsed < cooldownMs) return { jwks: peer.jwks, known: false, refreshed: false, cooldownRemainingMs: cooldownMs - elapsed }
  const jwks = await fetchJwks(peer.agencyId, peer.jwksUrl, refresh.privateAddresses)
  await updatePeerKeys(db, peer.agencyId, jwks, clock.now())
  await recordKeyStatuses(db, peer.agencyId, statusesOfJwks(jwks), 'jwks')
  return { jwks, known: has(jwks), refreshed: true, cooldownRemainingMs: 0 }
}
