/**
 * bench/sync: how fast an agency ingests a peer's feed end to end (HTTP pull, signature and
 * chain verification, storage, projection), against the raw Ed25519 verify rate of the same
 * machine on both cores, and the syncing process's peak memory at 10,000 and 100,000 entries.
 *
 *   npm run bench:sync [-- --small 10000 --large 100000]
 *
 * Needs PostgreSQL (BENCH_PG_URL, default postgres://postgres@127.0.0.1:5432/postgres); creates
 * its databases and drops them. See docs/performance.md.
 */
import { execFile } from 'node:child_process'
import { randomBytes, randomUUID } from 'node:crypto'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { readFileSync } from 'node:fs'
import { promisify } from 'node:util'
import { parseArgs } from 'node:util'
import { Worker } from 'node:worker_threads'
import { Kysely, PostgresDialect, sql } from 'kysely'
import pg from 'pg'
import { buildApp } from '../src/app.js'
import { loadConfig, type Config } from '../src/config.js'
import { systemClock } from '../src/lib/clock.js'
import { createLogger } from '../src/lib/logger.js'
import { enrolPeer } from '../src/use-cases/index.js'
import { appendNewRecords, type NewRecord } from '../src/records/index.js'
import { wireServices } from '../src/wiring.js'
import { cpuOfPids } from './lib/proc-cpu.js'
import { sampleDecisions } from './lib/sample-decisions.js'

const { values: args } = parseArgs({ options: { small: { type: 'string', default: '10000' }, large: { type: 'string', default: '100000' } } })
const SMALL = Number(args.small)
const LARGE = Number(args.large)
const ADMIN_URL = process.env.BENCH_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres'
const run = promisify(execFile)
const logger = createLogger({ level: 'warn' })
const cleanup: Array<() => Promise<unknown>> = []

async function admin<T> (fn: (db: Kysely<unknown>) => Promise<T>): Promise<T> {
  const db = new Kysely<unknown>({ dialect: new PostgresDialect({ pool: new pg.Pool({ connectionString: ADMIN_URL, max: 1 }) }) })
  try { return await fn(db) } finally { await db.destroy() }
}

async function agencyConfig (id: string): Promise<{ config: Config, env: Record<string, string> }> {
  const name = `bench_sync_${id.replaceAll('-', '_')}_${process.pid}`
  await admin((db) => sql`create database ${sql.id(name)}`.execute(db))
  cleanup.push(() => admin((db) => sql`drop database if exists ${sql.id(name)} with (force)`.execute(db)))
  const dataDir = await mkdtemp(join(tmpdir(), `bench-sync-${id}-`))
  cleanup.push(() => rm(dataDir, { recursive: true, force: true }))
  const url = new URL(ADMIN_URL)
  url.pathname = `/${name}`
  const env = { AGENCY_ID: id, DATABASE_URL: url.toString(), DATA_DIR: dataDir, KEY_ENCRYPTION_KEY: randomBytes(32).toString('base64url'), LOG_LEVEL: 'warn', SYNC_PAGE_SIZE: '1000', PORT: '0' }
  return { config: loadConfig(env), env }
}

/** The raw verify ceiling: node:crypto Ed25519 over a 600-byte message, one worker thread per core. */
async function rawVerifyRate (seconds: number, threads = 2): Promise<number> {
  const code = `
    const { generateKeyPairSync, sign, verify, randomBytes } = require('node:crypto')
    const { parentPort, workerData } = require('node:worker_threads')
    const { privateKey, publicKey } = generateKeyPairSync('ed25519')
    const message = randomBytes(600); const signature = sign(null, message, privateKey)
    let n = 0; const end = Date.now() + workerData * 1000
    while (Date.now() < end) { for (let i = 0; i < 100; i++) verify(null, message, publicKey, signature); n += 100 }
    parentPort.postMessage(n / workerData)`
  const rates = await Promise.all(Array.from({ length: threads }, () => new Promise<number>((resolve, reject) => {
    const worker = new Worker(code, { eval: true, workerData: seconds })
    worker.once('message', resolve).once('error', reject)
  })))
  return rates.reduce((a, b) => a + b, 0)
}

