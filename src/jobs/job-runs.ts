import { sql } from 'kysely'
import type { Db } from '../db/create-db.js'

/** One run of a background job, as it ended. */
export interface JobRun {
  ok: boolean
  /** When it ended (the jobs' clock). */
  at: Date
  seconds: number
}

/** A background job's runs in every process that runs jobs, and the last of them. */
export interface JobRunsSummary {
  job: string
  runs: number
  failures: number
  lastRunAt: Date
  lastDurationSeconds: number
  lastSuccessAt: Date | null
  lastFailureAt: Date | null
}

/**
 * Adds one run of `job` to its row of job_runs (made at its first run): one statement, so
 * that processes recording runs of one job at once each add theirs.
 */
export async function recordJobRun (db: Db, job: string, run: JobRun): Promise<void> {
  await db.insertInto('job_runs').values({
    job,
    runs: 1,
    failures: run.ok ? 0 : 1,
    last_run_at: run.at,
    last_duration_seconds: run.seconds,
    last_success_at: run.ok ? run.at : null,
    last_failure_at: run.ok ? null : run.at
  }).onConflict((oc) => oc.column('job').doUpdateSet((eb) => ({
    runs: sql<number>`${eb.ref('job_runs.runs')} + 1`,
    failures: sql<number>`${eb.ref('job_runs.failures')} + ${eb.ref('excluded.failures')}`,
    last_run_at: eb.ref('excluded.last_run_at'),
    last_duration_seconds: eb.ref('excluded.last_duration_seconds'),
    last_success_at: eb.fn.coalesce('excluded.last_success_at', 'job_runs.last_success_at'),
    last_failure_at: eb.fn.coalesce('excluded.last_failure_at', 'job_runs.last_failure_at')
  }))).execute()
}

/** Every job that has run, by name (the metrics). */
export async function listJobRuns (db: Db): Promise<JobRunsSummary[]> {
  const rows = await db.selectFrom('job_runs').selectAll().orderBy('job').execute()
  return rows.map((r) => ({
    job: r.job,
    runs: r.runs,
    failures: r.failures,
    lastRunAt: new Date(r.last_run_at),
    lastDurationSeconds: r.last_duration_seconds,
    lastSuccessAt: r.last_success_at === null ? null : new Date(r.last_success_at),
    lastFailureAt: r.last_failure_at === null ? null : new Date(r.last_failure_at)
  }))
}
