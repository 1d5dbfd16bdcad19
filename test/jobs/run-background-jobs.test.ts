import t from 'tap'
import { listJobRuns, runBackgroundJobs, runJob, runJobNow, type JobDeps } from '../../src/jobs/index.js'
import type { Clock } from '../../src/lib/clock.js'
import type { Logger } from 'pino'
import { startAgency, type TestAgency } from '../helpers/agency.js'
import { captureLogs } from '../helpers/capture-logs.js'

/** A clock that aborts `stop` when first read, so inside a run: a job reads the clock once its run has begun. */
function abortingClock (stop: AbortController, when: 'at once' | 'next' = 'at once'): Clock {
  return { now: () => { if (when === 'at once') stop.abort(); else setImmediate(() => stop.abort()); return new Date() } }
}

const jobDeps = (agency: TestAgency, clock: Clock, logger: Logger): JobDeps =>
  ({ config: agency.config, db: agency.db, keyRing: agency.app.keyRing, clock, logger })

t.test('the lapse job, aborted during a run, returns when the run ends (it used to sleep a day: the worker ignored SIGTERM)', async (t) => {
  const agency = await startAgency(t)
  const logs = captureLogs('info')
  const stop = new AbortController()
  await runJob(jobDeps(agency, abortingClock(stop), logs.logger), 'lapse-reevaluation', stop.signal)
  t.match(logs.lines, [{ component: 'lapse-reevaluation', msg: 'lapsed records re-evaluated for divergences and alerts', checked: 0 }], 'the run finished, then the job returned')
  t.match(await listJobRuns(agency.db), [{ job: 'lapse-reevaluation', runs: 1, failures: 0 }], 'and its run was recorded')
})

t.test('a failed lapse run is retried within a minute, not a day later', async (t) => {
  const agency = await startAgency(t)
  const logs = captureLogs('info')
  const stop = new AbortController()
  const failing: Clock = { now: () => { stop.abort(); throw new Error('the clock fails, and the job is stopped meanwhile') } }
  await runJob(jobDeps(agency, failing, logs.logger), 'lapse-reevaluation', stop.signal)
  t.match(logs.lines, [
    { msg: 're-evaluating lapsed records failed; retrying', retryInMs: 60_000, err: { message: /the clock fails/ } },
    { msg: 'could not record the job\'s run', err: { message: /the clock fails/ } }
  ], 'the failure is logged; so is the run that could not be recorded, and the job carries on')
})

t.test('each run is added to the job\'s row of job_runs: runs, failures, the last success and the last duration', async (t) => {
  const agency = await startAgency(t)
  const logs = captureLogs('info')
  let reads = 0
  // the run's first read of the clock fails; the recording's read does not
  const failingOnce: Clock = { now: () => { if (reads++ === 0) throw new Error('the clock fails once'); return new Date('2026-12-08T10:00:00Z') } }
  t.equal(await runJobNow(jobDeps(agency, failingOnce, logs.logger), 'lapse-reevaluation'), false, 'the first run fails')
  t.match(await listJobRuns(agency.db), [{ job: 'lapse-reevaluation', runs: 1, failures: 1, lastSuccessAt: null, lastFailureAt: new Date('2026-12-08T10:00:00Z') }])
  const later = new Date('2026-12-08T11:00:00Z')
  t.equal(await runJobNow(jobDeps(agency, { now: () => later }, logs.logger), 'lapse-reevaluation'), true, 'the second succeeds')
  const [row] = await listJobRuns(agency.db)
  t.match(row, { job: 'lapse-reevaluation', runs: 2, failures: 1, lastRunAt: later, lastSuccessAt: later, lastFailureAt: new Date('2026-12-08T10:00:00Z') })
  t.ok(row !== undefined && row.lastDurationSeconds > 0 && row.lastDurationSeconds < 60, `its duration, in seconds (${row?.lastDurationSeconds ?? ''})`)
})

t.test('every job starts, and all stop once the signal aborts, during their first runs, each recorded', async (t) => {
  const agency = await startAgency(t)
  const logs = captureLogs('info')
  const stop = new AbortController()
  // aborted just after the first job reads the clock: by then all have started their runs
  await runBackgroundJobs(jobDeps(agency, abortingClock(stop, 'next'), logs.logger), stop.signal)
  t.ok(stop.signal.aborted)
  const lines = logs.lines
  const messages = lines.map((l) => l.msg)
  t.match(lines.find((l) => l.msg === 'background jobs started'), { jobs: ['sync', 'lapse-reevaluation', 'detection-backlog', 'outbox', 'alert-watch', 'witness', 'audit-anchor'] })
  t.ok(messages.includes('lapsed records re-evaluated for divergences and alerts'), 'the lapse re-evaluation ran once')
  t.same((await listJobRuns(agency.db)).map((r) => [r.job, r.runs, r.failures]), [
    ['alert-watch', 1, 0], ['audit-anchor', 1, 0], ['detection-backlog', 1, 0], ['lapse-reevaluation', 1, 0], ['outbox', 1, 0], ['sync', 1, 0], ['witness', 1, 0]
  ], 'each job ran once, and its run is in job_runs')
  t.equal(messages.at(-1), 'background jobs stopped', 'resolves once all have stopped')
})

t.test('with the signal aborted already, nothing runs', async (t) => {
  const agency = await startAgency(t)
  const logs = captureLogs('info')
  await runBackgroundJobs(jobDeps(agency, { now: () => new Date() }, logs.logger), AbortSignal.abort())
  const lines = logs.lines
  t.notOk(lines.some((l) => l.msg === 'lapsed records re-evaluated for divergences and alerts'))
  t.equal(lines.at(-1)?.msg, 'background jobs stopped')
  t.same(await listJobRuns(agency.db), [], 'and no run is recorded')
})
