/**
 * bench/alerts (issue 14): how soon an ally's denial reaches the officer whose case it
 * concerns, and what matching an arriving record against the open cases costs as they grow.
 *
 * 1. Latency: three agencies on 127.0.0.1 (alpha, bravo, charlie, each its own PostgreSQL
 *    database, in one process); bravo and charlie each hold `--denials` open cases, one per end
 *    user; alpha records a denial of each end user, one every `--pace` ms; from the denial's
 *    publication at alpha to the alert at bravo and charlie (both on this host's clock):
 *    p50/p95/p99, with push on, and with pull only (`SYNC_INTERVAL_SECONDS` = `--interval`).
 * 2. Cost: one incoming allied decision matched (in a transaction rolled back) against `--small`
 *    and `--large` open cases and watched parties (half each), real names from the public lists
 *    in ../shared/data; per record p50/p95 over `--records` decisions, and the ratio.
 *
 *   npm run bench:alerts [-- --denials 200 --pace 250 --interval 2 --small 100 --large 100000 --records 200]
 *
 * Needs PostgreSQL (BENCH_PG_URL, default postgres://postgres@127.0.0.1:5432/postgres); creates
 * its databases and drops them. See docs/performance.md.
 */
import { randomBytes, randomUUID } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'
import { sql } from 'kysely'
import { alertOnArrivals } from '../src/alerts/index.js'
import { buildApp } from '../src/app.js'
import { loadConfig } from '../src/config.js'
import { runBackgroundJobs } from '../src/jobs/index.js'
import { systemClock } from '../src/lib/clock.js'
import { createLogger } from '../src/lib/logger.js'
import { KEYS_VERSION, partyNameHash, partyNameKeys, partySearchKeys } from '../src/matching/index.js'
import { enrolPeer, openCase, recordDecision } from '../src/use-cases/index.js'
import { wireServices } from '../src/wiring.js'
import { admin, databaseUrl } from './lib/loaded-database.js'
import { shuffledSampleDecisions } from './lib/sample-decisions.js'
import { seqCounter, storeDecisions } from './lib/stored-decisions.js'

const { values: args } = parseArgs({
  options: {
    denials: { type: 'string', default: '200' },
    pace: { type: 'string', default: '250' },
    interval: { type: 'string', default: '2' },
    small: { type: 'string', default: '100' },
    large: { type: 'string', default: '100000' },
    records: { type: 'string', default: '200' }
  }
})
const DENIALS = Number(args.denials)
const PACE_MS = Number(args.pace)
const INTERVAL_SECONDS = Number(args.interval)
const SMALL = Number(args.small)
const LARGE = Number(args.large)
const RECORDS = Number(args.records)
const logger = createLogger({ level: 'warn' })
const cleanup: Array<() => Promise<unknown>> = []
const SHARED = fileURLToPath(new URL('../../shared/data/', import.meta.url))

/** Real names: OFAC SDN 2021 (primary and aka), the UN consolidated list 2026 and OFAC's consolidated list 2025; distinct, in file order. */
function listNames (): string[] {
  const names = new Set<string>()
  const csvCells = (line: string) => line.match(/("([^"]*)"|[^,]*)(,|$)/g)?.map((c) => c.replace(/,$/, '').replace(/^"|"$/g, '').trim()) ?? []
  const add = (name: string | undefined) => { if (name !== undefined && name.length >= 4 && name !== '-0-') names.add(name.slice(0, 200)) }
  for (const line of readFileSync(`${SHARED}ofac-sdn-2021/sdn.csv`, 'utf8').split(/\r?\n/)) add(csvCells(line)[1])
  for (const line of readFileSync(`${SHARED}ofac-sdn-2021/alt.csv`, 'utf8').split(/\r?\n/)) add(csvCells(line)[3])
  for (const line of readFileSync(`${SHARED}un-consolidated-2026/un_names.csv`, 'utf8').split(/\r?\n/).slice(1)) add(csvCells(line)[2])
  for (const line of readFileSync(`${SHARED}ofac-consolidated-2025/cons_prim.csv`, 'utf8').split(/\r?\n/)) add(csvCells(line)[1])
  return [...names]
}

