/**
 * The syncing agency of bench/sync, in a process of its own so that its peak RSS is its own:
 * opens its (already prepared) database, syncs everything the source publishes, and prints
 * `{ entries, seconds, maxRssMb, cpu }` as one JSON line; `cpu` is the CPU seconds the sync
 * took in this process's main thread, its other threads (signature verification on the
 * thread pool, GC helpers), and its PostgreSQL backends. Then the detection backlog the sync's
 * large pages queued, drained for up to BACKLOG_SECONDS: `backlog` says how many decisions were
 * queued, how many it detected again, in how long, at what CPU.
 */
import { sql } from 'kysely'
import { loadConfig } from '../../src/config.js'
import { systemClock } from '../../src/lib/clock.js'
import { createLogger } from '../../src/lib/logger.js'
import { newWorkerId, runOneRound } from '../../src/sync/index.js'
import { agencySyncContext, drainDetectionBacklog } from '../../src/use-cases/index.js'
import { wireServices } from '../../src/wiring.js'
import { cpuOfOwnThreads, cpuOfPids } from './proc-cpu.js'

const config = loadConfig(process.env)
const logger = createLogger({ level: 'warn' })
const deps = await wireServices(config, logger, systemClock)
const { ctx, options } = agencySyncContext({ ...deps, logger })
const source = process.argv[2] as string
const backends = async () => (await sql<{ pid: number }>`select pid from pg_stat_activity where datname = current_database()`.execute(deps.db)).rows.map((r) => r.pid)
const before = { threads: cpuOfOwnThreads(), backends: cpuOfPids(await backends()) }
const started = performance.now()
const outcome = await runOneRound(ctx, options, newWorkerId(), source)
const seconds = (performance.now() - started) / 1000
const threads = cpuOfOwnThreads()
const cpu = { main: threads.main - before.threads.main, otherThreads: threads.others - before.threads.others, backends: cpuOfPids(await backends()) - before.backends }

// the detection backlog: a budget, not the whole queue (a million-entry feed queues a million decisions)
const BACKLOG_SECONDS = Number(process.env.BENCH_BACKLOG_SECONDS ?? 30)
const { rows: [queued] } = await sql<{ n: number }>`select count(*)::int as n from detection_backlog`.execute(deps.db)
const beforeBacklog = { threads: cpuOfOwnThreads(), backends: cpuOfPids(await backends()) }
const backlogStarted = performance.now()
const drained = await drainDetectionBacklog(deps, AbortSignal.timeout(BACKLOG_SECONDS * 1000))
const afterBacklog = cpuOfOwnThreads()
const backlog = {
  queued: queued?.n ?? 0,
  detected: drained.detected,
  seconds: (performance.now() - backlogStarted) / 1000,
  cpu: afterBacklog.main - beforeBacklog.threads.main + afterBacklog.others - beforeBacklog.threads.others + cpuOfPids(await backends()) - beforeBacklog.backends
}
await deps.db.destroy()
if (outcome?.status !== 'synced') {
  process.stderr.write(`sync failed: ${JSON.stringify(outcome)}\n`)
  process.exit(1)
}
process.stdout.write(JSON.stringify({ entries: outcome.result.stored, seconds, maxRssMb: process.resourceUsage().maxRSS / 1024, cpu, backlog }) + '\n')
