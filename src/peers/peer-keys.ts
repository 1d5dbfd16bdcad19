import type { Db } from '../db/create-db.js'
import type { Clock } from '../lib/clock.js'
import type { Jwks } from '../signing/index.js'
import { fetchJwks } from './fetch-jwks.js'
import { updatePeerKeys } from './queries.js'
import type { Peer } from './types.js'

export const JWKS_REFRESH_COOLDOWN_MS = 60_000

/**
 * The peer's keys, refreshed from its JWKS URL when `kid` is not among them, at most once per
 * cooldown, so that a stream of unknown kids cannot make us hammer the peer. Returns the keys
 * to verify with (refreshed or not); verification then decides.
 */
export async function peerKeysFor (db: Db, peer: Peer, kid: string | undefined, clock: Clock): Promise<Jwks> {
  const known = kid === undefined || peer.jwks.keys.some((k) => k.kid === kid)
  if (known || peer.jwksUrl === null) return peer.jwks
  const last = peer.jwksRefreshedAt?.getTime() ?? 0
  if (clock.now().getTime() - last < JWKS_REFRESH_COOLDOWN_MS) return peer.jwks
  const jwks = await fetchJwks(peer.agencyId, peer.jwksUrl)
  await updatePeerKeys(db, peer.agencyId, jwks, clock.now())
  return jwks
}