function percentile (sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN
  return sorted[Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1)] as number
}

const summary = (samples: readonly number[]) => {
  const sorted = [...samples].sort((a, b) => a - b)
  return { n: sorted.length, p50: percentile(sorted, 0.5), p95: percentile(sorted, 0.95), p99: percentile(sorted, 0.99), max: sorted.at(-1) ?? Number.NaN }
}

async function newDatabase (label: string): Promise<string> {
  const name = `bench_alerts_${label}_${process.pid}`
  await admin((db) => sql`create database ${sql.id(name)}`.execute(db))
  cleanup.push(() => admin((db) => sql`drop database if exists ${sql.id(name)} with (force)`.execute(db)))
  return databaseUrl(name)
}

async function startAgency (id: string, env: Record<string, string>) {
  const dataDir = await mkdtemp(join(tmpdir(), `bench-alerts-${id}-`))
  cleanup.push(() => rm(dataDir, { recursive: true, force: true }))
  const config = loadConfig({
    AGENCY_ID: id,
    DATABASE_URL: await newDatabase(`${id}_${randomBytes(2).toString('hex')}`),
    DATA_DIR: dataDir,
    KEY_ENCRYPTION_KEY: randomBytes(32).toString('base64url'),
    LOG_LEVEL: 'warn',
    PORT: '0',
    RATE_LIMIT_SCREENING: '0',
    RATE_LIMIT_IMPORT: '0',
    RATE_LIMIT_FEED: '0',
    RATE_LIMIT_API: '0',
    RATE_LIMIT_PUBLIC: '0',
    PEER_JWKS_COOLDOWN_SECONDS: '0',
    ...env
  })
  const deps = await wireServices(config, logger.child({ agency: id }), systemClock)
  const app = await buildApp(deps)
  await app.listen({ host: '127.0.0.1', port: 0 })
  const address = app.server.address()
  const url = `http://127.0.0.1:${typeof address === 'object' && address !== null ? address.port : 0}`
  cleanup.push(async () => { await app.close(); await deps.db.destroy() })
  return { id, app, deps, url }
}

