import type { Logger } from 'pino'
import { newWorkerId, runOneRound } from '../sync/index.js'
import { agencySyncContext, anchorAuditTrail, drainDetectionBacklog, outboxSender, reevaluateLapsed, watchForAlerts, witnessRound, type UseCaseContext } from '../use-cases/index.js'
import { runJobLoop, runJobOnce, type JobLoop } from './job-loop.js'

/** What the jobs need of the wired services (the use cases' context); `wireServices` returns a superset. */
export type JobDeps = UseCaseContext

const DAY_MS = 24 * 60 * 60 * 1000
const syncIntervalMs = (config: JobDeps['config']) => config.sync.intervalSeconds * 1000
const outboxIntervalMs = (config: JobDeps['config']) => config.alerts.outboxIntervalSeconds * 1000
const witnessIntervalMs = (config: JobDeps['config']) => config.federation.witnessIntervalSeconds * 1000
const anchorIntervalMs = (config: JobDeps['config']) => config.federation.auditAnchorIntervalSeconds * 1000

/** A background job: how often it runs (from the configuration), what a failed run logs, and how to start its loop. */
interface JobDefinition {
  everyMs: (config: JobDeps['config']) => number
  failure: string
  /** Its loop's state (handlers, a worker id) made once, and its run; `log` carries `component: <job>`. */
  start: (deps: JobDeps, log: Logger) => JobLoop
}

/** A run every `everyMs`, or within a minute after a failure. */
const every = (everyMs: number, run: JobLoop['run']): JobLoop => ({ run, pauseMs: everyMs, retryMs: Math.min(everyMs, 60_000) })

/**
 * Every background job of an agency. Adding one is adding an entry here: every entry point that
 * runs jobs runs this list (each run counted in job_runs), and the administrators' page lists it.
 * Pushes are not here: each publish starts its own, in the process that published (the API's `pusher`).
 */
const JOBS: Readonly<Record<BackgroundJobName, JobDefinition>> = {
  // pull, verify and store the feeds of the peers that are due: a run is rounds until none is,
  // then the sync looks again after a second (a peer's next round is due SYNC_INTERVAL_SECONDS
  // after its last); a run that throws (the database down) is retried after five
  sync: {
    everyMs: syncIntervalMs,
    failure: 'sync loop error (database unavailable?); retrying',
    start: (deps) => {
      const { ctx, options } = agencySyncContext(deps)
      const owner = newWorkerId()
      return {
        run: async (signal) => {
          let round
          do round = await runOneRound(ctx, options, owner)
          while (round !== undefined && !signal.aborted)
        },
        pauseMs: options.idleMs,
        retryMs: options.idleMs * 5
      }
    }
  },
  // a lapse writes nothing, so the divergences it ends are found by re-evaluating: at start, then daily
  'lapse-reevaluation': {
    everyMs: () => DAY_MS,
    failure: 're-evaluating lapsed records failed; retrying',
    start: (deps, log) => every(DAY_MS, async () => {
      const { opened, updated, resolved, checked, alertRecords } = await reevaluateLapsed(deps)
      log.info({ opened, updated, resolved, checked, alertRecords }, 'lapsed records re-evaluated for divergences and alerts')
    })
  },
  // the decisions of a large change (a sync page, an import), detected again with every party searched as screening does
  'detection-backlog': {
    everyMs: syncIntervalMs,
    failure: 'detecting the queued decisions failed; retrying',
    start: (deps, log) => every(syncIntervalMs(deps.config), async (signal) => {
      const outcome = await drainDetectionBacklog(deps, signal)
      if (outcome.detected > 0) log.info(outcome, 'queued decisions detected again, every party searched as screening does')
    })
  },
  // what the agency sends out, from the one outbox, retried with backoff: our consultation
  // messages a peer could not take at once, alerts to webhooks and by e-mail
  outbox: {
    everyMs: outboxIntervalMs,
    failure: 'sending from the outbox failed; retrying',
    start: (deps, log) => {
      const send = outboxSender({ ...deps, logger: log })
      return every(outboxIntervalMs(deps.config), async (signal) => {
        const outcome = await send(signal)
        if (outcome.delivered + outcome.failed + outcome.refused + outcome.givenUp > 0) log.info(outcome, 'outbox drained')
      })
    }
  },
  // the alerts no record's arrival raises: consultations received, deadlines, reviews, divergences, peers
  'alert-watch': {
    everyMs: outboxIntervalMs,
    failure: 'watching for alerts failed; retrying',
    start: (deps, log) => every(outboxIntervalMs(deps.config), async () => {
      const outcome = await watchForAlerts(deps)
      if (outcome.raised > 0) log.info(outcome, 'alerts raised')
    })
  },
  // what every peer holds of every feed, ours included (docs/federation.md): a split view
  // quarantines the peer; what a peer holds of our feed beyond our head is recovered; while
  // publishing is held (a start after a restore), it looks again within seconds
  witness: {
    everyMs: witnessIntervalMs,
    failure: 'the witness round failed; retrying',
    start: (deps, log) => {
      const intervalMs = witnessIntervalMs(deps.config)
      const loop = every(intervalMs, async () => {
        const { witnesses, recovery } = await witnessRound(deps)
        if (witnesses.splitViews.length > 0) log.error({ peers: witnesses.splitViews }, 'split view: peers quarantined')
        if (recovery !== undefined && recovery.status !== 'up-to-date') log.warn({ status: recovery.status, from: recovery.from, to: recovery.to, hold: recovery.hold }, 'feed recovery run')
        loop.pauseMs = recovery?.hold === null || recovery?.hold === undefined ? intervalMs : Math.min(intervalMs, 2000)
      })
      return loop
    }
  },
  // the head of our audit trail, signed into our feed when it moved: a trail cut in the database is then found by `audit verify`
  'audit-anchor': {
    everyMs: anchorIntervalMs,
    failure: 'anchoring the audit trail failed; retrying',
    start: (deps, log) => every(anchorIntervalMs(deps.config), async () => {
      const anchored = await anchorAuditTrail(deps)
      if (anchored !== undefined) log.info(anchored, 'audit trail anchored in our feed')
    })
  }
}

