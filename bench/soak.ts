/**
 * bench/soak: one agency (the target), a real server process on real PostgreSQL, under mixed
 * load at once — officers screening, searching, publishing and importing, a peer syncing its
 * feed and pushing into its inbox with real partner tokens, health probes, JWKS fetches, and
 * 50 hostile clients dribbling uploads or holding idle connections — next to each request
 * class measured alone in the same run. Prints requests by class and status, p50/p95/p99 alone
 * and mixed and their ratio, /health/ready p99, the target's RSS and database connections at
 * the start and end of the mixed phase, whether its feed chain (and audit trail) verify
 * afterwards, what its log says, and a verdict against the aims of issue 10.
 *
 *   npm run bench:soak [-- --duration 300 --alone 20 --env NAME=VALUE ...]
 *
 * Needs PostgreSQL (BENCH_PG_URL, default postgres://postgres@127.0.0.1:5432/postgres); creates
 * its two databases and drops them. 127.0.0.1 only. Exit 1 when the run could not complete;
 * the verdict is printed either way. See docs/performance.md, "bench/soak".
 */
import { execFile } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { createReadStream } from 'node:fs'
import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { monitorEventLoopDelay } from 'node:perf_hooks'
import { createInterface } from 'node:readline'
import { parseArgs, promisify } from 'node:util'
import pg from 'pg'
import { loadConfig, type Config } from '../src/config.js'
import { readDemoSlice, demoDecisions } from '../src/demo/index.js'
import { createDb } from '../src/db/create-db.js'
import { verifyChain, type WireEntry } from '../src/feed/index.js'
import { systemClock } from '../src/lib/clock.js'
import { sleepUnlessAborted } from '../src/lib/sleep.js'
import type { DecisionInput } from '../src/records/index.js'
import { createKeyRing, issueLocalUserToken, loadKeyEncryptionKey, signPartnerToken, type Jwks, type SigningKey, type UserRole } from '../src/signing/index.js'
import { cpuOfPids } from './lib/proc-cpu.js'
import { loadAverage, residentMemory, ROOT, startAgencyProcess, type AgencyProcess } from './lib/agency-process.js'
import { runHostileClients, type HostileOutcomes, type HostileReport } from './lib/hostile-clients.js'
import { shuffledSampleDecisions } from './lib/sample-decisions.js'
import { isServerFailure, isServed, medianAndMax, PhaseStats, statusKey } from './lib/soak-stats.js'
import { OFFICERS, requestClasses, runLanes, type RequestClass } from './lib/soak-traffic.js'

const { values: args } = parseArgs({
  options: {
    duration: { type: 'string', default: '300' },
    alone: { type: 'string', default: '20' },
    preload: { type: 'string', default: '3000' },
    'push-entries': { type: 'string', default: '2000' },
    'import-rows': { type: 'string', default: '300' },
    dribblers: { type: 'string', default: '25' },
    idle: { type: 'string', default: '25' },
    env: { type: 'string', multiple: true, default: [] },
    keep: { type: 'boolean', default: false }
  }
})
const DURATION_S = positive('duration')
const ALONE_S = positive('alone')
const PRELOAD = positive('preload')
const PUSH_ENTRIES = positive('push-entries')
const IMPORT_ROWS = positive('import-rows')
const DRIBBLERS = count('dribblers')
const IDLE = count('idle')
const ADMIN_URL = process.env.BENCH_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres'
const TARGET = 'soak-target'
const PEER = 'soak-peer'
/** The aims of issue 10. */
const AIMS = { readyP99Ms: 100, rssGrowthPct: 10, ratio: 3 }

function positive (name: 'duration' | 'alone' | 'preload' | 'push-entries' | 'import-rows'): number {
  const value = Number(args[name])
  if (!Number.isFinite(value) || value <= 0) usage(`--${name} must be a positive number`)
  return value
}
function count (name: 'dribblers' | 'idle'): number {
  const value = Number(args[name])
  if (!Number.isInteger(value) || value < 0) usage(`--${name} must be a whole number`)
  return value
}
function usage (message: string): never {
  process.stderr.write(`${message}\nusage: npm run bench:soak -- [--duration SECONDS] [--alone SECONDS] [--preload N] [--push-entries N] [--import-rows N] [--dribblers N] [--idle N] [--env NAME=VALUE ...] [--keep]\n`)
  process.exit(2)
}
/** --env NAME=VALUE: settings for the target, over the bench's own. */
const extraEnv = Object.fromEntries((args.env ?? []).map((pair) => {
  const at = pair.indexOf('=')
  if (at < 1) usage(`--env ${pair}: give NAME=VALUE`)
  return [pair.slice(0, at), pair.slice(at + 1)]
}))

const run = promisify(execFile)
const out = (line = '') => process.stdout.write(line + '\n')
const note = (line: string) => process.stderr.write(`[soak ${new Date().toISOString().slice(11, 19)}] ${line}\n`)
const cleanup: Array<() => Promise<unknown>> = []
const ms = (value: number | undefined) => value === undefined ? 'n/a' : value < 10 ? value.toFixed(1) : value.toFixed(0)

const adminPool = new pg.Pool({ connectionString: ADMIN_URL, max: 1 })
cleanup.push(() => adminPool.end())

async function createDatabase (name: string): Promise<string> {
  await adminPool.query(`create database "${name}"`)
  cleanup.unshift(() => adminPool.query(`drop database if exists "${name}" with (force)`))
  const url = new URL(ADMIN_URL)
  url.pathname = `/${name}`
  return url.toString()
}

/** The target's connections to its database: open (its pools) and running a statement now. */
async function connectionsOf (database: string): Promise<{ open: number, active: number, idleInTransaction: number }> {
  const { rows } = await adminPool.query<{ open: number, active: number, idle_in_transaction: number }>(
    `select count(*)::int as open, count(*) filter (where state = 'active')::int as active,
       count(*) filter (where state like 'idle in transaction%')::int as idle_in_transaction
     from pg_stat_activity where datname = $1 and backend_type = 'client backend'`, [database])
  const row = rows[0] as { open: number, active: number, idle_in_transaction: number }
  return { open: row.open, active: row.active, idleInTransaction: row.idle_in_transaction }
}

