import { alertDeliveryHandlers } from '../alerts/index.js'
import { consultationDeps, MESSAGE_TOPIC, messageDelivery } from '../consultations/index.js'
import { DEFAULT_OUTBOX_OPTIONS, drainOutbox as drain, type DrainOutcome, type OutboxHandlers } from '../outbox/index.js'
import type { UseCaseContext } from './context.js'

// The one durable retry mechanism (src/outbox) sends what every capability queues: each
// topic's handler is registered here, the one place, so the job, the CLI, the demo and the
// tests all send with the same handlers.

type OutboxContext = Pick<UseCaseContext, 'db' | 'config' | 'clock' | 'keyRing' | 'logger'>

/** The outbox's handlers by topic: alerts to webhooks and by e-mail; our consultation messages to the peers' inboxes. */
export function outboxHandlers (ctx: OutboxContext): OutboxHandlers {
  const { config } = ctx
  return {
    ...alertDeliveryHandlers({
      db: ctx.db,
      self: config.agency.id,
      agencyName: config.agency.name,
      publicUrl: config.agency.publicUrl,
      clock: ctx.clock,
      keyRing: ctx.keyRing,
      logger: ctx.logger,
      privateAddresses: config.sync.privateAddresses,
      limits: { connectTimeoutMs: config.sync.connectTimeoutMs, responseTimeoutMs: Math.min(config.sync.responseTimeoutMs, 15_000) },
      alerts: config.alerts
    }),
    [MESSAGE_TOPIC]: messageDelivery(consultationDeps(config, ctx))
  }
}

/** Sends what the outbox holds that is due, now (the CLI, tests, the demo). */
export async function drainOutbox (ctx: OutboxContext, signal?: AbortSignal) {
  return drain({ db: ctx.db, clock: ctx.clock, logger: ctx.logger }, outboxHandlers(ctx), DEFAULT_OUTBOX_OPTIONS, signal)
}

/**
 * The outbox job's run: sends what is due, with one set of handlers (one SMTP transport) for
 * as long as the job lives. Logs each attempt's failure with `ctx.logger`.
 */
export function outboxSender (ctx: OutboxContext): (signal: AbortSignal) => Promise<DrainOutcome> {
  const handlers = outboxHandlers(ctx)
  return (signal) => drain({ db: ctx.db, clock: ctx.clock, logger: ctx.logger }, handlers, DEFAULT_OUTBOX_OPTIONS, signal)
}
