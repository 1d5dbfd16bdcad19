import { sql } from 'kysely'
import { HttpFailure, sendHttpRequest } from '../lib/http-client.js'
import { sleepUnlessAborted } from '../lib/sleep.js'
import { findPeer } from '../peers/index.js'
import { signPartnerToken } from '../signing/index.js'
import { backoffDelayMs } from '../lib/backoff.js'
import type { ConsultationDeps } from './types.js'

export type DeliveryState = 'pending' | 'delivered' | 'refused'

/** The inbox answers with a small JSON document or a problem; anything longer is cut off. */
const MAX_ANSWER_BYTES = 64 * 1024

/**
 * Delivers one message we sent (from the outbox) to the receiver's `POST
 * /v1/inbox/consultations`, authenticated with a partner token: `delivered` on 2xx; `refused`,
 * with the peer's problem, on a 4xx other than 429 (the message will not become acceptable by
 * retrying); otherwise still `pending`, retried after a backoff. Never throws.
 */
export async function deliverMessage (deps: ConsultationDeps, messageId: string): Promise<DeliveryState> {
  const message = await deps.db.selectFrom('consultation_messages').select(['id', 'receiver', 'jws', 'attempts', 'delivery'])
    .where('id', '=', messageId).executeTakeFirst()
  if (message === undefined || message.delivery !== 'pending') return (message?.delivery ?? 'refused') as DeliveryState
  const about = { component: 'consultation-delivery', peer: message.receiver, message: message.id }
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
        await settle(deps, message.id, 'delivered', null)
        deps.logger.info({ ...about, status: response.status }, 'consultation message delivered')
        return 'delivered'
      }
      if (response.status >= 400 && response.status < 500 && response.status !== 429) {
        const problem = `${response.status} ${problemDetail(response.body)}`
        await settle(deps, message.id, 'refused', problem)
        deps.logger.warn({ ...about, status: response.status }, 'consultation message refused by the peer')
        return 'refused'
      }
      failure = `status ${response.status}`
    }
  } catch (err) {
    // what officers see says what failed; the log says how (host, system error)
    failure = err instanceof HttpFailure ? `the peer's inbox could not be reached (${err.kind})` : (err as Error).message
    reason = (err as Error).message
  }
  const delay = backoffDelayMs(message.attempts, { baseMs: deps.delivery.backoffBaseMs, capMs: deps.delivery.backoffCapMs })
  await deps.db.updateTable('consultation_messages').set({
    attempts: message.attempts + 1,
    last_error: failure,
    next_attempt_at: new Date(deps.clock.now().getTime() + delay)
  }).where('id', '=', message.id).where('delivery', '=', 'pending').execute()
  deps.logger.info({ ...about, attempt: message.attempts + 1, failure, reason, retryInMs: Math.round(delay) }, 'consultation message not delivered yet')
  return 'pending'
}

async function settle (deps: ConsultationDeps, id: string, delivery: 'delivered' | 'refused', error: string | null) {
  await deps.db.updateTable('consultation_messages').set({
    delivery, last_error: error, next_attempt_at: null, attempts: sql<number>`attempts + 1`
  }).where('id', '=', id).where('delivery', '=', 'pending').execute()
}

function problemDetail (body: string): string {
  try {
    const problem = JSON.parse(body) as { code?: unknown, detail?: unknown }
    return `${String(problem.code ?? '')}: ${String(problem.detail ?? '')}`.slice(0, 2000)
  } catch {
    return body.slice(0, 200)
  }
}

/** Delivers every pending message whose retry time has come, oldest first; returns how many were delivered. */
export async function deliverDue (deps: ConsultationDeps, limit = 100): Promise<number> {
  const due = await deps.db.selectFrom('consultation_messages').select('id')
    .where('delivery', '=', 'pending').where('next_attempt_at', '<=', deps.clock.now())
    .orderBy('next_attempt_at').limit(limit).execute()
  let delivered = 0
  for (const { id } of due) if (await deliverMessage(deps, id) === 'delivered') delivered += 1
  return delivered
}

/** The worker's outbox loop: delivers due messages every `intervalMs` until `signal` aborts. */
export async function runConsultationDelivery (deps: ConsultationDeps, intervalMs: number, signal: AbortSignal): Promise<void> {
  while (!signal.aborted) {
    try {
      await deliverDue(deps)
    } catch (err) {
      deps.logger.error({ err }, 'consultation delivery round failed')
    }
    await sleepUnlessAborted(intervalMs, signal)
  }
}