async function publish (deps: Awaited<ReturnType<typeof wireServices>>, issuer: string, count: number, prefix: string) {
  const key = await deps.keyRing.current()
  let batch: NewRecord[] = []
  const flush = async () => {
    const records = batch
    batch = []
    await deps.db.transaction().execute((trx) => appendNewRecords(trx, { issuer, key, clock: systemClock }, records))
  }
  for await (const decision of sampleDecisions(count, prefix)) {
    batch.push({ kind: 'decision', recordId: randomUUID(), content: { ...decision, regimeReferences: [] } as never, audience: null })
    if (batch.length === 1000) await flush()
  }
  if (batch.length > 0) await flush()
}

interface ChildResult {
  entries: number,
  seconds: number,
  maxRssMb: number,
  cpu: { main: number, otherThreads: number, backends: number }
  /** The detection backlog the sync queued, drained after it for a budget (`BENCH_BACKLOG_SECONDS`, 30). */
  backlog: { queued: number, detected: number, seconds: number, cpu: number }
}
type SyncResult = ChildResult & { cpu: ChildResult['cpu'] & { source: number, sourceBackends: number }, machineBusy: number }

/** Busy and total jiffies of the whole machine (all cores), from /proc/stat; zeros elsewhere. */
function machineTicks (): { busy: number, total: number } {
  try {
    const fields = (readFileSync('/proc/stat', 'utf8').split('\n')[0] as string).trim().split(/\s+/).slice(1).map(Number)
    const total = fields.reduce((a, b) => a + b, 0)
    return { busy: total - (fields[3] ?? 0) - (fields[4] ?? 0), total }
  } catch {
    return { busy: 0, total: 0 }
  }
}

/** Prepares a fresh syncing agency enrolled at the source, then syncs in a child process. */
async function syncFresh (source: { config: Config, deps: Awaited<ReturnType<typeof wireServices>>, url: string }, id: string) {
  const { config, env } = await agencyConfig(id)
  const deps = await wireServices(config, logger, systemClock)
  await enrolPeer({ ...deps, clock: systemClock }, 'bench', { agencyId: source.config.agency.id, name: 'source', country: 'GB', baseUrl: source.url, jwks: await source.deps.keyRing.jwks() })
  await enrolPeer({ ...source.deps, clock: systemClock }, 'bench', { agencyId: id, name: id, country: 'FR', baseUrl: 'http://127.0.0.1:9', jwks: await deps.keyRing.jwks() })
  await deps.db.destroy()
  const sourceBackends = async () => (await sql<{ pid: number }>`select pid from pg_stat_activity where datname = current_database()`.execute(source.deps.db)).rows.map((r) => r.pid)
  const pids = await sourceBackends()
  const before = { source: process.cpuUsage(), backends: new Map(pids.map((pid) => [pid, cpuOfPids([pid])])), machine: machineTicks() }
  const { stdout } = await run(process.execPath, [...(process.env.BENCH_CPU_PROF !== undefined ? ['--cpu-prof', '--cpu-prof-dir', process.env.BENCH_CPU_PROF] : []), '--import', 'tsx', new URL('./lib/sync-child.ts', import.meta.url).pathname, source.config.agency.id], { env: { ...process.env, ...env }, maxBuffer: 1 << 20 })
  const machine = machineTicks()
  const sourceCpu = process.cpuUsage(before.source)
  // a backend opened during the sync counts from its start (one that closed meanwhile is lost)
  const backendsCpu = (await sourceBackends()).reduce((sum, pid) => sum + cpuOfPids([pid]) - (before.backends.get(pid) ?? 0), 0)
  const child = JSON.parse(stdout.trim().split('\n').at(-1) as string) as ChildResult
  return {
    ...child,
    cpu: { ...child.cpu, source: (sourceCpu.user + sourceCpu.system) / 1e6, sourceBackends: backendsCpu },
    machineBusy: machine.total === before.machine.total ? 0 : (machine.busy - before.machine.busy) / (machine.total - before.machine.total)
  } satisfies SyncResult
}

