import { Type, type Static } from '@sinclair/typebox'
import { createFeedPageReader, signCheckpoint } from '../../feed/index.js'
import { cosignaturesOf } from '../../sync/index.js'
import type { App } from '../types.js'
import { partnerOf } from '../plugins/auth.js'
import { Base64url, problems } from '../schemas/common.js'

const FullEntry = Type.Object({ seq: Type.Integer({ minimum: 1 }), jws: Type.String({ description: 'the entry, a JWS in compact serialisation (EdDSA)' }) }, { additionalProperties: false })
const Placeholder = Type.Object({
  seq: Type.Integer({ minimum: 1 }),
  hash: Base64url,
  prev: Type.Union([Base64url, Type.Null()])
}, { additionalProperties: false, description: 'an entry outside the caller\'s audience: its hash and prev only, so the chain still verifies' })

const FeedPage = Type.Object({
  issuer: Type.String(),
  after: Type.Integer(),
  next: Type.Integer({ description: 'pass as `after` for the next page' }),
  headSeq: Type.Integer(),
  hasMore: Type.Boolean(),
  entries: Type.Array(Type.Union([FullEntry, Placeholder]))
}, { additionalProperties: false })

const Checkpoint = Type.Object({
  seq: Type.Integer({ minimum: 0 }),
  hash: Type.Union([Base64url, Type.Null()]),
  checkpoint: Type.String({ description: 'a C2SP tlog-checkpoint signed note: our agency id, the head seq, the head entry\'s hash (base64), our Ed25519 note signature, then the tlog-cosignature/v1 lines of the peers that co-signed this checkpoint (docs/federation.md)' })
}, { additionalProperties: false })

export async function feedRoutes (app: App) {
  const readPage = createFeedPageReader(app.reservedDb, app.config.agency.id, app.config.feedCacheBytes)
  app.get('/', {
    schema: {
      tags: ['protocol'],
      summary: 'Our feed entries after a seq, in order',
      querystring: Type.Object({
        after: Type.Integer({ minimum: 0, default: 0 }),
        limit: Type.Integer({ minimum: 1, maximum: app.config.feedPageMax, default: Math.min(100, app.config.feedPageMax) })
      }, { additionalProperties: false }),
      response: { 200: FeedPage, ...problems(400) }
    }
  }, async (request, reply) => {
    const body = await readPage({ after: request.query.after, limit: request.query.limit, viewer: partnerOf(request) })
    // pre-serialised text: Fastify sends a string as is, and the schema above documents its shape
    return reply.type('application/json; charset=utf-8').send(body as unknown as Static<typeof FeedPage>)
  })

  app.get('/head', {
    schema: { tags: ['protocol'], summary: 'A signed checkpoint of our feed head', response: { 200: Checkpoint } }
  }, async () => signCheckpoint(app.reservedDb, app.config.agency.id, await app.keyRing.current(app.reservedDb), (text) => cosignaturesOf(app.reservedDb, app.config.agency.id, text)))
}
