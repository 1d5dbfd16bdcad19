import fp from 'fastify-plugin'
import { createMetrics, type Metrics } from '../../metrics/index.js'

declare module 'fastify' {
  interface FastifyInstance {
    /** This app's metrics (a registry of its own): what GET /metrics shows. */
    metrics: Metrics
  }
}

/** Route label of a request no route matched (a 404 from the router): never the URL, which would make a series per URL tried. */
const UNMATCHED = 'unmatched'

/**
 * The app's metrics, and (unless `requests` is false: bench/metrics measures its cost) the
 * latency of every request by its route's template, method and status code, observed once
 * the reply is sent.
 */
export const metricsPlugin = fp(async (app, options: { requests: boolean }) => {
  const metrics = createMetrics({ db: app.db, reservedDb: app.reservedDb, clock: app.clock, logger: app.log })
  app.decorate('metrics', metrics)
  if (!options.requests) return
  app.addHook('onResponse', (request, reply, done) => {
    metrics.observeRequest({ route: request.routeOptions.url ?? UNMATCHED, method: request.method, statusCode: reply.statusCode, seconds: reply.elapsedTime / 1000 })
    done()
  })
}, { name: 'metrics', dependencies: ['deps'] })
