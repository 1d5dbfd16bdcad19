import { sql } from 'kysely'
import { findPeer } from '../peers/index.js'
import { signPartnerToken } from '../signing/index.js'
import { backoffDelayMs } from '../sync/backoff.js'
import type { ConsultationDeps } from './types.js'

export type DeliveryState = 'pending' | 'delivered' | 'refused'

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
  try {
    const peer = await findPeer(deps.db, message.receiver)
    if (peer === undefined || peer.status !== 'active') {
      failure = peer === undefined ? `${message.receiver} is not an enrolled peer` : `peer ${message.receiver} is ${peer.status}`
    } else {
      const token = await signPartnerToken(await deps.keyRing.current(), { issuer: deps.self, audience: peer.agencyId, lifetimeSeconds: 60 }, deps.clock)
      const response = await fetch(`${peer.baseUrl}/v1/inbox/consultations`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify({ jws: message.jws }),
        signal: AbortSignal.timeout(deps.delivery.timeoutMs)
      })
      const body = await response.text()
      if (response.ok) {
        await settle(deps, message.id, 'delivered', null)
        deps.logger.info({ ...about, status: response.status }, 'consultation message delivered')
        return 'delivered'
      }
      if (response.status !== 429 && response.status < 500) {
        const problem = `${response.status} ${problemDetail(body)}`
        await settle(deps, message.id, 'refused', problem)
        deps.logger.warn({ ...about, status: response.status }, 'consultation message refused by the peer')
        return 'refused'
      }
      failure = `status ${response.status}`
    }
  } catch (err) {
    failure = (err as Error).message
  }
  const delay = backoffDelayMs(message.attempts, { baseMs: deps.delivery.backoffBaseMs, capMs: deps.delivery.backoffCapMs })
  await deps.db.updateTable('consultation_messages').set({
    attempts: message.attempts + 1,
    last_error: failure,
    next_attempt_at: new Date(deps.clock.now().getTime() + delay)
  }).where('id', '=', message.id).where('delivery', '=', 'pending').execute()
  deps.logger.info({ ...about, attempt: message.attempts + 1, failure, retryInMs: Math.round(delay) }, 'consultation message not delivered yet')
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
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, intervalMs)
      signal.addEventListener('abort', () => { clearTimeout(timer); resolve() }, { once: true })
    })
  }
}
