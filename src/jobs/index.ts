export { runBackgroundJobs, type JobDeps } from './run-background-jobs.js'
