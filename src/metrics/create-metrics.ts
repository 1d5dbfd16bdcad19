import type { Logger } from 'pino'
import { collectDefaultMetrics, Counter, Histogram, Registry } from 'prom-client'
import type { Db } from '../db/create-db.js'
import type { Clock } from '../lib/clock.js'
import { databaseSources } from './database-metrics.js'
import { poolGauges } from './pool-metrics.js'

export interface MetricsDeps {
  /** The main pool, whose connections are shown. */
  db: Db
  /** The reserved pool (or `db` when there is none): the counts are read on one of its connections, so that /metrics answers while the main pool is busy. */
  reservedDb: Db
  clock: Clock
  logger: Pick<Logger, 'warn'>
}

/** One HTTP request as answered: its route's template (never the URL itself), method, status and time taken. */
export interface ObservedRequest { route: string, method: string, statusCode: number, seconds: number }

export interface Metrics {
  observeRequest (request: ObservedRequest): void
  /** Every metric in Prometheus' text format, the database's counts read now. */
  scrape (): Promise<{ contentType: string, text: string }>
}

/** From 5 ms (health, the feed head) to 30 s (a large screening; an import is longer, counted in +Inf). */
const LATENCY_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30]

/**
 * The metrics of one app: a registry of its own (two apps in one process do not share series),
 * Node's process metrics, the HTTP latency histogram, the database pools', and the counts
 * the owning folders read from the database at each scrape (docs/metrics.md).
 */
export function createMetrics (deps: MetricsDeps): Metrics {
  const registry = new Registry()
  collectDefaultMetrics({ register: registry })
  const requests = new Histogram({
    name: 'reciprocity_http_request_duration_seconds',
    help: 'HTTP requests by route template, method and status code: time from receipt to the end of the reply.',
    labelNames: ['route', 'method', 'status_code'] as const,
    buckets: LATENCY_BUCKETS,
    registers: [registry]
  })
  poolGauges(registry, { main: deps.db, ...(deps.reservedDb === deps.db ? {} : { reserved: deps.reservedDb }) })
  const sources = databaseSources(registry)
  const readFailures = new Counter({
    name: 'reciprocity_metrics_read_failures_total',
    help: 'Scrapes at which a source of the metrics could not be read from the database (its metrics were left out).',
    labelNames: ['source'] as const,
    registers: [registry]
  })

  /** Each source read in turn on one connection of the reserved pool; a source that fails is left out of this scrape, the others shown. */
  async function readSources (): Promise<void> {
    const now = deps.clock.now()
    const failed = (source: string, err: unknown) => {
      readFailures.inc({ source })
      deps.logger.warn({ err, source }, 'a source of the metrics could not be read')
    }
    try {
      await deps.reservedDb.connection().execute(async (db) => {
        for (const source of sources) {
          try {
            await source.refresh(db, now)
          } catch (err) {
            source.clear()
            failed(source.name, err)
          }
        }
      })
    } catch (err) {
      for (const source of sources) source.clear()
      failed('connection', err)
    }
  }

  return {
    observeRequest: ({ route, method, statusCode, seconds }) => {
      requests.observe({ route, method, status_code: String(statusCode) }, seconds)
    },
    scrape: async () => {
      await readSources()
      return { contentType: registry.contentType, text: await registry.metrics() }
    }
  }
}
