import { createHash, timingSafeEqual } from 'node:crypto'
import { Type } from '@sinclair/typebox'
import { errors } from '../../lib/errors.js'
import { listPeerHealth, type PeerHealth } from '../../sync/index.js'
import type { App } from '../types.js'
import { problems } from '../schemas/common.js'

const STATES = ['active', 'backing_off', 'quarantined', 'disabled'] as const

function render (health: PeerHealth[]): string {
  const lines: string[] = []
  const metric = (name: string, type: 'gauge' | 'counter', help: string, value: (h: PeerHealth) => number | null) => {
    lines.push(`# HELP ${name} ${help}`, `# TYPE ${name} ${type}`)
    for (const h of health) {
      const v = value(h)
      if (v !== null) lines.push(`${name}{peer="${h.agencyId}"} ${v}`)
    }
  }
  lines.push('# HELP reciprocity_peer_state Sync state of the peer (1 for the current state).', '# TYPE reciprocity_peer_state gauge')
  for (const h of health) for (const state of STATES) lines.push(`reciprocity_peer_state{peer="${h.agencyId}",state="${state}"} ${h.state === state ? 1 : 0}`)
  metric('reciprocity_peer_cursor_seq', 'gauge', 'Last seq of the peer\'s feed we hold.', (h) => h.cursor)
  metric('reciprocity_peer_head_seq', 'gauge', 'Peer head seq in its last verified checkpoint.', (h) => h.headSeq)
  metric('reciprocity_peer_lag_entries', 'gauge', 'Entries the peer has published that we do not hold yet.', (h) => h.lag)
  metric('reciprocity_peer_entries_ingested_total', 'counter', 'Entries ingested from the peer.', (h) => h.entriesIngested)
  metric('reciprocity_peer_verification_failures_total', 'counter', 'Verification failures (bad signature, broken chain, fork).', (h) => h.verificationFailures)
  metric('reciprocity_peer_last_success_timestamp_seconds', 'gauge', 'Unix time of the last successful sync round.', (h) => h.lastSuccessAt === null ? null : h.lastSuccessAt.getTime() / 1000)
  metric('reciprocity_peer_last_error_timestamp_seconds', 'gauge', 'Unix time of the last failed sync round.', (h) => h.lastErrorAt === null ? null : h.lastErrorAt.getTime() / 1000)
  return lines.join('\n') + '\n'
}

/** Compares two secrets in constant time, whatever their lengths. */
const sameSecret = (given: string, expected: string) =>
  timingSafeEqual(createHash('sha256').update(given).digest(), createHash('sha256').update(expected).digest())

export async function metricsRoutes (app: App) {
  app.get('/metrics', {
    schema: {
      tags: ['health'],
      summary: 'Sync health in Prometheus text format',
      description: 'Operational counters only (agency ids, seqs, counts): no records, no personal data. With METRICS_TOKEN set, it needs `Authorization: Bearer <METRICS_TOKEN>`.',
      response: { 200: { description: 'Prometheus text exposition format 0.0.4', content: { 'text/plain': { schema: Type.String() } } }, ...problems(401) }
    }
  }, async (request, reply) => {
    const token = app.config.metricsToken
    if (token !== undefined && !sameSecret(request.headers.authorization ?? '', `Bearer ${token}`)) {
      throw errors.unauthenticated('/metrics needs the metrics bearer token (METRICS_TOKEN) in the Authorization header')
    }
    const body = render(await listPeerHealth(app.db))
    return reply.type('text/plain; version=0.0.4; charset=utf-8').send(body)
  })
}