interface Agency { id: string, env: Record<string, string>, config: Config, database: string, process: AgencyProcess }

async function agencyEnv (id: string, country: string, dir: string, env: Record<string, string>) {
  const database = `bench_soak_${id.replaceAll('-', '_')}_${process.pid}`
  const dataDir = join(dir, id)
  const full: Record<string, string> = {
    AGENCY_ID: id,
    AGENCY_NAME: `Soak ${id}`,
    AGENCY_COUNTRY: country,
    DATABASE_URL: await createDatabase(database),
    DATA_DIR: dataDir,
    KEY_ENCRYPTION_KEY: randomBytes(32).toString('base64url'),
    OUTBOUND_PRIVATE_ADDRESSES: 'allow',
    ...env
  }
  return { env: full, database, config: loadConfig({ ...full, HOST: '127.0.0.1', PORT: '1' }) }
}

async function expectStatus (res: Response, expected: number, what: string): Promise<unknown> {
  const body = await res.text()
  if (res.status !== expected) throw new Error(`${what}: ${res.status} ${body.slice(0, 2000)}`)
  return body === '' ? undefined : JSON.parse(body)
}

/** A user token from an agency's local development identity provider (what `npm run cli -- token` prints). */
function userTokens (agency: { env: Record<string, string>, config: Config }) {
  const cache = new Map<string, Promise<string>>()
  return (sub: string, role: UserRole = 'officer') => {
    const key = `${role}:${sub}`
    let token = cache.get(key)
    if (token === undefined) {
      token = issueLocalUserToken(agency.config.dataDir, agency.config.idp, { subject: sub, roles: [role], lifetimeSeconds: DURATION_S + 7200 }, systemClock).then((t) => `Bearer ${t}`)
      cache.set(key, token)
    }
    return token
  }
}

/** Runs the CLI with an agency's environment, as `npm run cli -- …` would beside its server. */
async function cli (agency: Agency, cliArgs: string[]): Promise<{ code: number, stdout: string, stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', ...cliArgs], {
      cwd: ROOT, env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', ...agency.env, LOG_LEVEL: 'warn' }, maxBuffer: 16 << 20, timeout: 600_000
    })
    return { code: 0, stdout, stderr }
  } catch (err) {
    const failed = err as { code?: number, stdout?: string, stderr?: string }
    return { code: typeof failed.code === 'number' ? failed.code : 1, stdout: failed.stdout ?? '', stderr: failed.stderr ?? String(err) }
  }
}

/** A party name lightly misspelt (two letters of its longest word swapped), as an officer might type it. */
function misspell (name: string, n: number): string {
  const words = name.split(' ')
  const longest = words.reduce((best, w, i) => w.length > (words[best] as string).length ? i : best, 0)
  const word = words[longest] as string
  if (word.length < 6) return name
  const at = 1 + (n % (word.length - 3))
  words[longest] = word.slice(0, at) + (word[at + 1] as string) + (word[at] as string) + word.slice(at + 2)
  return words.join(' ')
}

/** `items` in a random order drawn from `seed` (Fisher–Yates over mulberry32): the same order on every run. */
function shuffled<T> (items: readonly T[], seed: number): T[] {
  let state = seed >>> 0
  const random = () => {
    state = (state + 0x6D2B79F5) >>> 0
    let t = state
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
  const out = [...items]
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1))
    ;[out[i], out[j]] = [out[j] as T, out[i] as T]
  }
  return out
}

function applicationOf (decision: DecisionInput, n: number): Record<string, unknown> {
  const party = decision.parties[0] as DecisionInput['parties'][number]
  const item = decision.items[0] as DecisionInput['items'][number]
  return {
    reference: `APP-${n}`,
    parties: [{ role: 'end_user', name: n % 2 === 0 ? misspell(party.name, n) : party.name, aliases: [], country: party.country, identifiers: [] }],
    items: [{ codes: item.codes, description: item.description }],
    destination: decision.destination
  }
}

/** Pages through the target's feed as a peer does and verifies the whole chain, then compares its end with the signed head. */
async function verifyTargetFeed (target: Agency, partner: () => Promise<string>): Promise<{ ok: boolean, entries: number, detail: string }> {
  const jwks = await expectStatus(await fetch(`${target.process.url}/.well-known/jwks.json`), 200, 'JWKS') as Jwks
  let from: { seq: number, hash: string | null } = { seq: 0, hash: null }
  for (;;) {
    const page = await expectStatus(await fetch(`${target.process.url}/v1/feed?after=${from.seq}&limit=${target.config.feedPageMax}`, { headers: { authorization: await partner() } }), 200, `feed after ${from.seq}`) as { entries: WireEntry[], hasMore: boolean }
    try {
      const verified = await verifyChain(TARGET, page.entries, jwks, from)
      const last = verified.at(-1)
      if (last !== undefined) from = { seq: last.seq, hash: last.hash }
    } catch (err) {
      return { ok: false, entries: from.seq, detail: (err as Error).message }
    }
    if (!page.hasMore) break
  }
  const head = await expectStatus(await fetch(`${target.process.url}/v1/feed/head`, { headers: { authorization: await partner() } }), 200, 'feed head') as { seq: number, hash: string | null }
  if (head.seq !== from.seq || head.hash !== from.hash) return { ok: false, entries: from.seq, detail: `the chain ends at ${from.seq}, the signed head says ${head.seq}` }
  return { ok: true, entries: from.seq, detail: `every signature and link of entries 1–${from.seq}, ending at the signed head` }
}

interface LogSummary {
  lines: number
  byLevel: Map<string, number>
  problems: Map<string, number>
  responses5xx: Map<number, number>
  examples: string[]
  /** Fastify's `responseTime` of served requests, by phase (a class's alone window, or `mixed`) and class. */
  serverMs: Map<string, PhaseStats>
}

