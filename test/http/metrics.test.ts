import { randomUUID } from 'node:crypto'
import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import t from 'tap'
import { parse } from 'yaml'
import { buildApp } from '../../src/app.js'
import { ALERT_KINDS } from '../../src/alerts/index.js'
import { createDb, createReservedDb } from '../../src/db/create-db.js'
import { runJobNow, type JobDeps } from '../../src/jobs/index.js'
import { systemClock, type Clock } from '../../src/lib/clock.js'
import { createLogger } from '../../src/lib/logger.js'
import { drainOutbox, enqueue } from '../../src/outbox/index.js'
import { wireServices } from '../../src/wiring.js'
import { startAgency, type TestAgency } from '../helpers/agency.js'
import { appWithMainPoolHeld } from '../helpers/busy-pool.js'
import { decision, publishDecision, startFederation, syncAll } from '../helpers/federation.js'
import { DENIED_PARTY, PROPOSED } from '../helpers/gazprombank.js'
import { scrape } from '../helpers/metrics.js'
import { ROOT } from '../helpers/processes.js'
import { call } from '../helpers/records.js'
import { databaseUrl } from '../helpers/test-database.js'
import { until } from '../helpers/until.js'

// Issue 15 part 6 (docs/metrics.md): GET /metrics on prom-client, one registry per app; the
// counts read at each scrape from the folders that own them.

const silent = createLogger({ level: 'silent' })
const DAY_MS = 86_400_000
const REQUESTS = 'reciprocity_http_request_duration_seconds'

