import { Type, type Static } from '@sinclair/typebox'
import { readCopyPage } from '../../feed/index.js'
import { errors } from '../../lib/errors.js'
import { findSyncRowOf, witnessStatement } from '../../sync/index.js'
import { partnerOf } from '../plugins/auth.js'
import type { App } from '../types.js'
import { AgencyId, Base64url, problems } from '../schemas/common.js'

const View = Type.Object({
  issuer: Type.String(),
  seq: Type.Integer({ minimum: 0, description: 'the last seq of the issuer\'s feed we verified and hold' }),
  hash: Type.Union([Base64url, Type.Null()]),
  checkpoint: Type.String({ description: 'a C2SP checkpoint of the issuer\'s feed at that seq: its text, the issuer\'s own signature line when the last checkpoint it showed us is at that seq, and our tlog-cosignature/v1 line' })
}, { additionalProperties: false })

const CopyPage = Type.Object({
  issuer: Type.String(),
  after: Type.Integer(),
  next: Type.Integer(),
  headSeq: Type.Integer({ description: 'how far our copy goes' }),
  hasMore: Type.Boolean(),
  entries: Type.Array(Type.Union([
    Type.Object({ seq: Type.Integer({ minimum: 1 }), jws: Type.String() }, { additionalProperties: false }),
    Type.Object({ seq: Type.Integer({ minimum: 1 }), hash: Base64url, prev: Type.Union([Base64url, Type.Null()]) }, { additionalProperties: false })
  ]))
}, { additionalProperties: false })

const IssuerParams = Type.Object({ issuer: AgencyId }, { additionalProperties: false })

/** What we hold of other agencies' feeds, for our peers: co-signed checkpoints (witnesses) and our copies (recovery, newcomers). */
export async function witnessRoutes (app: App) {
  app.get('/:issuer', {
    schema: {
      tags: ['protocol'],
      summary: 'What we hold of an agency\'s feed, as a checkpoint we co-sign',
      description: 'Asked by the agency itself: what its peer holds of its own feed (a restored agency recovers its lost entries from it). Asked by another ally: a witness statement, to compare with what the agency showed it (docs/federation.md).',
      params: IssuerParams,
      response: { 200: View, ...problems(400, 404) }
    }
  }, async (request) => {
    const view = await witnessStatement(app.reservedDb, app.config.agency.id, await app.keyRing.current(app.reservedDb), app.clock, request.params.issuer)
    if (view === undefined) throw errors.notFound(`a feed of "${request.params.issuer}" we hold (ours is GET /v1/feed/head)`)
    return view
  })

  app.get('/:issuer/entries', {
    schema: {
      tags: ['protocol'],
      summary: 'A page of our copy of an agency\'s feed',
      description: 'As the agency sent it to us. An entry the caller may not see is a placeholder; the agency itself reads back every entry of its own that we hold in full.',
      params: IssuerParams,
      querystring: Type.Object({
        after: Type.Integer({ minimum: 0, default: 0 }),
        limit: Type.Integer({ minimum: 1, maximum: app.config.feedPageMax, default: Math.min(100, app.config.feedPageMax) })
      }, { additionalProperties: false }),
      response: { 200: CopyPage, ...problems(400, 404) }
    }
  }, async (request, reply) => {
    const { issuer } = request.params
    const sync = issuer === app.config.agency.id ? undefined : await findSyncRowOf(app.reservedDb, issuer)
    if (sync === undefined) throw errors.notFound(`a feed of "${issuer}" we hold (ours is GET /v1/feed)`)
    const caller = partnerOf(request)
    const body = await readCopyPage(app.reservedDb, issuer, { ...request.query, viewer: caller === issuer ? null : caller }, sync.cursor_seq)
    return reply.type('application/json; charset=utf-8').send(body as unknown as Static<typeof CopyPage>)
  })
}