export type BackgroundJobName = 'sync' | 'lapse-reevaluation' | 'detection-backlog' | 'outbox' | 'alert-watch' | 'witness' | 'audit-anchor'

/** The background jobs an agency runs, each with how often it runs under `config` (the administrators' jobs page lists them). */
export function backgroundJobs (config: JobDeps['config']): Array<{ name: BackgroundJobName, everyMs: number }> {
  return (Object.entries(JOBS) as Array<[BackgroundJobName, JobDefinition]>).map(([name, job]) => ({ name, everyMs: job.everyMs(config) }))
}

/**
 * Starts every background job and resolves when all have stopped: after `signal` aborts, each
 * finishes the run it is in (a sync round, an outbox drain, a re-evaluation) and returns, so
 * the caller may then close the database. The one way the server (`SYNC_IN_PROCESS=true`), the
 * worker, `cli sync --follow` and the demo run jobs.
 */
export async function runBackgroundJobs (deps: JobDeps, signal: AbortSignal): Promise<void> {
  const log = deps.logger.child({ component: 'jobs' })
  log.info({ jobs: Object.keys(JOBS) }, 'background jobs started')
  await Promise.all((Object.keys(JOBS) as BackgroundJobName[]).map(async (job) => {
    try {
      await runJob(deps, job, signal)
    } catch (err) {
      // a job's loop catches what a run throws; reaching here is a bug, which must not stop the others
      log.error({ err, job }, 'background job ended with an error')
    }
  }))
  log.info('background jobs stopped')
}

/** One job's loop, as `runBackgroundJobs` runs it: a run now, then one after each pause until `signal` aborts. */
export async function runJob (deps: JobDeps, job: BackgroundJobName, signal: AbortSignal): Promise<void> {
  const { start, failure } = JOBS[job]
  const log = deps.logger.child({ component: job })
  await runJobLoop({ db: deps.db, clock: deps.clock, log }, job, failure, start(deps, log), signal)
}

/** One run of `job`, now, recorded as its loop records each (the tests). Resolves whether it succeeded; a failure is logged, never thrown. */
export async function runJobNow (deps: JobDeps, job: BackgroundJobName, signal: AbortSignal = new AbortController().signal): Promise<boolean> {
  const { start, failure } = JOBS[job]
  const log = deps.logger.child({ component: job })
  return runJobOnce({ db: deps.db, clock: deps.clock, log }, job, failure, start(deps, log), signal)
}