/** The request class of a logged route (the peer's own sync requests fall in feed and feed-head too). */
function classOfRoute (method: string, path: string): string | undefined {
  const routes: Record<string, string> = {
    'POST /v1/screenings': 'screening',
    'GET /v1/decisions': 'search',
    'POST /v1/decisions': 'publish',
    'POST /v1/decisions/import': 'import',
    'GET /v1/feed': 'feed',
    'GET /v1/feed/head': 'feed-head',
    'POST /v1/inbox': 'inbox',
    'GET /health/ready': 'health-ready',
    'GET /health/live': 'health-live',
    'GET /.well-known/jwks.json': 'jwks'
  }
  return routes[`${method} ${path}`]
}

interface Window { phase: string, from: number, to: number }

/** The fields of a pino line of the target that the summary reads. */
interface LogLine {
  level?: number
  time?: number
  msg?: string
  reqId?: string
  responseTime?: number
  code?: string
  err?: { code?: string, message?: string, type?: string }
  req?: { method?: string, url?: string }
  res?: { statusCode?: number }
}

/** What the target logged: lines by level, warnings and errors by message (and code), 5xx responses, server-side times per phase. */
async function summariseLog (file: string, windows: readonly Window[]): Promise<LogSummary> {
  const levels: Record<number, string> = { 10: 'trace', 20: 'debug', 30: 'info', 40: 'warn', 50: 'error', 60: 'fatal' }
  const summary: LogSummary = { lines: 0, byLevel: new Map(), problems: new Map(), responses5xx: new Map(), examples: [], serverMs: new Map() }
  const incoming = new Map<string, string | undefined>()
  for await (const line of createInterface({ input: createReadStream(file), crlfDelay: Infinity })) {
    if (line.trim() === '') continue
    summary.lines += 1
    let entry: LogLine
    try {
      entry = JSON.parse(line)
    } catch {
      summary.byLevel.set('not JSON', (summary.byLevel.get('not JSON') ?? 0) + 1)
      if (summary.examples.length < 5) summary.examples.push(line.slice(0, 300))
      continue
    }
    const level = levels[entry.level ?? 0] ?? String(entry.level)
    summary.byLevel.set(level, (summary.byLevel.get(level) ?? 0) + 1)
    const status = entry.res?.statusCode ?? 0
    if (status >= 500) summary.responses5xx.set(status, (summary.responses5xx.get(status) ?? 0) + 1)
    if (entry.reqId !== undefined && entry.req?.method !== undefined) incoming.set(entry.reqId, classOfRoute(entry.req.method, entry.req.url ?? ''))
    if (entry.reqId !== undefined && typeof entry.responseTime === 'number' && entry.res?.statusCode !== undefined) {
      const cls = incoming.get(entry.reqId)
      incoming.delete(entry.reqId)
      const time = entry.time ?? 0
      const window = windows.find((w) => time >= w.from && time <= w.to && (w.phase === 'mixed' || w.phase === cls))
      if (cls !== undefined && window !== undefined) {
        const key = `${window.phase === 'mixed' ? 'mixed' : 'alone'}:${cls}`
        let stats = summary.serverMs.get(key)
        if (stats === undefined) summary.serverMs.set(key, stats = new PhaseStats())
        stats.record(statusKey(entry.res.statusCode, null), entry.responseTime)
      }
    }
    if ((entry.level ?? 0) >= 40) {
      const code = entry.err?.code ?? entry.code
      const key = `${level}: ${entry.msg ?? '(no msg)'}${code !== undefined ? ` [${code}]` : ''}${entry.err?.message !== undefined ? ` — ${entry.err.message.slice(0, 160)}` : ''}`
      summary.problems.set(key, (summary.problems.get(key) ?? 0) + 1)
    }
  }
  return summary
}

/** Settings the output shows, by variable, with where `Config` holds them (some are newer than others: read by path). */
const SHOWN_SETTINGS: Record<string, string> = {
  DB_POOL_SIZE: 'dbPoolSize',
  DB_RESERVED_POOL_SIZE: 'dbReservedPoolSize',
  DB_STATEMENT_TIMEOUT_MS: 'dbStatementTimeoutMs',
  REQUEST_TIMEOUT_MS: 'requestTimeoutMs',
  IMPORT_CONCURRENCY: 'uploads.importConcurrency',
  UPLOAD_IDLE_TIMEOUT_MS: 'uploads.idleTimeoutMs',
  UPLOAD_MIN_BYTES_PER_SECOND: 'uploads.minBytesPerSecond',
  UPLOAD_RATE_WINDOW_MS: 'uploads.rateWindowMs',
  FEED_CACHE_BYTES: 'feedCacheBytes',
  MATCH_CANDIDATES: 'matching.candidates'
}

function settingOf (config: Config, path: string): unknown {
  return path.split('.').reduce<unknown>((value, key) => (value as Record<string, unknown> | undefined)?.[key], config)
}

/** `{ windowSeconds, perWindow: { screening: 120, … } }` as `screening 120, … per caller per 60 s`; anything else as JSON. */
function describeRateLimits (value: unknown): string {
  const limits = value as { windowSeconds?: number, perWindow?: Record<string, number> }
  if (typeof limits.windowSeconds !== 'number' || typeof limits.perWindow !== 'object') return JSON.stringify(value)
  return `${Object.entries(limits.perWindow).map(([group, n]) => `${group} ${n === 0 ? 'unlimited' : n}`).join(', ')} per caller per ${limits.windowSeconds} s (RATE_LIMIT_*)`
}

