import helmet from '@fastify/helmet'
import rateLimit from '@fastify/rate-limit'
import type { FastifyInstance, FastifyRequest } from 'fastify'
import fp from 'fastify-plugin'
import type { RateLimitClass, RateLimits } from '../../config.js'
import { errors } from '../../lib/errors.js'

/**
 * The API answers JSON, which loads nothing: no source is allowed, and no page may frame it.
 * Pages that load something (the HTML report, /docs) set their own policy.
 */
const API_CSP = {
  defaultSrc: ["'none'"],
  baseUri: ["'none'"],
  formAction: ["'none'"],
  frameAncestors: ["'none'"]
}

/** The route class a request is counted in, from its route's URL and the principal authenticated. */
export function rateLimitClassOf (request: FastifyRequest): RateLimitClass | undefined {
  const url = request.routeOptions.url ?? ''
  if (url.startsWith('/health/')) return undefined
  if (request.method === 'POST' && url === '/v1/screenings') return 'screening'
  if (request.method === 'POST' && url === '/v1/decisions/import') return 'import'
  if (request.principal?.kind === 'partner') return 'feed'
  if (request.principal?.kind === 'user') return 'api'
  return 'public'
}

/** Who is counted: the partner agency, the user's token subject, or, for anyone else, the IP address. */
function callerOf (request: FastifyRequest): string {
  const principal = request.principal
  if (principal?.kind === 'partner') return `agency:${principal.agencyId}`
  if (principal?.kind === 'user') return `user:${principal.subject}`
  return `ip:${request.ip}`
}

/**
 * Security headers on every response (helmet: nosniff, frame-ancestors 'none', a strict CSP,
 * Referrer-Policy no-referrer…), `Cache-Control: no-store` on every response that does not
 * say otherwise (authenticated JSON must not sit in a shared cache), and rate limits per
 * caller and route class (RATE_LIMIT_*), counted after authentication and before the body is
 * read: 429 RATE_LIMITED with Retry-After. Counts are kept in this process's memory.
 */
export const securityPlugin = fp(async (app: FastifyInstance, opts: { rateLimits: RateLimits }) => {
  await app.register(helmet, {
    contentSecurityPolicy: { useDefaults: false, directives: API_CSP },
    referrerPolicy: { policy: 'no-referrer' },
    frameguard: { action: 'deny' },
    crossOriginResourcePolicy: { policy: 'same-origin' },
    // an API served over plain HTTP on a development machine must not pin HTTPS for its host name
    strictTransportSecurity: false
  })
  app.addHook('onSend', async (_request, reply) => {
    if (!reply.hasHeader('cache-control')) reply.header('cache-control', 'no-store')
  })
  const { windowSeconds, perWindow } = opts.rateLimits
  await app.register(rateLimit, {
    global: true,
    hook: 'preParsing',
    timeWindow: windowSeconds * 1000,
    keyGenerator: (request) => `${rateLimitClassOf(request) ?? 'none'}:${callerOf(request)}`,
    allowList: (request) => {
      const group = rateLimitClassOf(request)
      return group === undefined || perWindow[group] === 0
    },
    max: (request) => {
      const group = rateLimitClassOf(request)
      return group === undefined ? 0 : perWindow[group]
    },
    errorResponseBuilder: (request, context) => errors.rateLimited(
      `at most ${context.max} ${rateLimitClassOf(request) ?? ''} requests per ${windowSeconds} s`, context.ttl / 1000)
  })
}, { name: 'security', dependencies: ['deps'] })