t.test('request latencies by route template, method and status code, a 4xx included; never the URL itself; the process\'s own metrics', async (t) => {
  const agency = await startAgency(t)
  const id = randomUUID()
  const officer = { authorization: await agency.auth('officer') }
  t.equal((await agency.app.inject({ url: '/v1/decisions', headers: officer })).statusCode, 200)
  t.equal((await agency.app.inject({ url: '/v1/decisions', headers: officer })).statusCode, 200)
  t.equal((await agency.app.inject({ url: `/v1/decisions/${id}`, headers: officer })).statusCode, 404)
  t.equal((await agency.app.inject({ url: `/v1/decisions/${id}` })).statusCode, 401)
  t.equal((await agency.app.inject({ url: `/no/such/route/${id}` })).statusCode, 404)

  const m = await scrape(agency.app)
  const count = (route: string, status: string) => m.value(`${REQUESTS}_count`, { route, method: 'GET', status_code: status })
  t.equal(count('/v1/decisions', '200'), 2, 'two listings')
  t.equal(count('/v1/decisions/:id', '404'), 1, 'a decision not found, under its route\'s template')
  t.equal(count('/v1/decisions/:id', '401'), 1, 'refused by the auth hook: the same template')
  t.equal(count('unmatched', '404'), 1, 'a URL no route matches, under one label')
  t.notOk(m.text.includes(id), 'no URL (with its id) in any label')
  t.notOk(m.samples.some((s) => s.labels.route?.startsWith('/no/')), 'the unmatched URL is not a route label')

  const buckets = m.find(`${REQUESTS}_bucket`, { route: '/v1/decisions/:id', status_code: '404' })
  t.same(buckets.map((b) => b.labels.le), ['0.005', '0.01', '0.025', '0.05', '0.1', '0.25', '0.5', '1', '2.5', '5', '10', '30', '+Inf'], 'the buckets, in seconds')
  t.ok(buckets.every((b, i) => i === 0 || b.value >= (buckets[i - 1]?.value ?? 0)), 'cumulative')
  t.equal(buckets.at(-1)?.value, 1, '+Inf counts every request')
  const seconds = m.value(`${REQUESTS}_sum`, { route: '/v1/decisions/:id', status_code: '404' }) ?? -1
  t.ok(seconds > 0 && seconds < 30, `its time, in seconds (${seconds})`)

  for (const name of ['process_cpu_user_seconds_total', 'process_resident_memory_bytes', 'process_start_time_seconds', 'nodejs_heap_size_used_bytes', 'nodejs_eventloop_lag_p99_seconds', 'nodejs_gc_duration_seconds_count']) {
    t.ok(m.find(name).length > 0, `Node's process metrics: ${name}`)
  }
  t.ok((m.value('reciprocity_db_pool_max_connections', { pool: 'main' }) ?? 0) >= 1, 'the main pool')
  t.match(m.text, /^# TYPE reciprocity_http_request_duration_seconds histogram$/m)
})

t.test('the outbox per topic: what waits, what fails, what was refused, the oldest waiting\'s age', async (t) => {
  const agency = await startAgency(t)
  const topic = 'metrics-test'
  const queuedAt = new Date(Date.now() - 90_000)
  await agency.db.transaction().execute((trx) => enqueue(trx, [{ topic, payload: { answer: 'failed' }, key: 'first' }, { topic, payload: { answer: 'refused' }, key: 'second' }], queuedAt))
  // a receiver that is down for the first item and refuses the second for good
  const outcome = await drainOutbox({ db: agency.db, clock: systemClock, logger: silent }, {
    [topic]: async (item) => (item.payload as { answer: string }).answer === 'failed' ? { outcome: 'failed', error: 'the receiver is down' } : { outcome: 'refused', error: 'the receiver answered 400' }
  })
  t.match(outcome, { failed: 1, refused: 1 })
  await agency.db.transaction().execute((trx) => enqueue(trx, [{ topic, payload: { answer: 'not tried yet' }, key: 'third' }], new Date()))

  const m = await scrape(agency.app)
  t.equal(m.value('reciprocity_outbox_pending', { topic }), 2, 'the failed item and the new one wait')
  t.equal(m.value('reciprocity_outbox_failing', { topic }), 1, 'one of them after a failure')
  t.equal(m.value('reciprocity_outbox_refused', { topic }), 1)
  t.equal(m.value('reciprocity_outbox_given_up', { topic }), 0)
  const age = m.value('reciprocity_outbox_oldest_pending_age_seconds', { topic }) ?? -1
  t.ok(age >= 90 && age < 150, `the oldest waits since it was queued, 90 s ago (${age})`)
})

t.test('with the main pool\'s one connection held, /metrics answers from the reserved pool and shows the query waiting', async (t) => {
  const agency = await startAgency(t)
  const { app, release } = await appWithMainPoolHeld(t, agency)
  const listing = app.inject({ url: '/v1/decisions', headers: { authorization: await agency.auth('officer') } })
  await until(async () => (await scrape(app)).value('reciprocity_db_pool_waiting_clients', { pool: 'main' }) === 1)
  const m = await scrape(app)
  t.same(['main', 'reserved'].map((pool) => [pool, m.value('reciprocity_db_pool_max_connections', { pool })]), [['main', 1], ['reserved', 1]], 'each pool\'s size')
  t.equal(m.value('reciprocity_db_pool_connections', { pool: 'main' }), 1, 'the main pool\'s one connection is open')
  t.equal(m.value('reciprocity_db_pool_idle_connections', { pool: 'main' }), 0, 'and busy')
  t.equal(m.value('reciprocity_db_pool_waiting_clients', { pool: 'main' }), 1, 'the listing waits for it')
  t.equal(m.value('reciprocity_db_pool_waiting_clients', { pool: 'reserved' }), 0)
  await release()
  t.equal((await listing).statusCode, 200, 'the listing answers once the connection is free')
  t.equal((await scrape(app)).value('reciprocity_db_pool_waiting_clients', { pool: 'main' }), 0)
})

t.test('with the database out of reach, /metrics still answers with the requests, the pools and the process; the counts are left out and the failure counted', async (t) => {
  const agency = await startAgency(t)
  const unreachable = createReservedDb({ databaseUrl: databaseUrl(`no_such_database_${process.pid}`), dataDir: agency.config.dataDir, dbReservedPoolSize: 1 })
  t.teardown(() => unreachable?.destroy())
  const app = await buildApp({ ...await wireServices(agency.config, silent, systemClock, agency.db), reservedDb: unreachable })
  t.teardown(() => app.close())
  t.equal((await app.inject({ url: '/health/live' })).statusCode, 200)
  const m = await scrape(app)
  t.equal(m.value('reciprocity_metrics_read_failures_total', { source: 'connection' }), 1, 'no connection to read the counts on')
  t.same(m.samples.filter((s) => /^reciprocity_(outbox|job|alerts|divergences|consultations|peer)_/.test(s.name)).map((s) => s.name), [], 'the counts left out, not shown as zeros')
  t.equal(m.value(`${REQUESTS}_count`, { route: '/health/live', method: 'GET', status_code: '200' }), 1, 'the requests')
  t.equal(m.value('reciprocity_db_pool_max_connections', { pool: 'reserved' }), 1, 'the pools')
  t.ok(m.find('process_resident_memory_bytes').length > 0, 'the process')
})

t.test('with METRICS_TOKEN set, /metrics needs it (401 problem otherwise), and the refusals are counted', async (t) => {
  const token = 'a-long-metrics-token-for-tests'
  const agency = await startAgency(t, undefined, { env: { METRICS_TOKEN: token } })
  const none = await agency.app.inject({ url: '/metrics' })
  t.equal(none.statusCode, 401)
  t.match(none.headers['content-type'], /^application\/problem\+json/)
  t.match(none.json(), { code: 'UNAUTHENTICATED' })
  t.notMatch(none.body, /reciprocity_/, 'no metric in the refusal')
  t.equal((await agency.app.inject({ url: '/metrics', headers: { authorization: 'Bearer wrong-token-of-some-length' } })).statusCode, 401)
  const m = await scrape(agency.app, token)
  t.equal(m.value(`${REQUESTS}_count`, { route: '/metrics', method: 'GET', status_code: '401' }), 2)
})

t.test('alerts, divergences, overdue consultations, job runs and the peers\' sync, from real data; the dashboard and Prometheus\' configuration', async (t) => {
  // both agencies on one clock, moved on at the end past a consultation's deadline
  let offsetMs = 0
  const clock: Clock = { now: () => new Date(Date.now() + offsetMs) }
  const agencies = await startFederation(t, ['alpha', 'bravo'], { clock })
  const [alpha, bravo] = agencies as [TestAgency, TestAgency]
  const denial = await publishDecision(alpha, decision({
    outcome: 'denied', decisionDate: '2026-01-15', destination: 'RU', parties: DENIED_PARTY, items: [{ codes: [{ regime: 'uk', code: '3A001.a.1' }], description: 'Radiation hardened integrated circuits' }]
  }))
  await syncAll(agencies)
  // bravo consults alpha on its denial, then grants over the undercut warning: a divergence
  const asked = await call(bravo, 'POST', '/v1/consultations', { denial: { issuer: 'alpha', recordId: denial.record.id }, proposed: PROPOSED, question: 'Do you object?', regime: 'eu' })
  t.equal(asked.status, 201, JSON.stringify(asked.body))
  const granted = await call(bravo, 'POST', '/v1/decisions', { ...decision({ outcome: 'granted', destination: 'RU', parties: PROPOSED.parties, items: [{ codes: [{ regime: 'wassenaar', code: '3.A.1.a.1' }], description: 'Rad-hard microcircuits' }] }), undercutOverride: { reason: 'Ministerial direction' } })
  t.equal(granted.status, 201, JSON.stringify(granted.body))

  // bravo's jobs run in a worker of their own (its own pool): the API's /metrics shows them
  const worker = await createDb({ databaseUrl: bravo.databaseUrl, dataDir: bravo.config.dataDir })
  t.teardown(() => worker.destroy())
  const workerDeps = (clock: Clock): JobDeps => ({ config: bravo.config, db: worker, keyRing: bravo.app.keyRing, clock, logger: silent })
  t.equal(await runJobNow(workerDeps(clock), 'alert-watch'), true, 'the alert watch runs: it raises the divergence\'s alert')
  let reads = 0
  const failingOnce: Clock = { now: () => { if (reads++ === 0) throw new Error('the clock fails once'); return clock.now() } }
  t.equal(await runJobNow(workerDeps(failingOnce), 'lapse-reevaluation'), false, 'a lapse re-evaluation fails')

  const before = await scrape(bravo.app)
  t.equal(before.value('reciprocity_alerts_unacknowledged', { kind: 'divergence-opened' }), 1, 'the divergence\'s alert, not acknowledged')
  t.same(before.find('reciprocity_alerts_unacknowledged').map((s) => s.labels.kind).sort(), [...ALERT_KINDS].sort(), 'every kind, 0 included')
  t.equal(before.sum('reciprocity_divergences_open', { state: 'open' }), 1, 'one divergence open')
  t.equal(before.find('reciprocity_divergences_open').length, 12, 'every outstanding state by every severity')
  t.same([before.value('reciprocity_consultations_overdue', { direction: 'outgoing' }), before.value('reciprocity_consultations_overdue', { direction: 'incoming' })], [0, 0], 'no consultation overdue yet')
  t.equal(before.value('reciprocity_job_runs_total', { background_job: 'alert-watch' }), 1)
  t.equal(before.value('reciprocity_job_failures_total', { background_job: 'alert-watch' }), 0)
  const lastSuccess = before.value('reciprocity_job_last_success_timestamp_seconds', { background_job: 'alert-watch' }) ?? 0
  t.ok(Math.abs(lastSuccess - Date.now() / 1000) < 60, 'the alert watch succeeded just now')
  t.ok((before.value('reciprocity_job_last_run_duration_seconds', { background_job: 'alert-watch' }) ?? -1) > 0, 'and took some time')
  t.same([before.value('reciprocity_job_runs_total', { background_job: 'lapse-reevaluation' }), before.value('reciprocity_job_failures_total', { background_job: 'lapse-reevaluation' })], [1, 1], 'the failed run counted')
  t.equal(before.value('reciprocity_job_last_success_timestamp_seconds', { background_job: 'lapse-reevaluation' }), undefined, 'a job that never succeeded has no last success')
  t.equal(before.value('reciprocity_peer_state', { peer: 'alpha', state: 'active' }), 1, 'the peer gauges, as before')
  t.equal(before.value('reciprocity_peer_lag_entries', { peer: 'alpha' }), 0)
  t.ok((before.value('reciprocity_peer_entries_ingested_total', { peer: 'alpha' }) ?? 0) >= 1)
  t.equal(before.value('reciprocity_outbox_pending', { topic: 'consultation-message' }), 0, 'the consultation request was sent at once')
  t.equal(before.value(`${REQUESTS}_count`, { route: '/v1/consultations', method: 'POST', status_code: '201' }), 1, 'bravo\'s request')
  t.equal((await scrape(alpha.app)).value(`${REQUESTS}_count`, { route: '/v1/consultations', method: 'POST', status_code: '201' }), undefined, 'is in bravo\'s registry only')

  // an auditor acknowledges the alert and the divergence
  const [alert] = (await call(bravo, 'GET', '/v1/alerts?kind=divergence-opened', undefined, 'auditor')).body.alerts as Array<{ id: string, subject: { id: string } }>
  t.equal((await bravo.app.inject({ method: 'POST', url: `/v1/alerts/${alert?.id ?? ''}/acknowledgement`, headers: { authorization: await bravo.auth('auditor') } })).statusCode, 200)
  const moved = await bravo.app.inject({ method: 'PATCH', url: `/v1/divergences/${alert?.subject.id ?? ''}`, headers: { authorization: await bravo.auth('auditor') }, payload: { state: 'acknowledged', reason: 'Seen' } })
  t.equal(moved.statusCode, 200, moved.body)
  const after = await scrape(bravo.app)
  t.equal(after.value('reciprocity_alerts_unacknowledged', { kind: 'divergence-opened' }), 0, 'acknowledged: gone from the count')
  t.same([after.sum('reciprocity_divergences_open', { state: 'open' }), after.sum('reciprocity_divergences_open', { state: 'acknowledged' })], [0, 1], 'the divergence moved state')

  // two days past the consultation's deadline (user tokens would be refused by now: scrapes only)
  offsetMs = Date.parse(`${asked.body.deadline as string}T12:00:00Z`) + 2 * DAY_MS - Date.now()
  const late = await scrape(bravo.app)
  t.same([late.value('reciprocity_consultations_overdue', { direction: 'outgoing' }), late.value('reciprocity_consultations_overdue', { direction: 'incoming' })], [1, 0], 'bravo awaits alpha\'s overdue reply')
  t.equal((await scrape(alpha.app)).value('reciprocity_consultations_overdue', { direction: 'incoming' }), 1, 'alpha owes it')

  t.test('every metric the Grafana dashboard queries is in a real /metrics', async (t) => {
    const dashboard = JSON.parse(await readFile(join(ROOT, 'docker/grafana/dashboards/reciprocity.json'), 'utf8')) as { panels: Panel[], templating: { list: Array<{ query: { query: string } }> } }
    const exprs = [
      ...dashboard.panels.flatMap(function targets (p: Panel): string[] { return [...(p.targets ?? []).map((q) => q.expr), ...(p.panels ?? []).flatMap(targets)] }),
      ...dashboard.templating.list.map((v) => v.query.query)
    ]
    t.ok(exprs.length >= 20, `the dashboard's queries and its variable's (${exprs.length})`)
    const served = new Set(late.samples.map((s) => s.name))
    for (const expr of exprs) {
      const names = [...expr.matchAll(/\b(?:reciprocity|process|nodejs)_[a-z0-9_]+\b/g)].map(([name]) => name)
      t.ok(names.length > 0, `names a metric of ours: ${expr}`)
      for (const name of names) t.ok(served.has(name), `${name} is served (${expr})`)
    }
  })

  t.test('docker/prometheus.yml scrapes each agency of docker-compose.yml with its METRICS_TOKEN', async (t) => {
    const prometheus = parse(await readFile(join(ROOT, 'docker/prometheus.yml'), 'utf8')) as { scrape_configs: ScrapeConfig[] }
    const compose = parse(await readFile(join(ROOT, 'docker-compose.yml'), 'utf8'), { merge: true }) as { services: Record<string, { environment?: Record<string, string>, ports?: string[], profiles?: string[], image?: string, command?: unknown }> }
    const agencies = Object.entries(compose.services).filter(([, s]) => s.ports !== undefined && s.environment?.METRICS_TOKEN !== undefined)
    t.same(agencies.map(([name]) => name), ['uk-ecju', 'fr-sbdu', 'de-bafa'], 'the three agencies, each with a token')
    for (const [name, service] of agencies) {
      const job = prometheus.scrape_configs.find((c) => c.job_name === name)
      t.match(job, { metrics_path: '/metrics', authorization: { type: 'Bearer', credentials: service.environment?.METRICS_TOKEN }, static_configs: [{ targets: [`${name}:8080`] }] }, `${name}: its API, its token`)
    }
    for (const name of ['prometheus', 'grafana']) {
      t.same(compose.services[name]?.profiles, ['monitoring'], `${name} runs under the monitoring profile`)
      t.match(compose.services[name]?.image, /:v?\d+\.\d+\.\d+$/, `${name}'s image is pinned to a version`)
    }
    t.same(compose.services.grafana?.ports, ['127.0.0.1:3000:3000'], 'Grafana on the loopback only')
  })
})

interface Panel { targets?: Array<{ expr: string }>, panels?: Panel[] }
interface ScrapeConfig { job_name: string, metrics_path?: string, authorization?: { type: string, credentials: string }, static_configs: Array<{ targets: string[] }> }
