import { Type } from '@sinclair/typebox'
import type { KeyInfo as KeyRecord } from '../../signing/index.js'
import { revokeKey, rotateKey } from '../../use-cases/index.js'
import { userOf } from '../plugins/auth.js'
import type { App } from '../types.js'
import { problems } from '../schemas/common.js'

const Time = Type.Union([Type.String({ format: 'date-time' }), Type.Null()])

const KeyInfo = Type.Object({
  kid: Type.String({ description: 'RFC 7638 thumbprint' }),
  status: Type.Union([Type.Literal('current'), Type.Literal('retired'), Type.Literal('revoked')], {
    description: 'current: signs now; retired: rotated out, signed nothing after retiredAt; revoked: not trusted for anything signed from revokedFrom on'
  }),
  createdAt: Type.String({ format: 'date-time' }),
  retiredAt: Time,
  revokedFrom: Time,
  revokedAt: Time,
  revocationReason: Type.Union([Type.String(), Type.Null()])
}, { additionalProperties: false })

const KidParams = Type.Object({ kid: Type.String({ pattern: '^[A-Za-z0-9_-]{43}$', minLength: 43, maxLength: 43, description: 'the key\'s RFC 7638 thumbprint' }) }, { additionalProperties: false })

const iso = (date: Date | null) => date?.toISOString() ?? null
const toView = (k: KeyRecord) => ({
  kid: k.kid, status: k.status, createdAt: k.createdAt.toISOString(), retiredAt: iso(k.retiredAt), revokedFrom: iso(k.revokedFrom), revokedAt: iso(k.revokedAt), revocationReason: k.revocationReason
})

export async function keyRoutes (app: App) {
  app.get('/', {
    schema: { tags: ['keys'], summary: 'Our signing keys (public facts only)', response: { 200: Type.Object({ keys: Type.Array(KeyInfo) }, { additionalProperties: false }) } }
  }, async () => ({ keys: (await app.keyRing.list()).map(toView) }))

  app.post('/rotate', {
    schema: {
      tags: ['keys'],
      summary: 'Generate a new signing key and retire the current one',
      description: 'The new key is announced in our feed by a key-status entry signed with the old one (so peers enrolled with inline keys learn it); new entries are signed with the new key. The retired key stays in /.well-known/jwks.json, marked retired.',
      response: { 201: Type.Object({ kid: Type.String(), retired: Type.Union([Type.String(), Type.Null()]), seq: Type.Union([Type.Integer(), Type.Null()], { description: 'the key-status entry announcing it' }) }, { additionalProperties: false }) }
    }
  }, async (request, reply) => {
    const result = await rotateKey(app.services, userOf(request).subject)
    request.log.info({ kid: result.kid, retired: result.retired }, 'signing key rotated')
    return reply.code(201).send({ kid: result.kid, retired: result.retired, seq: result.entry?.seq ?? null })
  })

  app.post('/:kid/revocation', {
    schema: {
      tags: ['keys'],
      summary: 'Revoke one of our signing keys (a compromised key)',
      description: 'Peers refuse partner tokens and consultation messages signed with it at once, and quarantine any entry signed with it placed after the revocation in our feed; ' +
        'the entries before it stay ours, whenever dated (our chain vouches for them: a thief\'s entry there would be a fork). ' +
        'A current key is rotated out first. A key-status entry signed with the current key says so in our feed, and the JWKS marks the key revoked from `from` (default now, never later).',
      params: KidParams,
      body: Type.Object({
        from: Type.Optional(Type.String({ format: 'date-time', description: 'from when the key is no longer trusted (default: now; not later than now)' })),
        reason: Type.String({ minLength: 1, maxLength: 500, description: 'why, as the peers and the audit trail will read it' })
      }, { additionalProperties: false }),
      response: {
        201: Type.Object({ kid: Type.String(), revokedFrom: Type.String({ format: 'date-time' }), rotatedTo: Type.Union([Type.String(), Type.Null()]), seq: Type.Integer({ description: 'the key-status entry that revokes it' }) }, { additionalProperties: false }),
        ...problems(400, 404, 409, 422)
      }
    }
  }, async (request, reply) => {
    const result = await revokeKey(app.services, userOf(request).subject, request.params.kid, request.body)
    request.log.warn({ kid: result.kid, revokedFrom: result.revokedFrom, rotatedTo: result.rotatedTo }, 'signing key revoked')
    return reply.code(201).send({ kid: result.kid, revokedFrom: result.revokedFrom, rotatedTo: result.rotatedTo, seq: result.entry.seq })
  })
}