/** Publication at alpha to alert at bravo and charlie, `DENIALS` denials, pushed or pulled. */
async function measureLatency (mode: 'push' | 'pull', names: readonly string[]): Promise<number[]> {
  const env = mode === 'push' ? { PUSH_ON_PUBLISH: 'true', SYNC_INTERVAL_SECONDS: '3600' } : { PUSH_ON_PUBLISH: 'false', SYNC_INTERVAL_SECONDS: String(INTERVAL_SECONDS) }
  const agencies = [await startAgency('alpha', env), await startAgency('bravo', env), await startAgency('charlie', env)]
  for (const a of agencies) {
    for (const b of agencies) {
      if (a !== b) await enrolPeer(a.app.services, 'bench', { agencyId: b.id, name: b.id, country: 'GB', baseUrl: b.url, jwksUrl: `${b.url}/.well-known/jwks.json` })
    }
  }
  const [alpha, ...watchers] = agencies as [typeof agencies[number], ...typeof agencies]
  const parties = names.slice(0, DENIALS)
  const cases = new Map<string, Map<string, number>>()
  for (const w of watchers) {
    const ids = new Map<string, number>()
    for (const [i, name] of parties.entries()) {
      const opened = await openCase(w.app.services, 'bench-officer', {
        reference: `CASE-${i}`,
        application: { parties: [{ role: 'end_user', name, aliases: [], country: 'AE', identifiers: [] }], items: [{ codes: [{ regime: 'uk', code: 'ML10' }], description: 'Aircraft components' }], destination: 'AE', endUse: '' }
      })
      ids.set(opened.id, i)
    }
    cases.set(w.id, ids)
  }
  const stop = new AbortController()
  const jobs = mode === 'pull' ? watchers.map((w) => runBackgroundJobs(w.app.services, stop.signal)) : []
  const publishedAt: number[] = []
  const today = new Date().toISOString().slice(0, 10)
  const started = performance.now()
  for (const [i, name] of parties.entries()) {
    const due = started + i * PACE_MS
    if (performance.now() < due) await sleep(due - performance.now())
    const denial = await recordDecision(alpha.app.services, 'bench-officer', {
      reference: `DENIAL-${mode}-${i}`,
      outcome: 'denied',
      decisionDate: today,
      destination: 'AE',
      endUse: 'Integration into UAV airframes',
      parties: [{ role: 'end_user', name: name.toUpperCase(), aliases: [], country: 'AE', identifiers: [] }],
      items: [{ codes: [{ regime: 'uk', code: 'ML10' }], description: 'Aircraft components', quantity: 1 }],
      reasons: [{ scheme: 'eu-cp-2008-944', code: '7' }],
      regimeReferences: [],
      audience: []
    })
    publishedAt[i] = denial.record.createdAt.getTime()
  }
  // until every case has its alert (the pull: at most a few intervals)
  const expected = watchers.length * parties.length
  const deadline = performance.now() + 120_000 + 4 * INTERVAL_SECONDS * 1000
  for (;;) {
    let alerted = 0
    for (const w of watchers) alerted += Number((await w.deps.db.selectFrom('alerts').select((eb) => eb.fn.count<string>('subject_id').distinct().as('n')).where('kind', '=', 'case-hit').executeTakeFirst())?.n ?? 0)
    if (alerted >= expected || performance.now() > deadline) break
    await sleep(200)
  }
  stop.abort()
  await Promise.all(jobs)
  await alpha.app.pusher?.idle()
  // from each denial's publication to each alert it raised (an end user near another's name raises two)
  const published = new Map<string, number>()
  for (const row of await alpha.deps.db.selectFrom('records').select(['record_id', 'created_at']).where('issuer', '=', alpha.id).execute()) published.set(row.record_id, new Date(row.created_at).getTime())
  const delays: number[] = []
  for (const w of watchers) {
    for (const row of await w.deps.db.selectFrom('alerts').select(['subject_id', 'record_id', 'raised_at']).where('kind', '=', 'case-hit').where('issuer', '=', alpha.id).execute()) {
      const at = published.get(row.record_id ?? '')
      if (at !== undefined) delays.push(new Date(row.raised_at).getTime() - at)
    }
  }
  console.log(`  ${mode}: ${delays.length} alerts for ${expected} cases (${delays.length - expected} more: names near another case's)`)
  return delays
}

