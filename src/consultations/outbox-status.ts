import type { Db } from '../db/create-db.js'
import { failingItems } from '../outbox/index.js'
import { MESSAGE_TOPIC } from './deliver.js'

/** A message we sent that a peer has not taken yet, after at least one failed delivery. */
export interface FailingDelivery {
  messageId: string
  consultationId: string
  receiver: string
  kind: string
  sentAt: Date
  attempts: number
  lastError: string | null
  /** When the outbox tries it next. */
  nextAttemptAt: Date | null
}

/**
 * Up to `limit` of our messages still waiting in the outbox after a failed delivery, most
 * attempts first, for administrators: the outbox's item (attempts, last error, next attempt)
 * with the message it delivers (to whom, what, when sent). How many wait, are due or were
 * refused is the outbox's per-topic status (`outboxStatus`, topic `MESSAGE_TOPIC`).
 */
export async function failingDeliveries (db: Db, limit = 10): Promise<FailingDelivery[]> {
  const items = await failingItems(db, MESSAGE_TOPIC, limit)
  if (items.length === 0) return []
  const ids = items.map((i) => (i.payload as { messageId: string }).messageId)
  const messages = new Map((await db.selectFrom('consultation_messages').select(['id', 'consultation_id', 'receiver', 'kind', 'sent_at'])
    .where('id', 'in', ids).execute()).map((m) => [m.id, m]))
  return items.flatMap((item) => {
    const message = messages.get((item.payload as { messageId: string }).messageId)
    if (message === undefined) return []
    return [{
      messageId: message.id,
      consultationId: message.consultation_id,
      receiver: message.receiver,
      kind: message.kind,
      sentAt: new Date(message.sent_at),
      attempts: item.attempts,
      lastError: item.lastError,
      nextAttemptAt: item.nextAttemptAt
    }]
  })
}
