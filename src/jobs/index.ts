// The background jobs (docs/architecture.md §1): one loop for each, every run counted in
// job_runs by whichever process ran it. Owns job_runs.
export { runBackgroundJobs, runJob, runJobNow, backgroundJobs, type BackgroundJobName, type JobDeps } from './run-background-jobs.js'
export { listJobRuns, type JobRunsSummary } from './job-runs.js'