/** The target's event loop per window, from loop-monitor.mjs's lines: seconds, the longest delay, seconds with a delay of 100 ms or more. */
async function loopDelays (file: string, windows: readonly Window[]): Promise<Map<string, { seconds: number, sampled: number, maxMs: number, over100: number, meanMs: number }>> {
  const byPhase = new Map<string, { seconds: number, sampled: number, maxMs: number, over100: number, meanMs: number }>()
  const text = await readFile(file, 'utf8').catch(() => '')
  for (const line of text.split('\n')) {
    const [at, max, mean] = line.split(' ').map(Number)
    // a second in which the loop never came round to sample has no mean: its max says enough
    if (at === undefined || max === undefined || mean === undefined || !Number.isFinite(at) || !Number.isFinite(max)) continue
    const window = windows.find((w) => at > w.from && at <= w.to + 500)
    if (window === undefined) continue
    const s = byPhase.get(window.phase) ?? { seconds: 0, sampled: 0, maxMs: 0, over100: 0, meanMs: 0 }
    if (Number.isFinite(mean)) s.meanMs = (s.meanMs * s.sampled + mean) / (s.sampled + 1)
    if (Number.isFinite(mean)) s.sampled += 1
    s.seconds += 1
    s.maxMs = Math.max(s.maxMs, max)
    if (max >= 100) s.over100 += 1
    byPhase.set(window.phase, s)
  }
  return byPhase
}

function describeHostile (name: string, o: HostileOutcomes): string {
  const outcomes = [...o.outcomes.entries()].sort(([, a], [, b]) => b.length - a.length).map(([outcome, held]) => {
    const { median, max } = medianAndMax(held)
    return `${outcome} x${held.length} (connection held ${(median / 1000).toFixed(1)} s median, ${(max / 1000).toFixed(1)} s max)`
  })
  return `${name.padEnd(18)} ${String(o.attempts).padStart(5)} attempts: ${outcomes.join(', ')}`
}

// ----------------------------------------------------------------------------------------------
const failures: string[] = []
let incomplete: string | undefined
const verdictLines: string[] = []

