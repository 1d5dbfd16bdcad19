/**
 * bench/divergence: the cost of divergence detection per new record, with 10,000 and with
 * 1,000,000 stored decisions, and their ratio (issue #5: under 2, the cost must not grow with
 * the data).
 *
 *   npm run bench:divergence [-- --small 10000 --large 1000000 --probes 500 --every 20]
 *
 * Needs PostgreSQL (BENCH_PG_URL, default postgres://postgres@127.0.0.1:5432/postgres); creates
 * its two databases and drops them. See docs/performance.md.
 */
import { performance } from 'node:perf_hooks'
import { parseArgs } from 'node:util'
import { Kysely, PostgresDialect, sql } from 'kysely'
import pg from 'pg'
import { installTypeParsers, type Db } from '../src/db/create-db.js'
import { migrateToLatest } from '../src/db/migrate.js'
import type { Database } from '../src/db/schema.js'
import { buildProbes, denialsInForce, explainDetection, measureInTurn, type Sample } from './lib/detection-probes.js'
import {
  analyseLoadedTables, createIndexes, dropSecondaryIndexes, ISSUERS, listIndexes, NOW, seqCounter, storeDecisions, storedDecisions
} from './lib/stored-decisions.js'

const { values: args } = parseArgs({
  options: {
    small: { type: 'string', default: '10000' },
    large: { type: 'string', default: '1000000' },
    probes: { type: 'string', default: '500' },
    every: { type: 'string', default: '20' },
    warmup: { type: 'string', default: '50' },
    batch: { type: 'string', default: '2000' }
  }
})
const SMALL = Number(args.small)
const LARGE = Number(args.large)
const PROBES = Number(args.probes)
const DENIAL_EVERY = Number(args.every)
const WARMUP = Number(args.warmup)
const BATCH = Number(args.batch)
const ADMIN_URL = process.env.BENCH_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres'

interface Load { stored: number, seconds: { rows: number, indexes: number, analyse: number } }

async function admin<T> (fn: (db: Kysely<unknown>) => Promise<T>): Promise<T> {
  const db = new Kysely<unknown>({ dialect: new PostgresDialect({ pool: new pg.Pool({ connectionString: ADMIN_URL, max: 1 }) }) })
  try { return await fn(db) } finally { await db.destroy() }
}

/** A migrated database of the bench's own, with our agency and three allies; its notices (auto_explain) go to `notices`. */
async function createBenchDatabase (name: string, notices: string[]): Promise<Db> {
  await admin((a) => sql`create database ${sql.id(name)}`.execute(a))
  const url = new URL(ADMIN_URL)
  url.pathname = `/${name}`
  installTypeParsers()
  const pool = new pg.Pool({ connectionString: url.toString(), max: 2 })
  pool.on('connect', (client) => { client.on('notice', (n) => { notices.push(n.message ?? '') }) })
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) })
  await migrateToLatest(db)
  for (const issuer of ISSUERS.slice(1)) {
    await db.insertInto('peers').values({
      agency_id: issuer, name: issuer, country: issuer.slice(0, 2).toUpperCase(), base_url: `https://${issuer}.example`, jwks: JSON.stringify({ keys: [] }), jwks_url: null, jwks_refreshed_at: null, status: 'active', status_reason: null
    }).execute()
  }
  await db.insertInto('feed_heads').values({ issuer: ISSUERS[0], seq: 0, hash: null }).execute()
  return db
}

/** Loads `count` decisions: secondary indexes dropped, rows in batches, indexes rebuilt as the migrations define them, vacuum analyse. */
async function load (db: Db, count: number): Promise<Load> {
  const timed = async (fn: () => Promise<unknown>) => { const started = performance.now(); await fn(); return (performance.now() - started) / 1000 }
  const indexes = await dropSecondaryIndexes(db)
  let stored = 0
  const rows = await timed(async () => { stored = await storeDecisions(db, storedDecisions(count), { batch: BATCH, seqOf: seqCounter() }) })
  return { stored, seconds: { rows, indexes: await timed(() => createIndexes(db, indexes)), analyse: await timed(() => analyseLoadedTables(db)) } }
}

const KINDS: ReadonlyArray<[Sample['kind'], string]> = [['grant', 'new grants'], ['grant after a denial', 'new grants of what another denied'], ['denial', 'new denials']]
const quantile = (values: readonly number[], q: number) => [...values].sort((a, b) => a - b)[Math.min(values.length - 1, Math.floor(q * values.length))] ?? NaN
const mean = (values: readonly number[]) => values.reduce((a, b) => a + b, 0) / Math.max(1, values.length)
const fmt = (n: number, digits = 0) => Number.isFinite(n) ? n.toLocaleString('en-GB', { maximumFractionDigits: digits, minimumFractionDigits: digits }) : '-'

