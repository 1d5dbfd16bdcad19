import Fastify from 'fastify'
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import { depsPlugin, type AppDeps } from './http/plugins/deps.js'
import { metricsPlugin } from './http/plugins/metrics.js'
import { problemPlugin, writeClientErrorProblem, frameworkErrorProblem } from './http/plugins/problem.js'
import { securityPlugin } from './http/plugins/security.js'
import { swaggerPlugin } from './http/plugins/swagger.js'
import { buildValidator, validationPlugin } from './http/plugins/validation.js'
import { httpRoutes } from './http/routes/index.js'
import { webPlugin } from './web/index.js'

export type { AppDeps } from './http/plugins/deps.js'

/** Builds the whole app; tests and production run exactly this (C1). Whoever passes `deps` closes them. */
export async function buildApp (deps: AppDeps) {
  const app = Fastify({
    loggerInstance: deps.logger,
    schemaController: { compilersFactory: { buildValidator } },
    bodyLimit: deps.config.bodyLimitBytes,
    return503OnClosing: true,
    forceCloseConnections: 'idle',
    requestTimeout: deps.config.requestTimeoutMs,
    // a connection that sends no request (or its headers too slowly) is closed within
    // HEADERS_TIMEOUT_MS and the 2 s between Node's checks, not Node's 60 s + 30 s
    http: { headersTimeout: deps.config.headersTimeoutMs, connectionsCheckingInterval: 2000 },
    // errors Node's HTTP parser meets before Fastify has a request (malformed request line or
    // headers, a body that took longer than REQUEST_TIMEOUT_MS) are problem documents too
    clientErrorHandler: writeClientErrorProblem,
    // and what the router refuses before there is a route (a bad URL, a path parameter too long)
    frameworkErrors: frameworkErrorProblem
  }).withTypeProvider<TypeBoxTypeProvider>()
  // JSON routes take JSON only: without this, Fastify's default text/plain parser would let a
  // plain-text body through to schema validation (400) instead of answering 415
  app.removeContentTypeParser('text/plain')
  await app.register(depsPlugin, deps)
  await app.register(metricsPlugin, { requests: deps.requestMetrics ?? true })
  await app.register(problemPlugin, { bodyLimit: deps.config.bodyLimitBytes })
  await app.register(validationPlugin)
  await app.register(securityPlugin, { rateLimits: deps.config.rateLimits })
  await app.register(swaggerPlugin)
  await app.register(httpRoutes)
  await app.register(webPlugin, { prefix: '/app', sessionKey: deps.sessionKey, baseUrl: () => browserBaseUrl(app, deps.config) })
  return app
}

/** The base URL a browser reaches the app at: PUBLIC_URL, or, listening on port 0 (tests), the port it got. */
function browserBaseUrl (app: { server: { address: () => unknown } }, config: AppDeps['config']): string {
  const configured = config.agency.publicUrl
  if (!configured.endsWith(':0')) return configured
  const address = app.server.address()
  return typeof address === 'object' && address !== null && 'port' in address ? configured.replace(/:0$/, `:${String(address.port)}`) : configured
}