/** Opens `count` subjects (half cases, half watched parties) straight into their tables, in batches: the rows `openCase` and `watchParty` write (`indexWatchedParties`: each distinct name once). */
async function createSubjects (db: Awaited<ReturnType<typeof wireServices>>['db'], names: readonly string[], count: number): Promise<void> {
  const BATCH = 2_000
  const now = new Date()
  const indexed = new Set<string>()
  for (let start = 0; start < count; start += BATCH) {
    const rows = Array.from({ length: Math.min(BATCH, count - start) }, (_, k) => {
      const n = start + k
      const name = names[n % names.length] as string
      const party = { role: 'end_user', name, aliases: [], country: 'AE', identifiers: [] }
      const written = { name, aliases: [], identifiers: [] }
      return { n, id: randomUUID(), type: (n % 2 === 0 ? 'case' : 'watch') as 'case' | 'watch', party, written, hash: partyNameHash(written) }
    })
    const fresh = [...new Map(rows.filter((r) => !indexed.has(r.hash)).map((r) => [r.hash, r])).values()]
    for (const r of fresh) indexed.add(r.hash)
    await db.transaction().execute(async (trx) => {
      await sql`set local synchronous_commit = off`.execute(trx)
      const cases = rows.filter((r) => r.type === 'case')
      const watches = rows.filter((r) => r.type === 'watch')
      const application = (r: typeof rows[number]) => ({ reference: `CASE-${r.n}`, parties: [r.party], items: [{ codes: [{ regime: 'uk', code: 'ML10' }], description: 'Aircraft components' }], destination: 'AE', endUse: '' })
      if (cases.length > 0) {
        await trx.insertInto('cases').values(cases.map((r) => ({ id: r.id, reference: `CASE-${r.n}`, officer: `officer-${r.n % 50}`, application: JSON.stringify(application(r)), state: 'open' as const, opened_at: now }))).execute()
      }
      if (watches.length > 0) {
        await trx.insertInto('watched_parties').values(watches.map((r) => ({ id: r.id, owner: `officer-${r.n % 50}`, party: JSON.stringify({ ...r.written, country: 'AE' }), note: '', created_by: `officer-${r.n % 50}`, created_at: now }))).execute()
      }
      if (fresh.length > 0) {
        await sql`insert into watched_names (name_hash, party, exact_keys, identifier_keys, keys_version)
          select q.hash::uuid, q.party, party_exact_keys(q."nameKeys"), '{}', ${KEYS_VERSION}
          from jsonb_to_recordset(${JSON.stringify(fresh.map((r) => ({ hash: r.hash, party: r.written, nameKeys: partyNameKeys(r.written) })))}::jsonb) as q(hash text, party jsonb, "nameKeys" text)`.execute(trx)
        await trx.insertInto('watch_name_keys').values(fresh.flatMap((r) => partySearchKeys(r.written).map((key) => ({ name_hash: r.hash, key })))).execute()
      }
      await trx.insertInto('watch_names').values(rows.map((r) => ({ subject_type: r.type, subject_id: r.id, ordinal: 0, name_hash: r.hash }))).execute()
    })
  }
  await sql`analyze cases; analyze watched_names; analyze watch_names; analyze watch_name_keys; analyze watched_parties`.execute(db)
}

/** One incoming allied record matched against `subjects` open cases and watched parties: wall time per record (each in a transaction rolled back). */
async function measureMatching (names: readonly string[], subjects: number): Promise<{ samples: number[], hits: number, quiet: number[], alerting: Array<{ ms: number, raised: number }> }> {
  const agency = await startAgency(`cost${subjects}`, {})
  const db = agency.deps.db
  const started = performance.now()
  await createSubjects(db, names, subjects)
  console.log(`  ${subjects.toLocaleString('en')} open cases and watched parties created in ${((performance.now() - started) / 1000).toFixed(1)} s`)
  // the incoming records: allied decisions of the bench's sample (BIS Entity List end users)
  await storeDecisions(db, (function * () { for (const d of shuffledSampleDecisions(RECORDS, 'incoming', 7)) yield { issuer: 'ally', content: { ...d, regimeReferences: [] } as never } })(), { batch: 100, seqOf: seqCounter() })
  const keys = (await db.selectFrom('records').select(['issuer', 'record_id']).where('issuer', '=', 'ally').orderBy('record_id').execute()).map((r) => ({ issuer: r.issuer, recordId: r.record_id }))
  const ctx = { self: agency.deps.config.agency.id, matching: agency.deps.config.matching, clock: systemClock, routing: { emails: { roles: {}, users: {} }, email: false } }
  const samples: number[] = []
  const quiet: number[] = []
  const alerting: Array<{ ms: number, raised: number }> = []
  let hits = 0
  for (const round of [0, 1]) {
    for (const key of keys) {
      const t0 = performance.now()
      const outcome = await db.transaction().execute(async (trx) => {
        const result = await alertOnArrivals({ ...ctx, trx }, [key])
        throw Object.assign(new Error('rollback'), { result })
      }).catch((err: { result?: Awaited<ReturnType<typeof alertOnArrivals>> }) => err.result)
      const ms = performance.now() - t0
      // the first round warms the caches (search keys, plans): measured, the second
      if (round === 1) {
        samples.push(ms)
        hits += outcome?.raised ?? 0
        if ((outcome?.raised ?? 0) === 0) quiet.push(ms)
        else alerting.push({ ms, raised: outcome?.raised ?? 0 })
      }
    }
  }
  return { samples, hits, quiet, alerting }
}

