import { Counter, Gauge, type Registry } from 'prom-client'
import { countUnacknowledgedAlerts } from '../alerts/index.js'
import { countOverdueConsultations } from '../consultations/index.js'
import { countOutstandingDivergences } from '../divergence/index.js'
import { listJobRuns } from '../jobs/index.js'
import { outboxStatus } from '../outbox/index.js'
import { todayOf } from '../records/index.js'
import { peerSource } from './peer-metrics.js'
import { source, type Source } from './source.js'

const seconds = (date: Date) => date.getTime() / 1000

/** The counts from the database, in the order they are read at a scrape. */
export function databaseSources (registry: Registry): Source[] {
  const gauge = (name: string, help: string, labelNames: readonly string[]) => new Gauge({ name, help, labelNames, registers: [registry] })
  const counter = (name: string, help: string, labelNames: readonly string[]) => new Counter({ name, help, labelNames, registers: [registry] })

  const outbox = {
    pending: gauge('reciprocity_outbox_pending', 'Outbox items waiting to be sent (due now or retried later), by topic.', ['topic']),
    failing: gauge('reciprocity_outbox_failing', 'Outbox items waiting after at least one failed attempt, by topic.', ['topic']),
    refused: gauge('reciprocity_outbox_refused', 'Outbox items refused for good by their receiver (a 4xx), by topic.', ['topic']),
    givenUp: gauge('reciprocity_outbox_given_up', 'Outbox items given up after their last attempt, by topic.', ['topic']),
    oldestAge: gauge('reciprocity_outbox_oldest_pending_age_seconds', 'Age of the oldest item waiting to be sent, by topic (0 when none waits).', ['topic'])
  }
  const jobs = {
    runs: counter('reciprocity_job_runs_total', 'Runs of each background job, in every process that runs jobs.', ['background_job']),
    failures: counter('reciprocity_job_failures_total', 'Failed runs of each background job, in every process that runs jobs.', ['background_job']),
    lastRun: gauge('reciprocity_job_last_run_timestamp_seconds', 'Unix time the last run of the job ended.', ['background_job']),
    lastSuccess: gauge('reciprocity_job_last_success_timestamp_seconds', 'Unix time the last successful run of the job ended.', ['background_job']),
    lastDuration: gauge('reciprocity_job_last_run_duration_seconds', 'How long the last run of the job took.', ['background_job'])
  }
  const alerts = gauge('reciprocity_alerts_unacknowledged', 'Alerts nobody has acknowledged yet, by kind.', ['kind'])
  const divergences = gauge('reciprocity_divergences_open', 'Divergences awaiting an auditor (open, acknowledged, escalated), by state and severity.', ['state', 'severity'])
  const consultations = gauge('reciprocity_consultations_overdue', 'Consultations awaiting the consulted agency\'s reply past their deadline (outgoing: an ally owes us; incoming: we owe).', ['direction'])

  return [
    source('outbox', Object.values(outbox), (db, now) => outboxStatus(db, now), (topics, now) => {
      for (const t of topics) {
        const topic = { topic: t.topic }
        outbox.pending.set(topic, t.waiting)
        outbox.failing.set(topic, t.failing)
        outbox.refused.set(topic, t.refused)
        outbox.givenUp.set(topic, t.givenUp)
        outbox.oldestAge.set(topic, t.oldestWaitingSince === null ? 0 : Math.max(0, seconds(now) - seconds(t.oldestWaitingSince)))
      }
    }),
    source('jobs', Object.values(jobs), (db) => listJobRuns(db), (runs) => {
      for (const r of runs) {
        // not `job`: Prometheus gives every series a target label of that name
        const job = { background_job: r.job }
        jobs.runs.inc(job, r.runs)
        jobs.failures.inc(job, r.failures)
        jobs.lastRun.set(job, seconds(r.lastRunAt))
        if (r.lastSuccessAt !== null) jobs.lastSuccess.set(job, seconds(r.lastSuccessAt))
        jobs.lastDuration.set(job, r.lastDurationSeconds)
      }
    }),
    source('alerts', [alerts], (db) => countUnacknowledgedAlerts(db), (counts) => {
      for (const { kind, count } of counts) alerts.set({ kind }, count)
    }),
    source('divergences', [divergences], (db) => countOutstandingDivergences(db), (counts) => {
      for (const { state, severity, count } of counts) divergences.set({ state, severity }, count)
    }),
    source('consultations', [consultations], (db, now) => countOverdueConsultations(db, todayOf({ now: () => now })), (counts) => {
      for (const { direction, count } of counts) consultations.set({ direction }, count)
    }),
    peerSource(registry)
  ]
}
