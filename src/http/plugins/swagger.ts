import swagger from '@fastify/swagger'
import swaggerUi from '@fastify/swagger-ui'
import type { FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'
import { requestExample } from '../openapi-examples.js'
import type { RouteAccess } from './auth.js'

export const PROTOCOL_VERSION = '1'

function describeAccess (access: RouteAccess | undefined): { security?: Array<Record<string, string[]>>, note: string } {
  if (access === undefined || access === 'public') return { security: [], note: 'Access: anyone.' }
  if (access === 'partner') return { security: [{ partnerToken: [] }], note: 'Access: enrolled, active peer agencies (partner token).' }
  return { security: [{ userToken: [] }], note: `Access: ${access.join(', ')}.` }
}

/** OpenAPI 3.1 from the route schemas (C7); security and access notes from each route's declared access. */
export const swaggerPlugin = fp(async (app: FastifyInstance) => {
  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'Export-control licensing reciprocity service',
        version: PROTOCOL_VERSION,
        description: 'One instance per allied agency: a signed, hash-chained feed of licence decisions, denial notices, ' +
          'classifications and crosswalks; peer enrolment and partner authentication; officer, auditor and administrator APIs. ' +
          'Errors are RFC 9457 problem documents with a stable `code`.'
      },
      components: {
        securitySchemes: {
          userToken: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT', description: 'officer, auditor or admin token from the agency identity provider' },
          partnerToken: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT', description: 'token signed by the peer agency\'s own key: iss = sub = its agency id, aud = ours, exp at most 5 minutes, unique jti' }
        }
      }
    },
    transform: ({ schema, url, route }) => {
      const { security, note } = describeAccess(route.config?.access)
      const description = [schema?.description, note].filter((s) => s !== undefined && s !== '').join('\n\n')
      // a prefix's '/' route is served with and without the slash; document it as the protocol names it: /v1/feed
      const path = url.length > 1 ? url.replace(/\/$/, '') : url
      const example = requestExample(String(Array.isArray(route.method) ? route.method[0] : route.method), path)
      // a body's example, and `required` naming only what the server requires (a property with a default may be left out)
      const body = schema?.body === undefined || schema.body === null ? undefined : { ...withoutDefaultedRequired(schema.body), ...(example === undefined ? {} : { examples: [example] }) }
      return { schema: { ...schema, ...(body === undefined ? {} : { body }), description, security } as typeof schema, url: path }
    }
  })
  // its own assets only, with the hashes of its inline script and styles; never framed; no
  // `https:` sources and no upgrade of requests, so it also works on a development machine
  await app.register(swaggerUi, {
    routePrefix: '/docs',
    staticCSP: true,
    transformStaticCSP: (header) => header
      .replace("frame-ancestors 'self'", "frame-ancestors 'none'")
      .replaceAll(' https:', '')
      .replace(/ ?upgrade-insecure-requests;?/, '')
      .replace('img-src \'self\' data: validator.swagger.io', "img-src 'self' data:")
  })
}, { name: 'swagger' })

/** A copy of a JSON schema whose objects' `required` no longer lists properties that have a default, at any depth. */
export function withoutDefaultedRequired (schema: unknown): Record<string, unknown> {
  const walk = (node: unknown): unknown => {
    if (Array.isArray(node)) return node.map(walk)
    if (node === null || typeof node !== 'object') return node
    const copy: Record<string, unknown> = Object.fromEntries(Object.entries(node).map(([k, v]) => [k, walk(v)]))
    const properties = copy.properties as Record<string, { default?: unknown }> | undefined
    if (Array.isArray(copy.required) && properties !== undefined) {
      const required = (copy.required as string[]).filter((name) => properties[name]?.default === undefined)
      if (required.length > 0) copy.required = required
      else delete copy.required
    }
    return copy
  }
  return walk(schema) as Record<string, unknown>
}
