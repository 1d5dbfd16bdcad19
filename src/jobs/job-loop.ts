import { performance } from 'node:perf_hooks'
import type { Logger } from 'pino'
import type { Db } from '../db/create-db.js'
import type { Clock } from '../lib/clock.js'
import { sleepUnlessAborted } from '../lib/sleep.js'
import { recordJobRun } from './job-runs.js'

/** A started job: one run (what is due now, then it returns), and the waits after a run and after a failed one. */
export interface JobLoop {
  run: (signal: AbortSignal) => Promise<void>
  pauseMs: number
  retryMs: number
}

interface LoopDeps { db: Db, clock: Clock, log: Logger }

/**
 * Runs `loop` now and again after each pause until `signal` aborts, then resolves once the run
 * under way has ended. A failed run (the database not up yet, a dropped connection) is logged
 * with `failure` and retried after `retryMs`: never fatal, never rejects.
 */
export async function runJobLoop (deps: LoopDeps, job: string, failure: string, loop: JobLoop, signal: AbortSignal): Promise<void> {
  while (!signal.aborted) {
    const ok = await runJobOnce(deps, job, failure, loop, signal)
    // the signal may have aborted while the run was under way: this returns at once then
    await sleepUnlessAborted(ok ? loop.pauseMs : loop.retryMs, signal)
  }
}

/**
 * One run of `loop`, timed and added to the job's row of job_runs, whichever way it ends; a
 * failure is logged, not thrown. A run that cannot be recorded (the database down) is logged
 * too, and the job carries on.
 */
export async function runJobOnce (deps: LoopDeps, job: string, failure: string, loop: JobLoop, signal: AbortSignal): Promise<boolean> {
  const started = performance.now()
  let ok = true
  try {
    await loop.run(signal)
  } catch (err) {
    ok = false
    deps.log.error({ err, retryInMs: loop.retryMs }, failure)
  }
  const seconds = (performance.now() - started) / 1000
  try {
    await recordJobRun(deps.db, job, { ok, at: deps.clock.now(), seconds })
  } catch (err) {
    deps.log.warn({ err }, 'could not record the job\'s run')
  }
  return ok
}
