import t from 'tap'
import { runLapseJob } from '../../src/divergence/index.js'
import { runBackgroundJobs } from '../../src/jobs/index.js'
import type { Clock } from '../../src/lib/clock.js'
import { startAgency } from '../helpers/agency.js'
import { captureLogs } from '../helpers/capture-logs.js'

const DAY_MS = 24 * 60 * 60 * 1000

/** A clock that aborts `stop` when first read, so inside a run: a job reads the clock once its run has begun. */
function abortingClock (stop: AbortController, when: 'at once' | 'next' = 'at once'): Clock {
  return { now: () => { if (when === 'at once') stop.abort(); else setImmediate(() => stop.abort()); return new Date() } }
}

t.test('the lapse job, aborted during a run, returns when the run ends (it used to sleep a day: the worker ignored SIGTERM)', async (t) => {
  const agency = await startAgency(t)
  const logs = captureLogs('info')
  const stop = new AbortController()
  await runLapseJob({ db: agency.db, config: agency.config.divergence, clock: abortingClock(stop), logger: logs.logger }, DAY_MS, stop.signal)
  t.match(logs.lines, [{ msg: 'lapsed records re-evaluated for divergences and alerts', checked: 0 }], 'the run finished, then the job returned')
})

t.test('a failed lapse run is retried within a minute, not a day later', async (t) => {
  const agency = await startAgency(t)
  const logs = captureLogs('info')
  const stop = new AbortController()
  const failing: Clock = { now: () => { stop.abort(); throw new Error('the clock fails once, and the job is stopped meanwhile') } }
  await runLapseJob({ db: agency.db, config: agency.config.divergence, clock: failing, logger: logs.logger }, DAY_MS, stop.signal)
  t.match(logs.lines, [{ msg: 're-evaluating lapsed records failed; retrying', retryInMs: 60_000, err: { message: /the clock fails once/ } }])
})

t.test('every job starts, and all stop once the signal aborts, during their first runs', async (t) => {
  const agency = await startAgency(t)
  const logs = captureLogs('info')
  const stop = new AbortController()
  // aborted just after the first job reads the clock: by then all have started their runs
  await runBackgroundJobs({ config: agency.config, db: agency.db, keyRing: agency.app.keyRing, clock: abortingClock(stop, 'next'), logger: logs.logger }, stop.signal)
  t.ok(stop.signal.aborted)
  const lines = logs.lines
  const messages = lines.map((l) => l.msg)
  t.match(lines.find((l) => l.msg === 'background jobs started'), { jobs: ['sync', 'lapse-reevaluation', 'detection-backlog', 'outbox', 'alert-watch'] })
  t.ok(messages.includes('sync worker started') && messages.includes('sync worker stopped'), 'the sync loop ran and stopped')
  t.ok(messages.includes('lapsed records re-evaluated for divergences and alerts'), 'the lapse re-evaluation ran once')
  t.equal(messages.at(-1), 'background jobs stopped', 'resolves once all have stopped')
})

t.test('with the signal aborted already, nothing runs', async (t) => {
  const agency = await startAgency(t)
  const logs = captureLogs('info')
  await runBackgroundJobs({ config: agency.config, db: agency.db, keyRing: agency.app.keyRing, clock: { now: () => new Date() }, logger: logs.logger }, AbortSignal.abort())
  const lines = logs.lines
  t.notOk(lines.some((l) => l.msg === 'lapsed records re-evaluated for divergences and alerts'))
  t.equal(lines.at(-1)?.msg, 'background jobs stopped')
})
