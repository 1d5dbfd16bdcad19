// The one durable retry mechanism (issue 14, docs/alerts.md): what the agency sends out,
// queued in the transaction that decides it, sent and retried by a background job. Owns outbox.
export {
  DEFAULT_OUTBOX_OPTIONS, drainOutbox, enqueue, failingItems, outboxStatus, sendNow,
  type Attempt, type DrainOutcome, type FailingItem, type OutboxHandler, type OutboxHandlers, type OutboxItem, type OutboxOptions, type OutboxTopic, type OutboxTopicStatus, type Settled
} from './outbox.js'
