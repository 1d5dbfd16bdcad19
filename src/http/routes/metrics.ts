import { createHash, timingSafeEqual } from 'node:crypto'
import { Type } from '@sinclair/typebox'
import { errors } from '../../lib/errors.js'
import type { App } from '../types.js'
import { problems } from '../schemas/common.js'

/** Compares two secrets in constant time, whatever their lengths. */
const sameSecret = (given: string, expected: string) =>
  timingSafeEqual(createHash('sha256').update(given).digest(), createHash('sha256').update(expected).digest())

export async function metricsRoutes (app: App) {
  app.get('/metrics', {
    schema: {
      tags: ['health'],
      summary: 'Operational metrics in Prometheus text format',
      description: 'Request latencies by route template, the outbox, the background jobs, unacknowledged alerts, open divergences, overdue consultations, peers\' sync, the database pools and the process (docs/metrics.md). Operational counts only (agency ids, route templates, seqs, counts): no records, no personal data. With METRICS_TOKEN set, it needs `Authorization: Bearer <METRICS_TOKEN>`.',
      response: { 200: { description: 'Prometheus text exposition format 0.0.4', content: { 'text/plain': { schema: Type.String() } } }, ...problems(401) }
    }
  }, async (request, reply) => {
    const token = app.config.metricsToken
    if (token !== undefined && !sameSecret(request.headers.authorization ?? '', `Bearer ${token}`)) {
      throw errors.unauthenticated('/metrics needs the metrics bearer token (METRICS_TOKEN) in the Authorization header')
    }
    const { contentType, text } = await app.metrics.scrape()
    return reply.type(contentType).send(text)
  })
}
