import { Type } from '@sinclair/typebox'
import { getPeer, signMemberList } from '../../peers/index.js'
import { listPeerHealth } from '../../sync/index.js'
import { joinAgency } from '../../use-cases/index.js'
import { userOf } from '../plugins/auth.js'
import type { App } from '../types.js'
import { problems } from '../schemas/common.js'
import { PeerView } from '../schemas/peers.js'
import { peerView } from './peers.js'

/** For a newcomer we enrolled (partner): the members we vouch for, signed. */
export async function federationPartnerRoutes (app: App) {
  app.get('/members', {
    schema: {
      tags: ['protocol'],
      summary: 'Our active peers, with their addresses and current keys, signed by us',
      description: 'A JWS (typ reciprocity-members+jws, payload {iss, time, members: [{agencyId, name, country, baseUrl, jwksUrl, keys}]}): a newcomer that trusts us enrols them with the keys we vouch for (docs/federation.md section 3).',
      response: { 200: Type.Object({ members: Type.String() }, { additionalProperties: false }) }
    }
  }, async () => ({ members: await signMemberList(app.reservedDb, app.config.agency.id, await app.keyRing.current(app.reservedDb), app.clock) }))
}

const Join = Type.Object({
  url: Type.String({ pattern: '^https?://[^\\s]+$', maxLength: 2000, description: 'where the agency answers: its /.well-known/reciprocity-agency says who it is' }),
  kid: Type.String({ pattern: '^[A-Za-z0-9_-]{43}$', minLength: 43, maxLength: 43, description: 'the RFC 7638 thumbprint of one of its keys, obtained out of band: its JWKS must hold it' }),
  introduce: Type.Optional(Type.Boolean({ description: 'publish an introduction of it in our feed, for the members that accept ours (ACCEPT_INTRODUCTIONS_FROM)' })),
  members: Type.Optional(Type.Boolean({ description: 'also enrol every member it lists (it must have enrolled us), with the keys it vouches for' }))
}, { additionalProperties: false })

/** An administrator enrols an agency by its URL and a pinned key (administrators). */
export async function joinRoutes (app: App) {
  app.post('/join', {
    schema: {
      tags: ['peers'],
      summary: 'Enrol an agency by its URL, trusting the key pinned by its thumbprint',
      description: 'The agency\'s descriptor and JWKS are read from the URL; PEER_KEY_NOT_PINNED when the JWKS lacks the key given. With `members`, the agency\'s signed member list is enrolled too, and its view of each member\'s feed kept as our first (docs/federation.md section 3).',
      body: Join,
      response: { 201: Type.Object({ enrolled: Type.Array(PeerView), skipped: Type.Array(Type.String()), introduced: Type.Union([Type.Integer(), Type.Null()]) }, { additionalProperties: false }), ...problems(400, 409, 422) }
    }
  }, async (request, reply) => {
    const outcome = await joinAgency(app.services, userOf(request).subject, request.body)
    request.log.info({ enrolled: outcome.enrolled.map((p) => p.agencyId), introduced: outcome.introduced }, 'agency joined')
    const health = new Map((await listPeerHealth(app.db)).map((h) => [h.agencyId, h]))
    const enrolled = await Promise.all(outcome.enrolled.map(async (p) => peerView(await getPeer(app.db, p.agencyId), health.get(p.agencyId))))
    return reply.code(201).send({ enrolled, skipped: outcome.skipped, introduced: outcome.introduced })
  })
}
