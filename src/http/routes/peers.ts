import { Type } from '@sinclair/typebox'
import { enrolPeer, getPeer, listPeers, setPeerStatus, type Peer } from '../../peers/index.js'
import type { App } from '../types.js'
import { AgencyId, problems } from '../schemas/common.js'
import { PeerEnrolment, PeerUpdate, PeerView } from '../schemas/peers.js'

function toView (peer: Peer): PeerView {
  return {
    agencyId: peer.agencyId,
    name: peer.name,
    country: peer.country,
    baseUrl: peer.baseUrl,
    jwksUrl: peer.jwksUrl,
    keyIds: peer.jwks.keys.map((k) => k.kid ?? '(no kid)'),
    status: peer.status,
    statusReason: peer.statusReason,
    createdAt: peer.createdAt.toISOString(),
    updatedAt: peer.updatedAt.toISOString()
  }
}

const PeerParams = Type.Object({ agencyId: AgencyId }, { additionalProperties: false })

export async function peerRoutes (app: App) {
  app.post('/', {
    schema: {
      tags: ['peers'],
      summary: 'Enrol a peer agency with its public keys or JWKS URL',
      body: PeerEnrolment,
      response: { 201: PeerView, ...problems(400, 409, 502) }
    }
  }, async (request, reply) => {
    const peer = await enrolPeer(app.db, request.body, app.clock)
    request.log.info({ peer: peer.agencyId }, 'peer enrolled')
    return reply.code(201).send(toView(peer))
  })

  app.get('/', {
    schema: { tags: ['peers'], summary: 'Enrolled peers', response: { 200: Type.Object({ peers: Type.Array(PeerView) }, { additionalProperties: false }) } }
  }, async () => ({ peers: (await listPeers(app.db)).map(toView) }))

  app.get('/:agencyId', {
    schema: { tags: ['peers'], summary: 'One enrolled peer', params: PeerParams, response: { 200: PeerView, ...problems(400, 404) } }
  }, async (request) => toView(await getPeer(app.db, request.params.agencyId)))

  app.patch('/:agencyId', {
    schema: {
      tags: ['peers'],
      summary: 'Activate or disable a peer (also lifts a quarantine)',
      params: PeerParams,
      body: PeerUpdate,
      response: { 200: PeerView, ...problems(400, 404) }
    }
  }, async (request) => {
    const peer = await setPeerStatus(app.db, request.params.agencyId, request.body.status, request.body.reason ?? null)
    request.log.info({ peer: peer.agencyId, status: peer.status }, 'peer status changed')
    return toView(peer)
  })
}
