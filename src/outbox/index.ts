// The one durable retry mechanism (issue 14, docs/alerts.md): what the agency sends out,
// queued in the transaction that decides it, sent and retried by a background job. Owns outbox.
export {
  DEFAULT_OUTBOX_OPTIONS, drainOutbox, enqueue, outboxStatus, runOutboxJob,
  type Attempt, type DrainOutcome, type OutboxHandler, type OutboxItem, type OutboxOptions, type OutboxTopicStatus
} from './outbox.js'
