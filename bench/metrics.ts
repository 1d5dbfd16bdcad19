/**
 * bench/metrics (issue 15): what the metrics cost a request. One agency (its own PostgreSQL
 * database, migrated and empty) served by two apps over the same services, each on its own
 * port: one with the latency histogram's onResponse hook, as production runs, and one built
 * without it (`requestMetrics: false`). For a cheap authenticated route (GET /v1/alerts with an
 * officer's token: the token verified, one indexed query of an empty table) and the cheapest
 * route there is (GET /health/live: no authentication, no query): requests/s and p50/p99
 * latency over HTTP, `--concurrency` requests in flight from a worker thread, the two apps
 * measured in turns (`--rounds` turns of `--seconds` each, the order alternating) so that the
 * machine's drift falls on both alike; then the ratios with the hook / without, and the range
 * of the turns' own ratios (how much of a difference the machine's noise makes). Also the
 * server's CPU time per request (the main thread's, `process.threadCpuUsage`: the load runs in
 * another thread, PostgreSQL in another process), which other work on the machine disturbs
 * least; the hook's own work (one `observeRequest`, a million over 100 series); and a scrape
 * of GET /metrics (p50/p99 over 100, the counts read from the database).
 *
 *   npm run bench:metrics [-- --seconds 5 --rounds 4 --concurrency 16]
 *
 * Needs PostgreSQL (BENCH_PG_URL, default postgres://postgres@127.0.0.1:5432/postgres); creates
 * its database and drops it. See docs/performance.md, "bench/metrics".
 */
import { randomBytes } from 'node:crypto'
import { mkdtemp, rm } from 'node:fs/promises'
import { loadavg, tmpdir } from 'node:os'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import { sql } from 'kysely'
import { buildApp } from '../src/app.js'
import { loadConfig } from '../src/config.js'
import { systemClock } from '../src/lib/clock.js'
import { createLogger } from '../src/lib/logger.js'
import { createMetrics } from '../src/metrics/index.js'
import { issueLocalUserToken } from '../src/signing/index.js'
import { wireServices } from '../src/wiring.js'
import { runTimedLoad } from './lib/load.js'
import { admin, databaseUrl } from './lib/loaded-database.js'

const { values: args } = parseArgs({
  options: {
    seconds: { type: 'string', default: '5' },
    rounds: { type: 'string', default: '4' },
    concurrency: { type: 'string', default: '16' }
  }
})
const TURN_MS = Number(args.seconds) * 1000
const ROUNDS = Number(args.rounds)
const CONCURRENCY = Number(args.concurrency)
const out = (line = '') => process.stdout.write(`${line}\n`)
const quantile = (values: readonly number[], q: number) => [...values].sort((a, b) => a - b)[Math.min(values.length - 1, Math.floor(q * values.length))] ?? NaN
const fmt = (n: number, digits = 2) => Number.isFinite(n) ? n.toLocaleString('en-GB', { maximumFractionDigits: digits, minimumFractionDigits: digits }) : '-'

const name = `bench_metrics_${process.pid}`
await admin((a) => sql`create database ${sql.id(name)}`.execute(a))
const dataDir = await mkdtemp(join(tmpdir(), 'bench-metrics-'))
const unlimited = { RATE_LIMIT_SCREENING: '0', RATE_LIMIT_API: '0', RATE_LIMIT_IMPORT: '0', RATE_LIMIT_FEED: '0', RATE_LIMIT_PUBLIC: '0' }
const config = loadConfig({ AGENCY_ID: 'uk-ecju', DATABASE_URL: databaseUrl(name), DATA_DIR: dataDir, LOG_LEVEL: 'silent', KEY_ENCRYPTION_KEY: randomBytes(32).toString('base64url'), PUSH_ON_PUBLISH: 'false', ...unlimited })
const deps = await wireServices(config, createLogger({ level: 'silent' }), systemClock)
const apps = { on: await buildApp(deps), off: await buildApp({ ...deps, requestMetrics: false }) }
type Hook = keyof typeof apps

