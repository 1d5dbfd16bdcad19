import type { Transaction } from 'kysely'
import type { Database } from '../db/schema.js'
import { HttpFailure, sendHttpRequest } from '../lib/http-client.js'
import { enqueue, sendNow, type Attempt, type OutboxItem, type OutboxTopic } from '../outbox/index.js'
import { findPeer } from '../peers/index.js'
import { signPartnerToken } from '../signing/index.js'
import type { ConsultationDeps } from './types.js'

// Our messages are delivered through the one outbox (src/outbox): queued in the transaction
// that stores them, tried once at once after its commit, then retried by the outbox job with
// the outbox's backoff. This file only sends one message and keeps its row
// (`consultation_messages.delivery`, `attempts`, `last_error`) saying what became of it, for
// the officers; when the next attempt comes is the outbox's alone.

/** The outbox topic of our consultation messages; an item's payload is `{ messageId }`. */
export const MESSAGE_TOPIC = 'consultation-message'

/** The outbox key of a message's delivery: one item per message, however often it is queued. */
export const messageKey = (messageId: string) => `consultation-message ${messageId}`

/** The inbox answers with a small JSON document or a problem; anything longer is cut off. */
const MAX_ANSWER_BYTES = 64 * 1024

/** Queues the delivery of a message of ours just stored (`delivery: pending`), in the transaction that stored it. */
export async function queueDelivery (trx: Transaction<Database>, messageId: string, now: Date): Promise<void> {
  await enqueue(trx, [{ topic: MESSAGE_TOPIC, key: messageKey(messageId), payload: { messageId } }], now)
}

/**
 * The outbox topic that delivers our messages (`MESSAGE_TOPIC`). Never given up: an officer's
 * message is retried until the peer takes it or refuses it, as the officers' view says.
 */
export function messageDelivery (deps: ConsultationDeps): OutboxTopic {
  return { handler: (item) => deliverMessage(deps, item), maxAttempts: Infinity }
}

/**
 * The first attempt at delivering a message just stored, right after its commit: through the
 * outbox (the item is claimed and settled as the job would), so that a failure is retried by
 * the job with the outbox's backoff. Never throws: the message is stored, and the job retries
 * whatever went wrong here.
 */
export async function deliverNow (deps: ConsultationDeps, messageId: string): Promise<void> {
  try {
    await sendNow(deps, { [MESSAGE_TOPIC]: messageDelivery(deps) }, messageKey(messageId))
  } catch (err) {
    deps.logger.warn({ err, component: 'consultation-delivery', message: messageId }, 'the first delivery attempt failed; the outbox retries it')
  }
}

/**
 * Delivers one message we sent (an outbox item of `MESSAGE_TOPIC`) to the receiver's `POST
 * /v1/inbox/consultations`, authenticated with a partner token: `delivered` on 2xx; `refused`,
 * with the peer's problem, on a 4xx other than 429 (the message will not become acceptable by
 * retrying); otherwise `failed`, for the outbox to retry. The message's row is updated first
 * with the outcome (attempts as the outbox counts them), so a message already settled is never
 * sent again. Should the database fail meanwhile, it throws: the outbox counts that a failure.
 */
async function deliverMessage (deps: ConsultationDeps, item: OutboxItem): Promise<Attempt> {
  const { messageId } = item.payload as { messageId: string }
  const message = await deps.db.selectFrom('consultation_messages').select(['id', 'receiver', 'jws', 'delivery', 'last_error'])
    .where('id', '=', messageId).executeTakeFirst()
  if (message === undefined) return { outcome: 'refused', error: `message ${messageId} is not stored` }
  // settled on an earlier attempt whose outbox item was not: say so again, send nothing
  if (message.delivery === 'delivered') return { outcome: 'delivered' }
  if (message.delivery !== 'pending') return { outcome: 'refused', error: message.last_error ?? `the message is ${message.delivery}` }
  const attempts = item.attempts + 1
  const about = { component: 'consultation-delivery', peer: message.receiver, message: message.id, attempt: attempts }
  let failure: string
  let reason: string | undefined
  try {
    const peer = await findPeer(deps.db, message.receiver)
    if (peer === undefined || peer.status !== 'active') {
      failure = peer === undefined ? `${message.receiver} is not an enrolled peer` : `peer ${message.receiver} is ${peer.status}`
    } else {
      const token = await signPartnerToken(await deps.keyRing.current(), { issuer: deps.self, audience: peer.agencyId, lifetimeSeconds: 60 }, deps.clock)
      const response = await sendHttpRequest(`${peer.baseUrl}/v1/inbox/consultations`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify({ jws: message.jws }),
        limits: { connectTimeoutMs: deps.delivery.connectTimeoutMs, responseTimeoutMs: deps.delivery.timeoutMs, maxBytes: MAX_ANSWER_BYTES },
        privateAddresses: deps.privateAddresses
      })
      if (response.status >= 200 && response.status < 300) {
        await record(deps, message.id, { delivery: 'delivered', attempts, last_error: null })
        deps.logger.info({ ...about, status: response.status }, 'consultation message delivered')
        return { outcome: 'delivered' }
      }
      if (response.status >= 400 && response.status < 500 && response.status !== 429) {
        const problem = `${response.status} ${problemDetail(response.body)}`
        await record(deps, message.id, { delivery: 'refused', attempts, last_error: problem })
        deps.logger.warn({ ...about, status: response.status }, 'consultation message refused by the peer')
        return { outcome: 'refused', error: problem }
      }
      failure = `status ${response.status}`
    }
  } catch (err) {
    // what officers see says what failed; the log says how (host, system error)
    failure = err instanceof HttpFailure ? `the peer's inbox could not be reached (${err.kind})` : (err as Error).message
    reason = (err as Error).message
  }
  await record(deps, message.id, { attempts, last_error: failure })
  deps.logger.info({ ...about, failure, reason }, 'consultation message not delivered yet')
  return { outcome: 'failed', error: failure }
}

/** What became of an attempt, on the message's row while it is still pending (the officers' view). */
async function record (deps: ConsultationDeps, id: string, change: { delivery?: 'delivered' | 'refused', attempts: number, last_error: string | null }): Promise<void> {
  await deps.db.updateTable('consultation_messages').set(change).where('id', '=', id).where('delivery', '=', 'pending').execute()
}

function problemDetail (body: string): string {
  try {
    const problem = JSON.parse(body) as { code?: unknown, detail?: unknown }
    return `${String(problem.code ?? '')}: ${String(problem.detail ?? '')}`.slice(0, 2000)
  } catch {
    return body.slice(0, 200)
  }
}