try {
  process.stderr.write('raw Ed25519 verify rate on both cores…\n')
  const verifyRate = await rawVerifyRate(3)
  const { config } = await agencyConfig('bench-source')
  const deps = await wireServices(config, logger, systemClock)
  cleanup.unshift(() => deps.db.destroy())
  const app = await buildApp(deps)
  await app.listen({ host: '127.0.0.1', port: 0 })
  cleanup.unshift(() => app.close())
  const address = app.server.address()
  const source = { config, deps, url: `http://127.0.0.1:${typeof address === 'object' && address !== null ? address.port : 0}` }

  process.stderr.write(`publishing ${SMALL} entries at the source…\n`)
  await publish(deps, config.agency.id, SMALL, 'small')
  process.stderr.write(`syncing ${SMALL} entries into a fresh agency (child process)…\n`)
  const small = await syncFresh(source, 'bench-small')
  process.stderr.write(`publishing ${LARGE - SMALL} more…\n`)
  await publish(deps, config.agency.id, LARGE - SMALL, 'large')
  process.stderr.write(`syncing ${LARGE} entries into a fresh agency (child process)…\n`)
  const large = await syncFresh(source, 'bench-large')

  const rate = (r: typeof small) => r.entries / r.seconds
  process.stdout.write(`\nbench/sync  ${new Date().toISOString()}  node ${process.version}  page ${config.sync.pageSize}\n`)
  const rows: Array<[string, string, string]> = [
    ['raw Ed25519 verify, node:crypto, both cores (/s)', verifyRate.toFixed(0), '1.00 (ceiling)'],
    [`ingest end to end, ${SMALL} entries (/s)`, rate(small).toFixed(0), (rate(small) / verifyRate).toFixed(3)],
    [`ingest end to end, ${LARGE} entries (/s)`, rate(large).toFixed(0), (rate(large) / verifyRate).toFixed(3)],
    [`peak RSS of the syncing process, ${SMALL} entries (MiB)`, small.maxRssMb.toFixed(0), ''],
    [`peak RSS of the syncing process, ${LARGE} entries (MiB)`, large.maxRssMb.toFixed(0), (large.maxRssMb / small.maxRssMb).toFixed(2) + '× the small run']
  ]
  for (const [name, value, ratio] of rows) process.stdout.write(`${name.padEnd(56)} ${value.padStart(9)}  ${ratio}\n`)
  // where the CPU went, per 1,000 entries: the 2 cores are shared by all of it
  const perThousand = (r: SyncResult, seconds: number) => (seconds * 1000 / r.entries).toFixed(3)
  process.stdout.write(`\nCPU seconds per 1,000 entries (the raw verify of 1,000 costs ${(2000 / verifyRate).toFixed(3)} s on the same cores)\n`)
  const parts: Array<[string, (r: SyncResult) => number]> = [
    ['syncing process, main thread', (r) => r.cpu.main],
    ['syncing process, other threads (verify pool, GC)', (r) => r.cpu.otherThreads],
    ['syncing agency\'s PostgreSQL backends', (r) => r.cpu.backends],
    ['source process (serving pages)', (r) => r.cpu.source],
    ['source\'s PostgreSQL backends', (r) => r.cpu.sourceBackends],
    ['total', (r) => r.cpu.main + r.cpu.otherThreads + r.cpu.backends + r.cpu.source + r.cpu.sourceBackends]
  ]
  process.stdout.write(`${''.padEnd(56)} ${String(SMALL).padStart(9)} ${String(LARGE).padStart(9)}\n`)
  for (const [name, of] of parts) process.stdout.write(`${name.padEnd(56)} ${perThousand(small, of(small)).padStart(9)} ${perThousand(large, of(large)).padStart(9)}\n`)
  process.stdout.write(`${'machine busy during the sync (all processes, 0–1)'.padEnd(56)} ${small.machineBusy.toFixed(2).padStart(9)} ${large.machineBusy.toFixed(2).padStart(9)}\n`)
  // the decisions the large pages queued, detected again afterwards with every party searched as screening does
  process.stdout.write('\ndetection backlog after the sync (drained for a budget; CPU of the syncing process and its backends)\n')
  const backlogRows: Array<[string, (r: SyncResult) => string]> = [
    ['decisions queued', (r) => String(r.backlog.queued)],
    ['decisions detected again within the budget', (r) => String(r.backlog.detected)],
    ['decisions detected again per second', (r) => (r.backlog.detected / r.backlog.seconds).toFixed(0)],
    ['CPU seconds per 1,000 decisions detected again', (r) => r.backlog.detected === 0 ? '-' : (r.backlog.cpu * 1000 / r.backlog.detected).toFixed(3)]
  ]
  for (const [name, of] of backlogRows) process.stdout.write(`${name.padEnd(56)} ${of(small).padStart(9)} ${of(large).padStart(9)}\n`)
} finally {
  for (const step of cleanup) await step().catch(() => {})
}