try {
  const base = {} as Record<Hook, string>
  for (const hook of ['on', 'off'] as const) {
    await apps[hook].listen({ host: '127.0.0.1', port: 0 })
    const address = apps[hook].server.address()
    base[hook] = `http://127.0.0.1:${typeof address === 'object' && address !== null ? address.port : 0}`
  }
  const officer = `Bearer ${await issueLocalUserToken(dataDir, config.idp, { subject: 'bench', roles: ['officer'] }, systemClock)}`
  const routes = [
    { label: 'GET /v1/alerts (officer)', path: '/v1/alerts', authorization: officer },
    { label: 'GET /health/live', path: '/health/live', authorization: null }
  ]

  // warm up each app and route, then the turns
  for (const route of routes) for (const hook of ['on', 'off'] as const) await runTimedLoad({ url: base[hook] + route.path, authorization: route.authorization, concurrency: CONCURRENCY, durationMs: 2000 })
  const load = [loadavg()[0] ?? 0]
  const tally = () => ({ latencies: [] as number[], seconds: 0, failures: 0, cpuUs: 0, turnRates: [] as number[] })
  const results = routes.map(() => ({ on: tally(), off: tally() }))
  for (let round = 0; round < ROUNDS; round++) {
    for (const [i, route] of routes.entries()) {
      for (const hook of round % 2 === 0 ? ['on', 'off'] as const : ['off', 'on'] as const) {
        const cpu = process.threadCpuUsage()
        const turn = await runTimedLoad({ url: base[hook] + route.path, authorization: route.authorization, concurrency: CONCURRENCY, durationMs: TURN_MS })
        const used = process.threadCpuUsage(cpu)
        const sum = results[i]?.[hook]
        if (sum === undefined) continue
        sum.latencies.push(...turn.latencies)
        sum.seconds += turn.seconds
        sum.failures += turn.failures
        sum.cpuUs += used.user + used.system
        sum.turnRates.push(turn.latencies.length / turn.seconds)
      }
    }
    load.push(loadavg()[0] ?? 0)
  }

  // the hook's own work: one observation into a histogram of 100 series
  const metrics = createMetrics({ db: deps.db, reservedDb: deps.db, clock: systemClock, logger: createLogger({ level: 'silent' }) })
  const OBSERVATIONS = 1_000_000
  for (let n = 0; n < 10_000; n++) metrics.observeRequest({ route: `/v1/route-${n % 25}/:id`, method: 'GET', statusCode: 200 + (n % 4) * 100, seconds: 0.003 })
  const observing = performance.now()
  for (let n = 0; n < OBSERVATIONS; n++) metrics.observeRequest({ route: `/v1/route-${n % 25}/:id`, method: 'GET', statusCode: 200 + (n % 4) * 100, seconds: (n % 1000) / 10_000 })
  const observeUs = (performance.now() - observing) * 1000 / OBSERVATIONS

  // a scrape, as Prometheus makes it every 15 s
  const scrapes: number[] = []
  for (let n = 0; n < 110; n++) {
    const started = performance.now()
    const res = await apps.on.inject({ url: '/metrics' })
    if (n >= 10) scrapes.push(performance.now() - started)
    if (res.statusCode !== 200) throw new Error(`/metrics answered ${res.statusCode}`)
  }
  const scrapeBytes = (await apps.on.inject({ url: '/metrics' })).body.length

  out(`\nbench/metrics  ${new Date().toISOString()}  node ${process.version}  ${CONCURRENCY} in flight, ${ROUNDS} turns of ${TURN_MS / 1000} s per route and app, alternating  load average ${load.map((l) => fmt(l, 1)).join(' → ')}`)
  out(`${'route'.padEnd(26)} ${'hook'.padEnd(7)} ${'requests/s'.padStart(11)} ${'p50 ms'.padStart(8)} ${'p99 ms'.padStart(8)} ${'server CPU µs/request'.padStart(22)}`)
  for (const [i, route] of routes.entries()) {
    const r = results[i]
    if (r === undefined) continue
    const figures = (hook: Hook) => ({ rate: r[hook].latencies.length / r[hook].seconds, p50: quantile(r[hook].latencies, 0.5), p99: quantile(r[hook].latencies, 0.99), cpu: r[hook].cpuUs / r[hook].latencies.length })
    const on = figures('on')
    const off = figures('off')
    // each round's two turns of this route, side by side: the spread of their ratio is the noise
    const turnRatios = r.on.turnRates.map((rate, n) => rate / (r.off.turnRates[n] ?? NaN)).sort((a, b) => a - b)
    out(`${route.label.padEnd(26)} ${'on'.padEnd(7)} ${fmt(on.rate, 0).padStart(11)} ${fmt(on.p50).padStart(8)} ${fmt(on.p99).padStart(8)} ${fmt(on.cpu, 0).padStart(22)}${r.on.failures + r.off.failures > 0 ? `  (${r.on.failures + r.off.failures} failures)` : ''}`)
    out(`${''.padEnd(26)} ${'off'.padEnd(7)} ${fmt(off.rate, 0).padStart(11)} ${fmt(off.p50).padStart(8)} ${fmt(off.p99).padStart(8)} ${fmt(off.cpu, 0).padStart(22)}`)
    out(`${''.padEnd(26)} ${'on/off'.padEnd(7)} ${fmt(on.rate / off.rate, 3).padStart(11)} ${fmt(on.p50 / off.p50, 3).padStart(8)} ${fmt(on.p99 / off.p99, 3).padStart(8)} ${fmt(on.cpu / off.cpu, 3).padStart(22)}   requests/s ratio by round: ${fmt(turnRatios[0] ?? NaN, 3)} to ${fmt(turnRatios.at(-1) ?? NaN, 3)}`)
  }
  out(`the hook's work: ${fmt(observeUs, 3)} µs per observeRequest (${OBSERVATIONS.toLocaleString('en-GB')} into 100 series)`)
  out(`a scrape of GET /metrics (in process, the counts read from the empty database): p50 ${fmt(quantile(scrapes, 0.5))} ms, p99 ${fmt(quantile(scrapes, 0.99))} ms, ${scrapeBytes.toLocaleString('en-GB')} bytes`)
} finally {
  await Promise.all([apps.on.close(), apps.off.close()])
  await deps.db.destroy()
  await rm(dataDir, { recursive: true, force: true })
  await admin((a) => sql`drop database if exists ${sql.id(name)} with (force)`.execute(a))
}
