import type { Db } from '../db/create-db.js'
import type { Clock } from '../lib/clock.js'
import { errors } from '../lib/errors.js'
import { fetchJwks, parseJwks } from './fetch-jwks.js'
import { findPeer, insertPeer, updatePeerStatus } from './queries.js'
import type { Peer, PeerEnrolment, PeerStatus } from './types.js'

/**
 * Enrols a peer agency: with its public keys given, or fetched once now from its JWKS URL
 * (and again later when it signs with a kid we do not know). Throws PEER_EXISTS when the
 * agency id is taken, PEER_KEYS_UNAVAILABLE when no usable key results.
 */
export async function enrolPeer (db: Db, input: PeerEnrolment, clock: Clock): Promise<Peer> {
  if (input.jwks === undefined && input.jwksUrl === undefined) {
    throw errors.invalidRequest('give the peer\'s public keys (jwks) or a URL to fetch them from (jwksUrl)', [{ pointer: '/body/jwks', detail: 'jwks or jwksUrl is required' }])
  }
  const jwks = input.jwks !== undefined
    ? parseJwks(input.agencyId, JSON.stringify(input.jwks), 'jwks')
    : await fetchJwks(input.agencyId, input.jwksUrl as string)
  if (jwks.keys.length === 0) throw errors.peerKeysUnavailable(input.agencyId, 'the key set is empty')
  const inserted = await insertPeer(db, {
    agencyId: input.agencyId,
    name: input.name,
    country: input.country,
    baseUrl: input.baseUrl.replace(/\/+$/, ''),
    jwks,
    jwksUrl: input.jwksUrl ?? null,
    jwksRefreshedAt: input.jwks === undefined ? clock.now() : null,
    status: 'active',
    statusReason: null
  })
  if (!inserted) throw errors.peerExists(input.agencyId)
  return getPeer(db, input.agencyId)
}

export async function getPeer (db: Db, agencyId: string): Promise<Peer> {
  const peer = await findPeer(db, agencyId)
  if (peer === undefined) throw errors.peerNotFound(agencyId)
  return peer
}

/** Sets a peer active or disabled; a quarantine (set by the sync worker) is lifted by resuming, not here. */
export async function setPeerStatus (db: Db, agencyId: string, status: Exclude<PeerStatus, 'quarantined'>, reason: string | null): Promise<Peer> {
  const current = await getPeer(db, agencyId)
  if (current.status === 'quarantined' && status === 'active') throw errors.peerQuarantined(agencyId)
  if (!await updatePeerStatus(db, agencyId, status, reason)) throw errors.peerNotFound(agencyId)
  return getPeer(db, agencyId)
}
