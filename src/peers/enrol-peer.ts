import type { Logger } from 'pino'
import type { Db } from '../db/create-db.js'
import type { Clock } from '../lib/clock.js'
import { errors } from '../lib/errors.js'
import { checkOutboundUrl, type PrivateAddresses } from '../lib/outbound-address.js'
import { fetchJwks, parseJwks } from './fetch-jwks.js'
import { findPeer, insertPeer, updatePeerStatus } from './queries.js'
import type { Peer, PeerEnrolment, PeerStatus } from './types.js'

export interface EnrolmentContext {
  clock: Clock
  /** The outbound address policy for the JWKS fetch. */
  privateAddresses: PrivateAddresses
  /** Where the cause of a failed JWKS fetch is logged: the answer itself names none. */
  logger?: Pick<Logger, 'warn'> | undefined
}

/** A peer checked for enrolment, its keys in hand, not stored yet (`prepareEnrolment`). */
export type NewPeer = Omit<Peer, 'createdAt' | 'updatedAt'>

/**
 * Checks an enrolment and gets the peer's keys: given, or fetched once now from its JWKS URL
 * (and again later when it signs with a kid we do not know), under the outbound address
 * policy. Nothing is stored: `storeEnrolment` does, so that the caller can write its audit
 * event in the same transaction, with no network call inside it. Throws URL_NOT_ALLOWED when
 * a URL is not http(s) (or has credentials, or a base URL a query), PEER_KEYS_UNAVAILABLE when
 * no usable key results.
 */
export async function prepareEnrolment (input: PeerEnrolment, ctx: EnrolmentContext): Promise<NewPeer> {
  if (input.jwks === undefined && input.jwksUrl === undefined) {
    throw errors.invalidRequest('give the peer\'s public keys (jwks) or a URL to fetch them from (jwksUrl)', [{ pointer: '/body/jwks', detail: 'jwks or jwksUrl is required' }])
  }
  checkUrl('baseUrl', input.baseUrl)
  if (/[?#]/.test(input.baseUrl)) throw errors.urlNotAllowed('baseUrl', 'has a query or fragment: give the base URL that API paths are appended to')
  if (input.jwksUrl !== undefined) checkUrl('jwksUrl', input.jwksUrl)
  const jwks = input.jwks !== undefined
    ? parseJwks(input.agencyId, JSON.stringify(input.jwks), 'jwks')
    : await fetchJwks(input.agencyId, input.jwksUrl as string, ctx.privateAddresses).catch((err: unknown) => {
      ctx.logger?.warn({ peer: input.agencyId, err }, 'the JWKS of a peer being enrolled could not be fetched')
      throw err
    })
  if (jwks.keys.length === 0) throw errors.peerKeysUnavailable(input.agencyId, 'the key set is empty')
  return {
    agencyId: input.agencyId,
    name: input.name,
    country: input.country,
    baseUrl: input.baseUrl.replace(/\/+$/, ''),
    jwks,
    jwksUrl: input.jwksUrl ?? null,
    jwksRefreshedAt: input.jwks === undefined ? ctx.clock.now() : null,
    status: 'active',
    statusReason: null
  }
}

/** Stores a prepared enrolment, in the caller's transaction; PEER_EXISTS when the agency id is taken. */
export async function storeEnrolment (db: Db, peer: NewPeer): Promise<Peer> {
  if (!await insertPeer(db, peer)) throw errors.peerExists(peer.agencyId)
  return getPeer(db, peer.agencyId)
}

function checkUrl (field: 'baseUrl' | 'jwksUrl', url: string): void {
  const refused = checkOutboundUrl(url)
  if (refused !== undefined) throw errors.urlNotAllowed(field, refused)
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
