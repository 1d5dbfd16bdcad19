import { sql, type Kysely } from 'kysely'

// Issue 15: the background jobs' runs, for the metrics. Every process that runs jobs (the
// worker, the server with SYNC_IN_PROCESS, cli sync --follow, the demo) adds each run of each
// job to its one row here, so that any API's /metrics shows the jobs of every process: one row
// a job, counters and the last run, not a row a run (the sync job runs about once a second when
// idle). Owner: src/jobs.
export async function up (db: Kysely<any>): Promise<void> {
  await sql`create table job_runs (
    job text primary key,
    runs bigint not null default 0,
    failures bigint not null default 0,
    last_run_at timestamptz not null,
    last_duration_seconds double precision not null,
    last_success_at timestamptz,
    last_failure_at timestamptz
  )`.execute(db)
}

export async function down (db: Kysely<any>): Promise<void> {
  await sql`drop table job_runs`.execute(db)
}
