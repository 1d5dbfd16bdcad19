/**
 * bench/audited-reads: what the audit event of a read costs (issue 15, part 5a). Every search
 * and view by a person now appends an event, and appends are serialised by the trail's advisory
 * lock and each commits (a WAL flush): a read now costs a write. Measured in one run, on one
 * loaded database, for the officers' party search (`GET /v1/decisions?party=`, 20 a page) and
 * one decision with its versions (`GET /v1/decisions/:id` for ours; the use case for any):
 *
 * - read alone: the read the use case makes, without the event (`searchDecisions`; `getRecord`
 *   and `loadHeldDecisions` in one transaction, as `viewRecord` reads);
 * - use case: the same read through `searchRecords` / `viewRecord` (read, then the event);
 * - route: the API end to end in process (`app.inject`: auth, validation, use case, serialising).
 *
 * Each with 1 and with 8 concurrent users (each user's requests back to back), `--seconds` per
 * measurement, in two rounds in opposite orders (read alone, use case, route; then back) whose
 * samples are pooled, so that drift on a shared machine falls on all three alike. Prints p50,
 * p95 and requests/s of each, and the use case against the read alone.
 *
 *   npm run bench:audited-reads [-- --size 100000 --seconds 10]
 *   (--keep leaves the loaded database in place and prints its name; --use name measures it again)
 *
 * Needs PostgreSQL (BENCH_PG_URL); creates its database and drops it.
 */
import { parseArgs } from 'node:util'
import { sql } from 'kysely'
import { getRecord, loadHeldDecisions, searchDecisions } from '../src/records/index.js'
import { searchRecords, viewRecord } from '../src/use-cases/index.js'
import { startBenchApp } from './lib/bench-app.js'
import { applications } from './lib/bench-applications.js'
import { loadDecisionsDatabase, measureEachSize } from './lib/loaded-database.js'
import { ISSUERS } from './lib/stored-decisions.js'

const { values: args } = parseArgs({
  options: {
    size: { type: 'string', default: '100000' },
    seconds: { type: 'string', default: '10' },
    batch: { type: 'string', default: '2000' },
    keep: { type: 'boolean', default: false },
    use: { type: 'string' }
  }
})
const SECONDS = Number(args.seconds)
const USERS = [1, 8] as const
const READS = ['search', 'view'] as const
const PATHS = ['read alone', 'use case', 'route'] as const
type Read = typeof READS[number]
type Path = typeof PATHS[number]
interface Timing { millis: number[], seconds: number, failures: number }

/** `users` loops, each calling `fn(n)` back to back for SECONDS; every call's time, and the wall time. */
async function drive (users: number, fn: (n: number) => Promise<boolean>): Promise<Timing> {
  const timing: Timing = { millis: [], seconds: 0, failures: 0 }
  const started = performance.now()
  const end = started + SECONDS * 1000
  let next = 0
  await Promise.all(Array.from({ length: users }, async () => {
    while (performance.now() < end) {
      const n = next++
      const at = performance.now()
      const ok = await fn(n)
      timing.millis.push(performance.now() - at)
      if (!ok) timing.failures++
    }
  }))
  timing.seconds = (performance.now() - started) / 1000
  return timing
}

