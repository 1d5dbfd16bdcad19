import { Type } from '@sinclair/typebox'
import { getPeer, keyStatusOf, listPeers, type Peer } from '../../peers/index.js'
import { listPeerHealth, type PeerHealth } from '../../sync/index.js'
import { enrolPeer, removePeer, resumePeer, setPeerStatus, updatePeer } from '../../use-cases/index.js'
import { errors } from '../../lib/errors.js'
import { userOf } from '../plugins/auth.js'
import type { App } from '../types.js'
import { AgencyId, problems } from '../schemas/common.js'
import { PeerChange, PeerEnrolment, PeerRemoval, PeerRemovalQuery, PeerView, type PeerSyncView } from '../schemas/peers.js'

const iso = (date: Date | null) => date?.toISOString() ?? null

function toSyncView (health: PeerHealth | undefined, peer: Peer): PeerSyncView {
  if (health === undefined) {
    return {
      state: peer.status,
      cursor: 0,
      headSeq: null,
      lag: null,
      lastAttemptAt: null,
      lastSuccessAt: null,
      lastErrorCode: null,
      lastError: null,
      lastErrorAt: null,
      nextAttemptAt: null,
      entriesIngested: 0,
      verificationFailures: 0,
      quarantineEvidence: null
    }
  }
  return {
    state: health.state,
    cursor: health.cursor,
    headSeq: health.headSeq,
    lag: health.lag,
    lastAttemptAt: iso(health.lastAttemptAt),
    lastSuccessAt: iso(health.lastSuccessAt),
    lastErrorCode: health.lastErrorCode,
    lastError: health.lastError,
    lastErrorAt: iso(health.lastErrorAt),
    nextAttemptAt: iso(health.nextAttemptAt),
    entriesIngested: health.entriesIngested,
    verificationFailures: health.verificationFailures,
    quarantineEvidence: health.quarantineEvidence
  }
}

/** A peer as the API shows it, with its sync health. */
export function peerView (peer: Peer, health: PeerHealth | undefined): PeerView {
  return {
    agencyId: peer.agencyId,
    name: peer.name,
    country: peer.country,
    baseUrl: peer.baseUrl,
    jwksUrl: peer.jwksUrl,
    keyIds: peer.jwks.keys.map((k) => k.kid ?? '(no kid)'),
    keyStatuses: peer.jwks.keys.flatMap((k) => {
      const status = k.kid === undefined ? undefined : keyStatusOf(peer, k.kid)
      return status === undefined ? [] : [{ kid: k.kid as string, status: status.status, since: status.since.toISOString(), seq: status.seq }]
    }),
    status: peer.status,
    statusReason: peer.statusReason,
    createdAt: peer.createdAt.toISOString(),
    updatedAt: peer.updatedAt.toISOString(),
    sync: toSyncView(health, peer)
  }
}

const PeerParams = Type.Object({ agencyId: AgencyId }, { additionalProperties: false })

