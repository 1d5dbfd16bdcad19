import type { Logger } from 'pino'
import type { Db } from '../db/create-db.js'
import type { Clock } from '../lib/clock.js'
import { errors } from '../lib/errors.js'
import { checkOutboundUrl, type PrivateAddresses } from '../lib/outbound-address.js'
import type { Jwks } from '../lib/jwk.js'
import { fetchJwks, parseJwks } from './fetch-jwks.js'
import { recordKeyStatuses, statusesOfJwks } from './key-status.js'
import { findPeer, insertPeer, updatePeerConnection, updatePeerStatus } from './queries.js'
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
    keyStatuses: new Map(),
    status: 'active',
    statusReason: null
  }
}

/** Stores a prepared enrolment, in the caller's transaction; PEER_EXISTS when the agency id is taken. */
export async function storeEnrolment (db: Db, peer: NewPeer): Promise<Peer> {
  if (!await insertPeer(db, peer)) throw errors.peerExists(peer.agencyId)
  await recordKeyStatuses(db, peer.agencyId, statusesOfJwks(peer.jwks), 'jwks')
  return getPeer(db, peer.agencyId)
}

/** A change of a peer's address or keys, checked and its keys in hand (`preparePeerChange`). */
export interface PeerConnectionChange {
  baseUrl?: string | undefined
  jwks?: Jwks | undefined
  jwksUrl?: string | null | undefined
  jwksRefreshedAt?: Date | null | undefined
}

/**
 * Checks a change of a peer's base URL or keys as enrolment checks them, fetching a new JWKS
 * URL's keys now (before any transaction). Keys given inline replace the set; a JWKS URL
 * replaces it with what the URL serves; `jwksUrl: null` keeps the keys and stops refreshing them.
 */
export async function preparePeerChange (agencyId: string, input: { baseUrl?: string | undefined, jwks?: Jwks | undefined, jwksUrl?: string | null | undefined }, ctx: EnrolmentContext): Promise<PeerConnectionChange> {
  const change: PeerConnectionChange = {}
  if (input.baseUrl !== undefined) {
    checkUrl('baseUrl', input.baseUrl)
    if (/[?#]/.test(input.baseUrl)) throw errors.urlNotAllowed('baseUrl', 'has a query or fragment: give the base URL that API paths are appended to')
    change.baseUrl = input.baseUrl.replace(/\/+$/, '')
  }
  if (input.jwks !== undefined && typeof input.jwksUrl === 'string') {
    throw errors.invalidRequest('give the peer\'s new keys (jwks) or a URL to fetch them from (jwksUrl), not both', [{ pointer: '/body/jwks', detail: 'jwks and jwksUrl both given' }])
  }
  if (input.jwks !== undefined) {
    change.jwks = parseJwks(agencyId, JSON.stringify(input.jwks), 'jwks')
    if (change.jwks.keys.length === 0) throw errors.peerKeysUnavailable(agencyId, 'the key set is empty')
  }
  if (typeof input.jwksUrl === 'string') {
    checkUrl('jwksUrl', input.jwksUrl)
    change.jwks = await fetchJwks(agencyId, input.jwksUrl, ctx.privateAddresses).catch((err: unknown) => {
      ctx.logger?.warn({ peer: agencyId, err }, 'the new JWKS of a peer could not be fetched')
      throw err
    })
    if (change.jwks.keys.length === 0) throw errors.peerKeysUnavailable(agencyId, 'the key set is empty')
    change.jwksUrl = input.jwksUrl
    change.jwksRefreshedAt = ctx.clock.now()
  } else if (input.jwksUrl === null) {
    change.jwksUrl = null
  }
  return change
}

/** Stores a prepared change, in the caller's transaction; returns the peer as it was and as it is. */
export async function storePeerChange (db: Db, agencyId: string, change: PeerConnectionChange): Promise<{ before: Peer, after: Peer }> {
  const before = await getPeer(db, agencyId)
  await updatePeerConnection(db, agencyId, change)
  if (change.jwks !== undefined) await recordKeyStatuses(db, agencyId, statusesOfJwks(change.jwks), 'jwks')
  return { before, after: await getPeer(db, agencyId) }
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
