import { Type } from '@sinclair/typebox'
import type { App } from '../types.js'
import { PROTOCOL_VERSION } from '../plugins/swagger.js'
import { Jwks } from '../../lib/jwk.js'

const AgencyDescriptor = Type.Object({
  agencyId: Type.String(),
  name: Type.String(),
  country: Type.String(),
  protocolVersion: Type.String(),
  baseUrl: Type.String(),
  endpoints: Type.Object({
    jwks: Type.String(),
    feed: Type.String(),
    feedHead: Type.String(),
    inbox: Type.String(),
    openapi: Type.String()
  }, { additionalProperties: false }),
  signing: Type.Object({ alg: Type.Literal('EdDSA'), canonicalization: Type.Literal('RFC 8785'), hash: Type.Literal('SHA-256') }, { additionalProperties: false })
}, { additionalProperties: false })

export async function wellKnownRoutes (app: App) {
  app.get('/.well-known/jwks.json', {
    schema: {
      tags: ['protocol'],
      summary: 'Our public signing keys, current and retired',
      description: 'Retired keys stay here so entries signed before a rotation keep verifying.',
      response: { 200: Jwks }
    }
  }, async (_request, reply) => {
    reply.header('cache-control', 'public, max-age=60')
    return app.keyRing.jwks(app.reservedDb)
  })

  app.get('/.well-known/reciprocity-agency', {
    schema: { tags: ['protocol'], summary: 'Who we are and where our endpoints are', response: { 200: AgencyDescriptor } }
  }, async () => {
    const base = app.config.agency.publicUrl
    return {
      agencyId: app.config.agency.id,
      name: app.config.agency.name,
      country: app.config.agency.country,
      protocolVersion: PROTOCOL_VERSION,
      baseUrl: base,
      endpoints: {
        jwks: `${base}/.well-known/jwks.json`,
        feed: `${base}/v1/feed`,
        feedHead: `${base}/v1/feed/head`,
        inbox: `${base}/v1/inbox`,
        openapi: `${base}/openapi.json`
      },
      signing: { alg: 'EdDSA' as const, canonicalization: 'RFC 8785' as const, hash: 'SHA-256' as const }
    }
  })

  app.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger())
}
