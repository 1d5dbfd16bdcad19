import { runWorker } from '../sync/index.js'
import { agencySyncContext, runAlertWatch, runDetectionBacklog, runLapseReevaluation, runOutbox, runWitnessJob, type UseCaseContext } from '../use-cases/index.js'

/** What the jobs need of the wired services (the use cases' context); `wireServices` returns a superset. */
export type JobDeps = UseCaseContext

/** Runs until `signal` aborts, then resolves once its current run has ended; logs a failed run and carries on, never rejects. */
type Job = (deps: JobDeps, signal: AbortSignal) => Promise<void>

const DAY_MS = 24 * 60 * 60 * 1000
const syncIntervalMs = (config: JobDeps['config']) => config.sync.intervalSeconds * 1000
const outboxIntervalMs = (config: JobDeps['config']) => config.alerts.outboxIntervalSeconds * 1000

/** A background job: how often it runs (from the configuration) and its loop. */
interface JobDefinition {
  everyMs: (config: JobDeps['config']) => number
  run: Job
}

/**
 * Every background job of an agency. Adding one is adding an entry here: every entry point that
 * runs jobs runs this list, and the administrators' page lists it. Pushes are not here: each
 * publish starts its own, in the process that published (the API's `pusher`).
 */
const JOBS: Readonly<Record<BackgroundJobName, JobDefinition>> = {
  // pull, verify and store the feeds of the peers that are due
  sync: {
    everyMs: syncIntervalMs,
    run: (deps, signal) => {
      const { ctx, options } = agencySyncContext(deps)
      return runWorker(ctx, options, signal)
    }
  },
  // a lapse writes nothing, so the divergences it ends are found by re-evaluating: at start, then daily
  'lapse-reevaluation': {
    everyMs: () => DAY_MS,
    run: (deps, signal) => runLapseReevaluation(deps, DAY_MS, signal)
  },
  // the decisions of a large change (a sync page, an import), detected again with every party searched as screening does
  'detection-backlog': {
    everyMs: syncIntervalMs,
    run: (deps, signal) => runDetectionBacklog(deps, syncIntervalMs(deps.config), signal)
  },
  // what the agency sends out, from the one outbox, retried with backoff: our consultation
  // messages a peer could not take at once, alerts to webhooks and by e-mail
  outbox: {
    everyMs: outboxIntervalMs,
    run: (deps, signal) => runOutbox(deps, outboxIntervalMs(deps.config), signal)
  },
  // the alerts no record's arrival raises: consultations received, deadlines, reviews, divergences, peers
  'alert-watch': {
    everyMs: outboxIntervalMs,
    run: (deps, signal) => runAlertWatch(deps, outboxIntervalMs(deps.config), signal)
  },
  // what every peer holds of every feed (ours included): split views quarantine, our own lost tail is recovered
  witness: {
    everyMs: (config) => config.federation.witnessIntervalSeconds * 1000,
    run: (deps, signal) => runWitnessJob(deps, signal)
  }
}

export type BackgroundJobName = 'sync' | 'lapse-reevaluation' | 'detection-backlog' | 'outbox' | 'alert-watch' | 'witness'

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
  await Promise.all(Object.entries(JOBS).map(async ([job, { run }]) => {
    try {
      await run(deps, signal)
    } catch (err) {
      // a job's loop catches what a run throws; reaching here is a bug, which must not stop the others
      log.error({ err, job }, 'background job ended with an error')
    }
  }))
  log.info('background jobs stopped')
}
