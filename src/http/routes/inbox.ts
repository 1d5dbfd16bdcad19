import { Type } from '@sinclair/typebox'
import { receivePushedEntry } from '../../sync/index.js'
import { createPeerProjector } from '../../use-cases/index.js'
import type { App } from '../types.js'
import { partnerOf } from '../plugins/auth.js'
import { problems } from '../schemas/common.js'

const PushResult = Type.Object({
  status: Type.Union([Type.Literal('stored'), Type.Literal('duplicate'), Type.Literal('pending')], {
    description: 'stored: it continued our copy of your feed; duplicate: we held it already; pending: it is ahead of our copy and waits for the pull to fill the gap'
  }),
  seq: Type.Integer(),
  cursor: Type.Integer({ description: 'the last seq of your feed we now hold' })
}, { additionalProperties: false })

export async function inboxRoutes (app: App) {
  app.post('/', {
    schema: {
      tags: ['protocol'],
      summary: 'Push one of your own signed entries for immediate delivery (an urgent denial)',
      description: 'Verified exactly as a pulled entry. The pull stays the source of truth: a later pull of the same entry is a no-op. ' +
        'A different entry for a seq we hold is a fork: the pusher is quarantined.',
      body: Type.Object({ jws: Type.String({ minLength: 10, maxLength: 1_000_000, description: 'the feed entry, JWS compact serialisation' }) }, { additionalProperties: false }),
      response: { 200: PushResult, 201: PushResult, 202: PushResult, ...problems(400, 409, 422) }
    }
  }, async (request, reply) => {
    const outcome = await receivePushedEntry({ db: app.db, clock: app.clock, project: createPeerProjector(app.services), jwksCooldownMs: app.config.peerJwksCooldownSeconds * 1000, privateAddresses: app.config.sync.privateAddresses, keyCache: app.keyCache }, partnerOf(request), request.body.jws)
    request.log.info({ peer: partnerOf(request), seq: outcome.seq, status: outcome.status }, 'entry pushed to the inbox')
    return reply.code(outcome.status === 'stored' ? 201 : outcome.status === 'pending' ? 202 : 200).send(outcome)
  })
}