async function main (): Promise<void> {
  const names = listNames()
  console.log(`bench/alerts — ${names.length.toLocaleString('en')} distinct names from OFAC SDN 2021, the UN list 2026 and OFAC consolidated 2025`)
  const load = (await import('node:os')).loadavg()
  console.log(`load average at start: ${load.map((l) => l.toFixed(2)).join(' ')}`)

  console.log(`\n1. publication at alpha → alert at bravo and charlie, ${DENIALS} denials, one every ${PACE_MS} ms`)
  const push = summary(await measureLatency('push', names))
  console.log(`  push on:   n ${push.n}  p50 ${push.p50} ms  p95 ${push.p95} ms  p99 ${push.p99} ms  max ${push.max} ms  (aim p95 < 1000 ms: ${push.p95 < 1000 ? 'met' : 'not met'})`)
  await runCleanup()
  const pull = summary(await measureLatency('pull', names))
  console.log(`  pull only: n ${pull.n}  p50 ${pull.p50} ms  p95 ${pull.p95} ms  p99 ${pull.p99} ms  max ${pull.max} ms  (SYNC_INTERVAL_SECONDS ${INTERVAL_SECONDS}; aim p95 < ${INTERVAL_SECONDS * 1000 + 1000} ms: ${pull.p95 < INTERVAL_SECONDS * 1000 + 1000 ? 'met' : 'not met'})`)
  await runCleanup()

  console.log(`\n2. one incoming allied decision matched against the open cases and watched parties (${RECORDS} decisions, the second pass timed)`)
  const small = await measureMatching(names, SMALL)
  await runCleanup()
  const large = await measureMatching(names, LARGE)
  const meanOf = (x: readonly number[]) => x.reduce((a, b) => a + b, 0) / x.length
  const line = (label: string, x: readonly number[]) => {
    const q = summary(x)
    return `${label}: n ${q.n}  p50 ${q.p50.toFixed(2)} ms  p95 ${q.p95.toFixed(2)} ms  mean ${meanOf(x).toFixed(2)} ms`
  }
  for (const [size, m] of [[SMALL, small], [LARGE, large]] as const) {
    console.log(`  ${size.toLocaleString('en')} open cases and watched parties`)
    console.log(`    ${line('every record', m.samples)}  (${m.hits} alerts would be raised)`)
    console.log(`    ${line('raising no alert', m.quiet)}`)
    if (m.alerting.length > 0) console.log(`    ${line('raising alerts', m.alerting.map((a) => a.ms))}, ${(meanOf(m.alerting.map((a) => a.ms)) / meanOf(m.alerting.map((a) => a.raised))).toFixed(2)} ms an alert`)
  }
  const [s, l, sq, lq] = [summary(small.samples), summary(large.samples), summary(small.quiet), summary(large.quiet)]
  console.log(`  ratio ${LARGE.toLocaleString('en')} / ${SMALL.toLocaleString('en')}, every record: p50 ${(l.p50 / s.p50).toFixed(2)}, p95 ${(l.p95 / s.p95).toFixed(2)}, mean ${(meanOf(large.samples) / meanOf(small.samples)).toFixed(2)}; raising no alert: p50 ${(lq.p50 / sq.p50).toFixed(2)}, p95 ${(lq.p95 / sq.p95).toFixed(2)}, mean ${(meanOf(large.quiet) / meanOf(small.quiet)).toFixed(2)} (aim < 2)`)
  await runCleanup()
}

async function runCleanup (): Promise<void> {
  for (const step of cleanup.splice(0).reverse()) await step().catch(() => {})
}

main().catch((err) => { console.error(err); process.exitCode = 1 }).finally(() => { void runCleanup() })