try {
  const dir = await mkdtemp(join(tmpdir(), 'bench-soak-'))
  if (!args.keep) cleanup.push(() => rm(dir, { recursive: true, force: true }))
  note(`working directory ${dir}`)

  // --- the agencies ------------------------------------------------------------------------------
  const targetSettings: Record<string, string> = {
    LOG_LEVEL: 'info',
    // the API process only, as behind a separate worker: the inbox, not a pull, brings the peer's new entries
    SYNC_IN_PROCESS: 'false',
    PUSH_ON_PUBLISH: 'true',
    ...extraEnv
  }
  const peerSettings = { LOG_LEVEL: 'warn', SYNC_IN_PROCESS: 'true', SYNC_INTERVAL_SECONDS: '2', PUSH_ON_PUBLISH: 'false', PEER_JWKS_COOLDOWN_SECONDS: '0' }
  const [targetEnv, peerEnv] = await Promise.all([agencyEnv(TARGET, 'GB', dir, targetSettings), agencyEnv(PEER, 'FR', dir, peerSettings)])
  note('starting the target and the peer (node --import tsx src/server.ts)…')
  const loopFile = join(dir, 'target-loop.txt')
  const [targetProcess, peerProcess] = await Promise.all([
    startAgencyProcess({ ...targetEnv.env, SOAK_LOOP_FILE: loopFile }, join(dir, 'target.log'), { nodeArgs: ['--import', join(ROOT, 'bench/lib/loop-monitor.mjs')] }),
    startAgencyProcess(peerEnv.env, join(dir, 'peer.log'))
  ])
  cleanup.unshift(() => targetProcess.stop(), () => peerProcess.stop())
  const target: Agency = { id: TARGET, ...targetEnv, process: targetProcess }
  const peer: Agency = { id: PEER, ...peerEnv, process: peerProcess }
  const targetUser = userTokens(target)
  const peerUser = userTokens(peer)

  // --- enrolment, both ways (after the set-up, the peer syncs the target in the mixed phase only) --
  const enrol = async (at: Agency, other: Agency, country: string) => expectStatus(await fetch(`${at.process.url}/v1/peers`, {
    method: 'POST',
    headers: { authorization: await userTokens(at)('soak-admin', 'admin'), 'content-type': 'application/json' },
    body: JSON.stringify({ agencyId: other.id, name: `Soak ${other.id}`, country, baseUrl: other.process.url, jwksUrl: `${other.process.url}/.well-known/jwks.json` })
  }), 201, `enrolling ${other.id} at ${at.id}`)
  await enrol(target, peer, 'FR')
  await enrol(peer, target, 'GB')
  const setPeerSync = async (status: 'active' | 'disabled') => expectStatus(await fetch(`${peer.process.url}/v1/peers/${TARGET}`, {
    method: 'PATCH',
    headers: { authorization: await peerUser('soak-admin', 'admin'), 'content-type': 'application/json' },
    body: JSON.stringify({ status, reason: 'bench/soak: the peer pulls the target in the mixed phase only' })
  }), 200, `setting ${TARGET} ${status} at the peer`)

  // --- data ----------------------------------------------------------------------------------------
  const slice = await readDemoSlice(new Date())
  const targetDemo = demoDecisions(slice, 0, 2, 'GB-SIEL')
  const peerDemo = demoDecisions(slice, 1, 2, 'FR-SBDU')
  const samples = shuffledSampleDecisions(Number.MAX_SAFE_INTEGER, 'sample', 7)
  let referenceCount = 0
  const nextDecision = (prefix: string): DecisionInput => ({ ...(samples.next().value as unknown as DecisionInput), reference: `${prefix}-${referenceCount++}` })
  const importAll = async (at: Agency, decisions: DecisionInput[], what: string) => {
    const started = performance.now()
    const result = await expectStatus(await fetch(`${at.process.url}/v1/decisions/import`, {
      method: 'POST',
      headers: { authorization: await userTokens(at)('soak-loader'), 'content-type': 'application/x-ndjson' },
      body: decisions.map((d) => JSON.stringify(d)).join('\n') + '\n'
    }), 201, `importing ${what}`) as { imported: number }
    note(`${what}: ${result.imported} decisions imported in ${((performance.now() - started) / 1000).toFixed(1)} s`)
  }
  const preload = [...targetDemo.slice(0, PRELOAD), ...Array.from({ length: Math.max(0, PRELOAD - targetDemo.length) }, () => nextDecision('GB-HIST'))]
  await Promise.all([importAll(target, preload, 'target preload'), importAll(peer, peerDemo, 'peer preload')])
  note('the target pulls the peer\'s feed once (npm run cli -- sync --peer soak-peer)…')
  const synced = await cli(target, ['sync', '--peer', PEER])
  if (synced.code !== 0) throw new Error(`cli sync: exit ${synced.code}\n${synced.stdout}${synced.stderr}`)
  note(synced.stdout.trim().split('\n').at(-1) ?? '')
  await setPeerSync('disabled')
  // what the peer will push: entries the target does not hold yet
  await importAll(peer, Array.from({ length: PUSH_ENTRIES }, () => nextDecision('FR-PUSH')), 'peer entries to push')
  const peerDb = await createDb({ databaseUrl: peer.env.DATABASE_URL, dataDir: '/nonexistent', dbPoolSize: 1 })
  let peerKey: SigningKey
  let pushEntries: Array<{ seq: number, jws: string }>
  try {
    peerKey = await createKeyRing(peerDb, await loadKeyEncryptionKey({ value: peer.env.KEY_ENCRYPTION_KEY as string })).current()
    const cursor = (await expectStatus(await fetch(`${target.process.url}/v1/peers/${PEER}`, { headers: { authorization: await targetUser('soak-admin', 'admin') } }), 200, 'the peer at the target') as { sync: { cursor: number } }).sync.cursor
    const rows = await peerDb.selectFrom('feed_entries').select(['seq', 'jws']).where('issuer', '=', PEER).where('seq', '>', cursor).orderBy('seq').execute()
    pushEntries = rows.flatMap((r) => r.jws === null ? [] : [{ seq: r.seq, jws: r.jws }])
  } finally {
    await peerDb.destroy()
  }
  // the statistics autovacuum would soon compute, before anything is measured: without them the
  // first searches run on plans for empty tables (and the alone phase would measure that)
  const analyser = new pg.Client({ connectionString: target.env.DATABASE_URL })
  await analyser.connect()
  await analyser.query('analyze').finally(() => analyser.end())
  /** A partner token of the peer, signed with its own key: as its sync and push send them. */
  const partner = async () => `Bearer ${await signPartnerToken(peerKey, { issuer: PEER, audience: TARGET, lifetimeSeconds: 60 }, systemClock)}`
  const allied = peerDemo.map(applicationOf)
  const own = targetDemo.slice(0, 300).map((d, i) => applicationOf(d, i + 1))
  // in a seeded random order: a class alone and the mixed phase draw from the same mix of names
  // (in file order, the first hundred names are not like the rest, and a name's cost varies tenfold)
  const applications = shuffled(allied.flatMap((a, i) => i % 3 === 2 ? [a, own[i % own.length] as Record<string, unknown>] : [a]), 1)
  const searchNames = shuffled([...peerDemo, ...targetDemo].map((d, i) => misspell((d.parties[0] as { name: string }).name, i)), 2)
  const classes = requestClasses({ officer: (sub) => targetUser(sub), partner, nextDecision, applications, searchNames, pushEntries, importRows: IMPORT_ROWS })

  // --- configuration -------------------------------------------------------------------------------
  const c = target.config
  out(`\nbench/soak  ${new Date().toISOString()}  node ${process.version}  ${(await adminPool.query<{ v: string }>('select version() as v')).rows[0]?.v.split(' on ')[0] ?? ''}`)
  out(`target ${TARGET} (pid ${targetProcess.pid}, ${targetProcess.url}), peer ${PEER} (${peerProcess.url}); mixed phase ${DURATION_S} s, each class alone ${ALONE_S} s`)
  out('target started as: node --import tsx --import bench/lib/loop-monitor.mjs src/server.ts (what `tsx src/server.ts` runs, its pid the server\'s own, plus a per-second event-loop probe)')
  out(`target environment set by the bench: ${Object.entries(targetSettings).map(([k, v]) => `${k}=${v}`).join(' ')} (the rest: defaults)`)
  out(`target configuration: ${Object.entries(SHOWN_SETTINGS).map(([name, path]) => `${name}=${settingOf(c, path) ?? '(not in this build)'}`).join(' ')}`)
  const rateSettings = Object.entries(c).filter(([key]) => /rate/i.test(key))
  out(`rate limits: ${rateSettings.length === 0 ? 'none in this build\'s configuration' : rateSettings.map(([, v]) => describeRateLimits(v)).join(' ')}`)
  out(`peer: ${Object.entries(peerSettings).map(([k, v]) => `${k}=${v}`).join(' ')}`)
  out(`data: ${preload.length} decisions imported at the target (${Math.min(PRELOAD, targetDemo.length)} from test/fixtures/demo, the rest UK licensing statistics), ` +
    `${peerDemo.length} of the peer's synced to it, ${pushEntries.length} more of the peer's to push; ${applications.length} screening applications, ${searchNames.length} search names; then \`analyze\` of its database`)
  out('\nrequest classes (closed-loop lanes: the same alone and mixed):')
  for (const cls of classes) out(`  ${cls.name.padEnd(13)} ${cls.lanes} lane${cls.lanes === 1 ? ' ' : 's'}, think ${String(cls.thinkMs).padStart(4)} ms  ${cls.what}`)
  out(`  (officer classes take the tokens of ${OFFICERS} officers in turn; partner classes sign a fresh token of the peer per request)`)
  out(`  hostile       ${DRIBBLERS} officers dribbling a chunked CSV import (a byte every 1–2 s), ${IDLE} idle connections (mixed phase only)`)

  // --- phases --------------------------------------------------------------------------------------
  const alone = new Map<string, PhaseStats>()
  const mixed = new Map<string, PhaseStats>()
  const statsIn = (phase: Map<string, PhaseStats>) => (name: string) => {
    let s = phase.get(name)
    if (s === undefined) phase.set(name, s = new PhaseStats())
    return s
  }
  const loopDelay = monitorEventLoopDelay({ resolution: 10 })
  const windows: Window[] = []
  const runPhase = async (seconds: number, which: readonly RequestClass[], into: (name: string) => PhaseStats) => {
    const stop = new AbortController()
    const timer = setTimeout(() => stop.abort(), seconds * 1000)
    const from = Date.now()
    await runLanes(targetProcess.url, which, into, stop.signal)
    if (which.length === 1) windows.push({ phase: (which[0] as RequestClass).name, from, to: Date.now() })
    clearTimeout(timer)
    if (targetProcess.exit() !== null) throw new Error(`the target exited (${targetProcess.exit() as string})`)
  }
  const warmup = Math.min(10, ALONE_S)
  note(`warm-up: every class at once for ${warmup} s (not counted)…`)
  await runPhase(warmup, classes, statsIn(new Map()))
  const aloneLoad: number[] = []
  loopDelay.enable()
  const aloneCpu = cpuOfPids([targetProcess.pid])
  const aloneStarted = performance.now()
  for (const cls of classes) {
    note(`alone: ${cls.name} for ${ALONE_S} s…`)
    await runPhase(ALONE_S, [cls], statsIn(alone))
    aloneLoad.push(await loadAverage())
  }
  const aloneCpuShare = (cpuOfPids([targetProcess.pid]) - aloneCpu) / ((performance.now() - aloneStarted) / 1000)
  const aloneLoopP99 = loopDelay.percentile(99) / 1e6
  loopDelay.reset()

  note(`mixed: everything at once for ${DURATION_S} s, the peer syncing, ${DRIBBLERS + IDLE} hostile clients…`)
  await setPeerSync('active')
  const start = { memory: await residentMemory(targetProcess.pid), connections: await connectionsOf(target.database), load: await loadAverage(), cpu: cpuOfPids([targetProcess.pid]), at: performance.now() }
  const samples5s: Array<{ seconds: number, rssMb: number, open: number, active: number, load: number }> = []
  const benchCpu = process.cpuUsage()
  const mixedFrom = Date.now()
  const stop = new AbortController()
  const deadline = setTimeout(() => stop.abort(), DURATION_S * 1000)
  const sampler = (async () => {
    while (!stop.signal.aborted) {
      await sleepUnlessAborted(5000, stop.signal)
      if (targetProcess.exit() !== null) { stop.abort(); break }
      const [memory, connections, load] = await Promise.all([residentMemory(targetProcess.pid), connectionsOf(target.database), loadAverage()])
      samples5s.push({ seconds: (performance.now() - start.at) / 1000, rssMb: memory?.rssMb ?? NaN, open: connections.open, active: connections.active, load })
    }
  })()
  const hostileDribbler = (i: number) => `Bearer ${hostileTokens[i] as string}`
  const hostileTokens = await Promise.all(Array.from({ length: DRIBBLERS }, (_, i) => targetUser(`soak-hostile-${i}`).then((t) => t.slice('Bearer '.length))))
  const [hostile] = await Promise.all([
    runHostileClients(targetProcess.port, { dribblers: DRIBBLERS, idle: IDLE, authorization: hostileDribbler }, stop.signal) as Promise<HostileReport>,
    runLanes(targetProcess.url, classes, statsIn(mixed), stop.signal),
    sampler
  ])
  clearTimeout(deadline)
  windows.push({ phase: 'mixed', from: mixedFrom, to: Date.now() })
  const mixedSeconds = (performance.now() - start.at) / 1000
  const mixedCpuShare = (cpuOfPids([targetProcess.pid]) - start.cpu) / mixedSeconds
  const benchCpuUsed = process.cpuUsage(benchCpu)
  const benchCpuShare = (benchCpuUsed.user + benchCpuUsed.system) / 1e6 / mixedSeconds
  const mixedLoopP99 = loopDelay.percentile(99) / 1e6
  loopDelay.disable()
  if (targetProcess.exit() !== null) throw new Error(`the target exited during the mixed phase (${targetProcess.exit() as string})`)
  const endNow = { memory: await residentMemory(targetProcess.pid), connections: await connectionsOf(target.database) }
  await new Promise((resolve) => setTimeout(resolve, 5000))
  const end = { memory: await residentMemory(targetProcess.pid), connections: await connectionsOf(target.database), load: await loadAverage() }

  // --- afterwards ----------------------------------------------------------------------------------
  note('checks: the peer\'s copy, the feed chain, the audit trail, the log…')
  const head = await expectStatus(await fetch(`${targetProcess.url}/v1/feed/head`, { headers: { authorization: await partner() } }), 200, 'feed head') as { seq: number }
  let peerView: { state?: string, cursor: number, lag: number | null, verificationFailures: number, lastErrorCode: string | null } | undefined
  for (let waited = 0; waited < 180; waited += 2) {
    const view = await expectStatus(await fetch(`${peerProcess.url}/v1/peers/${TARGET}`, { headers: { authorization: await peerUser('soak-admin', 'admin') } }), 200, 'the target at the peer') as { sync: NonNullable<typeof peerView> }
    peerView = view.sync
    if (peerView.cursor >= head.seq) break
    await new Promise((resolve) => setTimeout(resolve, 2000))
  }
  const peerAtTarget = await expectStatus(await fetch(`${targetProcess.url}/v1/peers/${PEER}`, { headers: { authorization: await targetUser('soak-admin', 'admin') } }), 200, 'the peer at the target') as { status: string, sync: { cursor: number, state: string } }
  const chain = await verifyTargetFeed(target, partner)
  const audit = await cli(target, ['audit', 'verify'])
  const memoryGrowth = start.memory !== undefined && end.memory !== undefined ? (end.memory.rssMb - start.memory.rssMb) / start.memory.rssMb * 100 : NaN

  // --- report --------------------------------------------------------------------------------------
  out('\nrequests by class and status (mixed phase; alone in brackets)')
  for (const cls of classes) out(`  ${cls.name.padEnd(13)} ${mixed.get(cls.name)?.describeCounts() ?? 'none'}   [${alone.get(cls.name)?.describeCounts() ?? 'none'}]`)
  for (const [phase, stats] of [['mixed', mixed], ['alone', alone]] as const) {
    for (const [name, s] of stats) for (const [key, body] of s.examples) out(`  first ${key} of ${name} (${phase}): ${body.replaceAll('\n', ' ')}`)
  }
  out('\nlatency of served requests, ms (429, 503 with Retry-After and 408 are counted above, not timed here)')
  out(`  ${'class'.padEnd(13)} ${'n alone'.padStart(7)} ${'n mixed'.padStart(7)}   ${'p50 alone'.padStart(9)} ${'mixed'.padStart(7)} ${'ratio'.padStart(6)}   ${'p95 alone'.padStart(9)} ${'mixed'.padStart(7)} ${'ratio'.padStart(6)}   ${'p99 alone'.padStart(9)} ${'mixed'.padStart(7)} ${'ratio'.padStart(6)}`)
  const ratioFailures: string[] = []
  for (const cls of classes) {
    const a = alone.get(cls.name) ?? new PhaseStats()
    const m = mixed.get(cls.name) ?? new PhaseStats()
    const cells = [50, 95, 99].map((p) => {
      const pa = a.percentile(p)
      const pm = m.percentile(p)
      const ratio = pa !== undefined && pm !== undefined ? pm / pa : undefined
      if (ratio === undefined || ratio >= AIMS.ratio) ratioFailures.push(`${cls.name} p${p} ${ratio === undefined ? 'no served request' : ratio.toFixed(2)}`)
      return `${ms(pa).padStart(9)} ${ms(pm).padStart(7)} ${(ratio === undefined ? 'n/a' : ratio.toFixed(2)).padStart(6)}`
    })
    out(`  ${cls.name.padEnd(13)} ${String(a.servedMs.length).padStart(7)} ${String(m.servedMs.length).padStart(7)}   ${cells.join('   ')}`)
  }
  out(`  the bench's own event loop delay, p99: ${aloneLoopP99.toFixed(1)} ms alone, ${mixedLoopP99.toFixed(1)} ms mixed (how much of a latency is the client's)`)

  out('\nhostile clients (mixed phase)')
  out('  ' + describeHostile('dribbling imports', hostile.dribblers))
  out('  ' + describeHostile('idle connections', hostile.idle))

  const readyP99 = mixed.get('health-ready')?.percentile(99)
  const rss = (m: { rssMb: number, peakMb: number } | undefined) => m === undefined ? 'n/a' : `${m.rssMb.toFixed(0)} MiB`
  const maxRss = Math.max(...samples5s.map((s) => s.rssMb))
  const meanLoad = samples5s.length === 0 ? NaN : samples5s.reduce((sum, s) => sum + s.load, 0) / samples5s.length
  out('\ntarget process and database')
  out(`  /health/ready p99 under mixed load: ${ms(readyP99)} ms (aim < ${AIMS.readyP99Ms} ms)`)
  out(`  RSS: ${rss(start.memory)} at the start of the mixed phase, ${rss(endNow.memory)} as it ended, ${rss(end.memory)} 5 s later; ` +
    `highest sampled ${Number.isFinite(maxRss) ? maxRss.toFixed(0) : 'n/a'} MiB, process peak (VmHWM) ${end.memory?.peakMb.toFixed(0) ?? 'n/a'} MiB; growth ${memoryGrowth.toFixed(1)} % (aim < ${AIMS.rssGrowthPct} %)`)
  const trend = samples5s.filter((_, i) => (i + 1) % 6 === 0).map((x) => `${x.seconds.toFixed(0)} s ${x.rssMb.toFixed(0)}`)
  const half = samples5s.find((x) => x.seconds >= mixedSeconds / 2)
  const secondHalfGrowth = half !== undefined && end.memory !== undefined ? (end.memory.rssMb - half.rssMb) / half.rssMb * 100 : NaN
  const medianRss = (from: number, to: number) => medianAndMax(samples5s.filter((x) => x.seconds > from && x.seconds <= to).map((x) => x.rssMb)).median
  const firstMinute = medianRss(0, 60)
  const lastMinute = medianRss(mixedSeconds - 60, mixedSeconds)
  out(`  RSS every 30 s of the mixed phase (MiB): ${trend.join(', ') || 'n/a'}; growth over its second half ${secondHalfGrowth.toFixed(1)} %; ` +
    `median of its first minute ${firstMinute.toFixed(0)} MiB, of its last ${lastMinute.toFixed(0)} MiB (${((lastMinute - firstMinute) / firstMinute * 100).toFixed(1)} %): warm-up, garbage collection or a leak?`)
  const conn = (x: { open: number, active: number, idleInTransaction: number }) => `${x.open} open (${x.active} active, ${x.idleInTransaction} idle in transaction)`
  out(`  connections to its database: ${conn(start.connections)} at the start, ${conn(endNow.connections)} as it ended, ${conn(end.connections)} 5 s later; ` +
    `most open in a sample ${Math.max(0, ...samples5s.map((s) => s.open))}, most active ${Math.max(0, ...samples5s.map((s) => s.active))} (pools: ${c.dbPoolSize} + ${String(settingOf(c, 'dbReservedPoolSize') ?? 0)} reserved)`)
  out(`  load average (1 min, 2 cores shared with others): ${aloneLoad.length === 0 ? 'n/a' : (aloneLoad.reduce((a, b) => a + b, 0) / aloneLoad.length).toFixed(2)} after the alone phases on average, ` +
    `${start.load.toFixed(2)} at the start of the mixed phase, ${meanLoad.toFixed(2)} on average during it (${samples5s.length} samples), ${end.load.toFixed(2)} at its end`)
  out(`  CPU of the target process: ${(aloneCpuShare * 100).toFixed(0)} % of a core over the alone phases, ${(mixedCpuShare * 100).toFixed(0)} % in the mixed phase; the bench's own, ${(benchCpuShare * 100).toFixed(0)} % in the mixed phase`)
  out(`  feed chain: ${chain.ok ? 'verifies' : 'DOES NOT VERIFY'}: ${chain.detail} (src/feed/verify-chain.ts over GET /v1/feed, the target's JWKS)`)
  out(`  audit trail (npm run cli -- audit verify): ${audit.code === 0 ? 'verifies' : `FAILS (exit ${audit.code})`}: ${(audit.stdout + audit.stderr).trim().split('\n').at(-1) ?? ''}`)
  out(`  the peer's copy of the target: cursor ${peerView?.cursor ?? 'n/a'} of head ${head.seq}, ${peerView?.verificationFailures ?? 'n/a'} verification failures, last error ${peerView?.lastErrorCode ?? 'none'}`)
  out(`  the peer at the target: ${peerAtTarget.status}, cursor ${peerAtTarget.sync.cursor} (pushed entries stored)`)

  const log = await summariseLog(targetProcess.logFile, windows)
  out(`\ntarget log: ${log.lines} lines (${[...log.byLevel.entries()].map(([k, n]) => `${k} ${n}`).join(', ')}), responses logged with a 5xx status: ${log.responses5xx.size === 0 ? 'none' : [...log.responses5xx.entries()].map(([k, n]) => `${k} x${n}`).join(', ')} (a 503 with Retry-After is the busy answer)`)
  for (const [message, n] of [...log.problems.entries()].sort(([, a], [, b]) => b - a).slice(0, 15)) out(`  ${String(n).padStart(6)}  ${message}`)
  for (const example of log.examples) out(`  not JSON: ${example}`)
  out('\nserver-side time of served requests, ms (fastify\'s responseTime in the target\'s log: from the request read to the answer sent; feed and feed-head include the peer\'s own sync requests when mixed)')
  out(`  ${'class'.padEnd(13)} ${'n alone'.padStart(7)} ${'n mixed'.padStart(7)}   ${'p50 alone'.padStart(9)} ${'mixed'.padStart(7)}   ${'p95 alone'.padStart(9)} ${'mixed'.padStart(7)}   ${'p99 alone'.padStart(9)} ${'mixed'.padStart(7)}`)
  for (const cls of classes) {
    const a = log.serverMs.get(`alone:${cls.name}`) ?? new PhaseStats()
    const m = log.serverMs.get(`mixed:${cls.name}`) ?? new PhaseStats()
    out(`  ${cls.name.padEnd(13)} ${String(a.servedMs.length).padStart(7)} ${String(m.servedMs.length).padStart(7)}   ${[50, 95, 99].map((p) => `${ms(a.percentile(p)).padStart(9)} ${ms(m.percentile(p)).padStart(7)}`).join('   ')}`)
  }
  const loops = await loopDelays(loopFile, windows)
  const loop = (phase: string) => {
    const l = loops.get(phase)
    return l === undefined ? 'n/a' : `longest ${l.maxMs.toFixed(0)} ms, ${l.over100} of ${l.seconds} s with a delay ≥ 100 ms, mean ${l.meanMs.toFixed(1)} ms`
  }
  out(`\nthe target's event loop (bench/lib/loop-monitor.mjs: per second, resolution 10 ms, so an idle loop reads ~10 ms): mixed phase: ${loop('mixed')}`)
  for (const cls of classes) out(`  alone ${cls.name.padEnd(13)} ${loop(cls.name)}`)

  // --- verdict -------------------------------------------------------------------------------------
  const fivexx = [...mixed.entries(), ...alone.entries()].flatMap(([name, s]) => [...s.counts.entries()].filter(([k]) => isServerFailure(k)).map(([k, n]) => `${name} ${k} x${n}`))
  const unanswered = [...mixed.entries(), ...alone.entries()].flatMap(([name, s]) => [...s.counts.entries()].filter(([k]) => !/^\d{3}/.test(k)).map(([k, n]) => `${name} ${k} x${n}`))
  const unserved = classes.filter((cls) => [...(mixed.get(cls.name)?.counts.keys() ?? [])].every((k) => !isServed(k))).map((cls) => cls.name)
  if (fivexx.length > 0) failures.push(`5xx: ${fivexx.join(', ')}`)
  if (unanswered.length > 0) failures.push(`no answer: ${unanswered.join(', ')}`)
  if (unserved.length > 0) failures.push(`never served under mixed load: ${unserved.join(', ')}`)
  if (readyP99 === undefined || readyP99 >= AIMS.readyP99Ms) failures.push(`/health/ready p99 ${ms(readyP99)} ms`)
  if (!(memoryGrowth < AIMS.rssGrowthPct)) failures.push(`RSS growth ${memoryGrowth.toFixed(1)} %`)
  if (ratioFailures.length > 0) failures.push(`ratios ≥ ${AIMS.ratio}: ${ratioFailures.join(', ')}`)
  if (!chain.ok) failures.push('feed chain does not verify')
  if (audit.code !== 0) failures.push('audit trail does not verify')
  verdictLines.push(`no 5xx: ${fivexx.length === 0 ? 'yes' : 'NO'}; /health/ready p99 ${ms(readyP99)} ms; RSS growth ${memoryGrowth.toFixed(1)} %; ` +
    `worst ratio ${ratioFailures.length === 0 ? `under ${AIMS.ratio}` : ratioFailures.slice(0, 1).join('')}; feed chain ${chain.ok ? 'verifies' : 'broken'}`)
} catch (err) {
  incomplete = err instanceof Error ? err.message : String(err)
} finally {
  for (const step of cleanup) await step().catch((err: unknown) => note(`cleanup: ${String(err)}`))
}

out('')
if (incomplete !== undefined) {
  out(`VERDICT: INCOMPLETE: the run could not complete: ${incomplete}`)
  process.exitCode = 1
} else if (failures.length === 0) {
  out(`VERDICT: PASS against the aims (no 5xx, /health/ready p99 < ${AIMS.readyP99Ms} ms, RSS growth < ${AIMS.rssGrowthPct} %, every ratio < ${AIMS.ratio}): ${verdictLines.join(' ')}`)
} else {
  out(`VERDICT: FAIL against the aims: ${failures.join('; ')}`)
}
