export { runBackgroundJobs, backgroundJobs, type BackgroundJobName, type JobDeps } from './run-background-jobs.js'
