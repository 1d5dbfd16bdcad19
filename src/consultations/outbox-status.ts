import { sql } from 'kysely'
import type { Db } from '../db/create-db.js'

/** A message we sent that a peer has not taken yet, after at least one failed delivery. */
export interface FailingDelivery {
  messageId: string
  consultationId: string
  receiver: string
  kind: string
  sentAt: Date
  attempts: number
  lastError: string | null
  nextAttemptAt: Date | null
}

/** The consultation outbox as the background job leaves it (`runConsultationDelivery`), for administrators. */
export interface OutboxStatus {
  /** Messages still to deliver, and how many of them are due now. */
  waiting: number
  due: number
  /** When the next delivery attempt is due; null when nothing waits. */
  nextAttemptAt: Date | null
  /** When the oldest message still waiting was sent. */
  oldestWaitingSince: Date | null
  /** Messages a peer refused (a 4xx other than 429): they are not retried. */
  refused: number
  /** Up to `limit` waiting messages that failed at least once, most attempts first. */
  failing: FailingDelivery[]
}

/** The outbox's state now: what waits, when it is retried, the failures and refusals. */
export async function outboxStatus (db: Db, now: Date, limit = 10): Promise<OutboxStatus> {
  const [counts, failing] = await Promise.all([
    db.selectFrom('consultation_messages')
      .select((eb) => [
        sql<string>`count(*) filter (where ${eb.ref('delivery')} = 'pending')`.as('waiting'),
        sql<string>`count(*) filter (where ${eb.ref('delivery')} = 'pending' and ${eb.ref('next_attempt_at')} <= ${now})`.as('due'),
        sql<Date | null>`min(${eb.ref('next_attempt_at')}) filter (where ${eb.ref('delivery')} = 'pending')`.as('next_attempt_at'),
        sql<Date | null>`min(${eb.ref('sent_at')}) filter (where ${eb.ref('delivery')} = 'pending')`.as('oldest'),
        sql<string>`count(*) filter (where ${eb.ref('delivery')} = 'refused')`.as('refused')
      ])
      .where('delivery', 'in', ['pending', 'refused'])
      .executeTakeFirstOrThrow(),
    db.selectFrom('consultation_messages')
      .select(['id', 'consultation_id', 'receiver', 'kind', 'sent_at', 'attempts', 'last_error', 'next_attempt_at'])
      .where('delivery', '=', 'pending').where('attempts', '>', 0)
      .orderBy('attempts', 'desc').orderBy('sent_at').limit(limit)
      .execute()
  ])
  const instant = (value: Date | string | null) => value === null ? null : new Date(value)
  return {
    waiting: Number(counts.waiting),
    due: Number(counts.due),
    nextAttemptAt: instant(counts.next_attempt_at),
    oldestWaitingSince: instant(counts.oldest),
    refused: Number(counts.refused),
    failing: failing.map((m) => ({
      messageId: m.id,
      consultationId: m.consultation_id,
      receiver: m.receiver,
      kind: m.kind,
      sentAt: new Date(m.sent_at),
      attempts: m.attempts,
      lastError: m.last_error,
      nextAttemptAt: instant(m.next_attempt_at)
    }))
  }
}