export async function peerRoutes (app: App) {
  const viewOf = async (agencyId: string) => {
    const peer = await getPeer(app.db, agencyId)
    const [health] = await listPeerHealth(app.db, agencyId)
    return peerView(peer, health)
  }

  app.post('/', {
    schema: {
      tags: ['peers'],
      summary: 'Enrol a peer agency with its public keys or JWKS URL',
      body: PeerEnrolment,
      response: { 201: PeerView, ...problems(400, 409, 422) }
    }
  }, async (request, reply) => {
    const peer = await enrolPeer({ ...app.services, logger: request.log }, userOf(request).subject, request.body)
    request.log.info({ peer: peer.agencyId }, 'peer enrolled')
    return reply.code(201).send(await viewOf(peer.agencyId))
  })

  app.get('/', {
    schema: {
      tags: ['peers'],
      summary: 'Enrolled peers with their sync health',
      description: 'Per peer: state (active, backing_off, quarantined, disabled), our cursor, the peer\'s head seq, lag, last success, last error, entries ingested, verification failures.',
      response: { 200: Type.Object({ peers: Type.Array(PeerView) }, { additionalProperties: false }) }
    }
  }, async () => {
    const [peers, health] = await Promise.all([listPeers(app.db), listPeerHealth(app.db)])
    const byId = new Map(health.map((h) => [h.agencyId, h]))
    return { peers: peers.map((peer) => peerView(peer, byId.get(peer.agencyId))) }
  })

  app.get('/:agencyId', {
    schema: { tags: ['peers'], summary: 'One enrolled peer with its sync health', params: PeerParams, response: { 200: PeerView, ...problems(400, 404) } }
  }, async (request) => viewOf(request.params.agencyId))

  app.patch('/:agencyId', {
    schema: {
      tags: ['peers'],
      summary: 'Change a peer: activate or disable it, or change its base URL or keys',
      description: 'Each change is in the audit trail (`peer-status-changed`, `peer-updated` with the key ids before and after). ' +
        'Keys are given inline (`jwks`) or fetched now from `jwksUrl`. A quarantined peer is resumed with POST /v1/peers/{agencyId}/resume, not here.',
      params: PeerParams,
      body: PeerChange,
      response: { 200: PeerView, ...problems(400, 404, 409, 422) }
    }
  }, async (request) => {
    const { status, reason, ...connection } = request.body
    const admin = userOf(request).subject
    const agencyId = request.params.agencyId
    if (connection.baseUrl !== undefined || connection.jwks !== undefined || connection.jwksUrl !== undefined) {
      await updatePeer({ ...app.services, logger: request.log }, admin, agencyId, connection)
      request.log.info({ peer: agencyId, changed: Object.keys(connection) }, 'peer updated')
    } else if (status === undefined) {
      throw errors.invalidRequest('give a status, a base URL or keys to change', [{ pointer: '/body', detail: 'nothing to change' }])
    }
    if (status !== undefined) {
      await setPeerStatus(app.services, admin, agencyId, status, reason ?? null)
      request.log.info({ peer: agencyId, status }, 'peer status changed')
    }
    return viewOf(agencyId)
  })

  app.post('/:agencyId/resume', {
    schema: {
      tags: ['peers'],
      summary: 'Resume syncing a quarantined or backing-off peer',
      description: 'For after an administrator has acted on the quarantine reason and evidence. Ingest restarts from our cursor: nothing we hold is discarded.',
      params: PeerParams,
      response: { 200: PeerView, ...problems(400, 404, 409) }
    }
  }, async (request) => {
    const { peer, previous } = await resumePeer(app.services, userOf(request).subject, request.params.agencyId)
    request.log.info({ peer: peer.agencyId, previous }, 'peer sync resumed')
    return viewOf(peer.agencyId)
  })

  app.delete('/:agencyId', {
    schema: {
      tags: ['peers'],
      summary: 'Remove a peer, keeping its records or purging them',
      description: 'In one transaction with the audit event `peer-removed` (the choice and the counts). ' +
        '`records=keep`: the peer becomes `removed`: no more sync, its tokens refused (403 PEER_INACTIVE), its keys kept, its records held and ' +
        'marked as from a former peer but left out of screening (unless `includeFormerPeers`) and of divergence detection; PATCH status active reinstates it. ' +
        '`records=purge`: every divergence naming one of its records is resolved ("peer removed; its records purged"), then its records, feed entries, ' +
        'sync state, witness views and enrolment are deleted: the agency may be enrolled again.',
      params: PeerParams,
      querystring: PeerRemovalQuery,
      response: { 200: PeerRemoval, ...problems(400, 404) }
    }
  }, async (request) => {
    const outcome = await removePeer(app.services, userOf(request).subject, request.params.agencyId, request.query.records)
    request.log.info({ peer: outcome.agencyId, records: outcome.records, counts: outcome.counts }, 'peer removed')
    return {
      agencyId: outcome.agencyId,
      records: outcome.records,
      counts: outcome.counts,
      peer: outcome.peer === undefined ? null : await viewOf(outcome.agencyId)
    }
  })
}