async function measure (url: string) {
  const { app, deps, authorization, close } = await startBenchApp(url, 'bench-audited-reads-')
  try {
    const ctx = app.services
    const self = ISSUERS[0]
    const names = applications(500).map((a) => a.parties[0]?.name ?? 'x')
    const sample = async (own: boolean) => (await sql<{ issuer: string, record_id: string }>`
      select issuer, record_id from records tablesample system (2) where kind = 'decision' and (issuer = ${self}) = ${own} limit 500`.execute(deps.db)).rows
    const ours = await sample(true)
    const all = [...ours, ...await sample(false)]
    const searchDeps = { db: ctx.db, self, clock: ctx.clock, matching: ctx.config.matching }
    const search = (n: number) => ({ party: names[n % names.length] ?? 'x', scope: 'all' as const, limit: 20 })
    const own = (n: number) => ours[n % ours.length] ?? { issuer: self, record_id: '' }
    const any = (n: number) => all[n % all.length] ?? { issuer: self, record_id: '' }
    const calls: Record<Read, Record<Path, (n: number) => Promise<boolean>>> = {
      search: {
        'read alone': async (n) => { await searchDecisions(searchDeps, search(n)); return true },
        'use case': async (n) => { await searchRecords(ctx, 'bench', search(n)); return true },
        route: async (n) => (await app.inject({ url: `/v1/decisions?${new URLSearchParams({ party: search(n).party, limit: '20' }).toString()}`, headers: { authorization } })).statusCode === 200
      },
      view: {
        'read alone': async (n) => {
          const { issuer, record_id: recordId } = any(n)
          await ctx.db.transaction().execute(async (trx) => {
            await getRecord(trx, issuer, 'decision', recordId, ctx.clock)
            await loadHeldDecisions(trx, [{ issuer, recordId }])
          })
          return true
        },
        'use case': async (n) => { const { issuer, record_id: recordId } = any(n); await viewRecord(ctx, 'bench', { issuer, kind: 'decision', recordId }); return true },
        // the API shows one of ours by id (an ally's is read on its page in the web application, through the same use case)
        route: async (n) => (await app.inject({ url: `/v1/decisions/${own(n).record_id}`, headers: { authorization } })).statusCode === 200
      }
    }
    for (const read of READS) for (const path of PATHS) for (let n = 0; n < 5; n++) await calls[read][path](n) // warm up
    const eventsBefore = await countEvents(deps.db)
    const results = new Map<string, Timing>()
    for (const users of USERS) {
      for (const read of READS) {
        for (const order of [PATHS, [...PATHS].reverse()]) {
          for (const path of order) {
            const timing = await drive(users, calls[read][path])
            const key = `${read}|${users}|${path}`
            const pooled = results.get(key)
            results.set(key, pooled === undefined ? timing : { millis: [...pooled.millis, ...timing.millis], seconds: pooled.seconds + timing.seconds, failures: pooled.failures + timing.failures })
          }
        }
      }
    }
    return { results, events: (await countEvents(deps.db)) - eventsBefore, decisions: Number((await sql<{ n: string }>`select count(*) as n from records where kind = 'decision'`.execute(deps.db)).rows[0]?.n ?? 0) }
  } finally {
    await close()
  }
}

async function countEvents (db: Awaited<ReturnType<typeof startBenchApp>>['deps']['db']): Promise<number> {
  return Number((await sql<{ n: string }>`select count(*) as n from audit_events`.execute(db)).rows[0]?.n ?? 0)
}

const quantile = (values: readonly number[], q: number) => [...values].sort((a, b) => a - b)[Math.min(values.length - 1, Math.floor(q * values.length))] ?? NaN
const fmt = (n: number, digits = 1) => Number.isFinite(n) ? n.toLocaleString('en-GB', { maximumFractionDigits: digits, minimumFractionDigits: digits }) : '-'

const { results: [measured] } = await measureEachSize({ small: String(args.size), large: '0', keep: args.keep, use: args.use, prefix: 'bench_audited_reads' },
  (name, size) => loadDecisionsDatabase(name, size, { batch: Number(args.batch) }),
  (url) => measure(url))
if (measured === undefined) throw new Error('nothing measured: --size 0')
const { results, events, decisions } = measured
const out = (line = '') => process.stdout.write(`${line}\n`)
out(`\nbench/audited-reads  ${new Date().toISOString()}  node ${process.version}  ${decisions.toLocaleString('en-GB')} decisions, ${SECONDS} s x 2 rounds per measurement, ${events.toLocaleString('en-GB')} audit events written`)
out(`${'read'.padEnd(8)} ${'users'.padStart(5)}  ${'path'.padEnd(11)} ${'p50 ms'.padStart(8)} ${'p95 ms'.padStart(8)} ${'req/s'.padStart(8)} ${'failed'.padStart(7)}`)
for (const users of USERS) {
  for (const read of READS) {
    for (const path of PATHS) {
      const r = results.get(`${read}|${users}|${path}`) as Timing
      out(`${read.padEnd(8)} ${String(users).padStart(5)}  ${path.padEnd(11)} ${fmt(quantile(r.millis, 0.5), 2).padStart(8)} ${fmt(quantile(r.millis, 0.95), 2).padStart(8)} ${fmt(r.millis.length / r.seconds, 0).padStart(8)} ${String(r.failures).padStart(7)}`)
    }
  }
}
out('\nthe audited use case against the read alone (p50 and p95: times as long; req/s: the share kept)')
out(`${'read'.padEnd(8)} ${'users'.padStart(5)}  ${'p50'.padStart(6)} ${'p95'.padStart(6)} ${'req/s'.padStart(6)}`)
for (const users of USERS) {
  for (const read of READS) {
    const alone = results.get(`${read}|${users}|read alone`) as Timing
    const audited = results.get(`${read}|${users}|use case`) as Timing
    const ratio = (q: number) => quantile(audited.millis, q) / quantile(alone.millis, q)
    out(`${read.padEnd(8)} ${String(users).padStart(5)}  ${fmt(ratio(0.5), 2).padStart(6)} ${fmt(ratio(0.95), 2).padStart(6)} ${fmt((audited.millis.length / audited.seconds) / (alone.millis.length / alone.seconds), 2).padStart(6)}`)
  }
}
