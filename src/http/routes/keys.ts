import { Type } from '@sinclair/typebox'
import type { App } from '../types.js'

const KeyInfo = Type.Object({
  kid: Type.String({ description: 'RFC 7638 thumbprint' }),
  status: Type.Union([Type.Literal('current'), Type.Literal('retired')]),
  createdAt: Type.String({ format: 'date-time' }),
  retiredAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()])
}, { additionalProperties: false })

export async function keyRoutes (app: App) {
  app.get('/', {
    schema: { tags: ['keys'], summary: 'Our signing keys (public facts only)', response: { 200: Type.Object({ keys: Type.Array(KeyInfo) }, { additionalProperties: false }) } }
  }, async () => ({
    keys: (await app.keyRing.list()).map((k) => ({ ...k, createdAt: k.createdAt.toISOString(), retiredAt: k.retiredAt?.toISOString() ?? null }))
  }))

  app.post('/rotate', {
    schema: {
      tags: ['keys'],
      summary: 'Generate a new signing key and retire the current one',
      description: 'New entries are signed with the new key; the retired key stays in /.well-known/jwks.json.',
      response: { 201: Type.Object({ kid: Type.String(), retired: Type.Union([Type.String(), Type.Null()]) }, { additionalProperties: false }) }
    }
  }, async (request, reply) => {
    const result = await app.keyRing.rotate()
    request.log.info({ kid: result.kid, retired: result.retired }, 'signing key rotated')
    return reply.code(201).send(result)
  })
}