function report (loads: readonly [Load, Load], samples: readonly [Sample[], Sample[]], indexes: readonly string[], plans: ReadonlyArray<[string, string[]]>) {
  const out = (line = '') => process.stdout.write(`${line}\n`)
  const of = (s: Sample[], kind?: Sample['kind']) => s.filter((x) => kind === undefined || x.kind === kind)
  const rows: Array<[string, (s: Sample[]) => number, number]> = [
    ['detection per new record, median (µs)', (s) => quantile(s.map((x) => x.micros), 0.5), 0],
    ['detection per new record, p90 (µs)', (s) => quantile(s.map((x) => x.micros), 0.9), 0],
    ...KINDS.map(([kind, label]): [string, (s: Sample[]) => number, number] => [`  ${label}, median (µs)`, (s) => quantile(of(s, kind).map((x) => x.micros), 0.5), 0]),
    ['decisions naming the end user, mean', (s) => mean(s.map((x) => x.naming)), 1],
    ['candidates examined per record, mean', (s) => mean(s.map((x) => x.examined)), 2],
    ...KINDS.map(([kind, label]): [string, (s: Sample[]) => number, number] => [`  ${label}`, (s) => mean(of(s, kind).map((x) => x.examined)), 2]),
    ['divergences opened per record, mean', (s) => mean(s.map((x) => x.opened)), 3],
    ...KINDS.map(([kind, label]): [string, (s: Sample[]) => number, number] => [`  ${label}`, (s) => mean(of(s, kind).map((x) => x.opened)), 2]),
    ['records that open one (%)', (s) => 100 * s.filter((x) => x.opened > 0).length / s.length, 1]
  ]
  out(`\nbench/divergence  ${new Date().toISOString()}  node ${process.version}  ${PROBES} new records decided ${NOW.toISOString().slice(0, 10)}: ` +
    `one in ${DENIAL_EVERY} a denial, one in ${DENIAL_EVERY} a grant of what another agency denied, the rest grants`)
  out(`stored decisions, spread over ${ISSUERS.join(', ')} (${ISSUERS[0]} is us):`)
  for (const { stored, seconds: { rows: r, indexes: i, analyse: a } } of loads) {
    out(`  ${fmt(stored).padStart(9)} loaded in ${fmt(r + i + a, 1)} s: rows ${fmt(r, 1)} s (${fmt(stored / r)} decisions/s), indexes ${fmt(i, 1)} s, vacuum analyse ${fmt(a, 1)} s`)
  }
  out(`indexes when measured: ${indexes.join(', ')}`)
  out()
  out(`${'measurement'.padEnd(42)} ${fmt(loads[0].stored).padStart(10)} ${fmt(loads[1].stored).padStart(10)}   ratio`)
  for (const [name, value, digits] of rows) {
    const [a, b] = [value(samples[0]), value(samples[1])]
    out(`${name.padEnd(42)} ${fmt(a, digits).padStart(10)} ${fmt(b, digits).padStart(10)}   ${fmt(b / a, 2)}`)
  }
  for (const [what, statements] of plans) {
    out()
    out(`statements of detection for ${what} at ${fmt(loads[1].stored)} (auto_explain: ANALYZE, BUFFERS):`)
    for (const notice of statements) {
      const lines = notice.replace(/^[\s\S]*?Query Text:\s*/, '').split('\n')
      const top = lines.findIndex((l) => /\(cost=\S+ rows=\d+ width=\d+\) \(actual/.test(l))
      const query = lines.slice(0, top).join(' ').replace(/\s+/g, ' ').trim()
      const buffers = lines.slice(top).find((l) => l.includes('Buffers:'))?.trim() ?? ''
      out(`- ${(/duration: ([\d.]+) ms/.exec(notice)?.[1] ?? '?').padStart(7)} ms  ${query.slice(0, 90).padEnd(90)}  ${buffers}`)
      if (query.includes('exact_keys &&')) for (const line of lines.slice(top)) out(`      ${line}`)
    }
  }
}

const names = [`bench_divergence_small_${process.pid}`, `bench_divergence_large_${process.pid}`] as const
const notices: string[] = []
const dbs: Db[] = []
try {
  for (const name of names) dbs.push(await createBenchDatabase(name, notices))
  const [small, large] = dbs as [Db, Db]
  process.stderr.write(`loading ${SMALL} stored decisions…\n`)
  const smallLoad = await load(small, SMALL)
  process.stderr.write(`loading ${LARGE} stored decisions…\n`)
  const largeLoad = await load(large, LARGE)
  process.stderr.write(`detection for ${PROBES} new records at both sizes…\n`)
  const probes = buildProbes(PROBES, DENIAL_EVERY, denialsInForce(storedDecisions(SMALL)))
  const [smallSamples, largeSamples] = await measureInTurn([small, large], probes, WARMUP) as [Sample[], Sample[]]
  const plans: Array<[string, string[]]> = []
  for (const [kind, what] of [['grant after a denial', 'a new grant of what another denied'], ['denial', 'a new denial']] as const) {
    const probe = probes.find((p) => p.kind === kind)
    if (probe !== undefined) plans.push([what, await explainDetection(large, probe, notices)])
  }
  report([smallLoad, largeLoad], [smallSamples, largeSamples], await listIndexes(large), plans)
} finally {
  for (const db of dbs) await db.destroy()
  for (const name of names) await admin((a) => sql`drop database if exists ${sql.id(name)} with (force)`.execute(a))
}
