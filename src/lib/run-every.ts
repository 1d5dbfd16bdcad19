import type { Logger } from 'pino'
import { sleepUnlessAborted } from './sleep.js'

/** After a failed run, the next comes this soon (or at the interval, if shorter): not a day later. */
const RETRY_MS = 60_000

/**
 * Runs `run` now and then every `intervalMs` until `signal` aborts, then resolves once the run
 * under way has ended. A failed run (the database not up yet, a dropped connection) is logged
 * with `failure` and retried after a minute; never fatal, never rejects: a background job's loop.
 */
export async function runEvery (intervalMs: number, signal: AbortSignal, log: Logger, failure: string, run: () => Promise<void>): Promise<void> {
  while (!signal.aborted) {
    let nextMs = intervalMs
    try {
      await run()
    } catch (err) {
      nextMs = Math.min(intervalMs, RETRY_MS)
      log.error({ err, retryInMs: nextMs }, failure)
    }
    // the signal may have aborted while the run was under way: this returns at once then
    await sleepUnlessAborted(nextMs, signal)
  }
}
