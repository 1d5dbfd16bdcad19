import { sql, type Transaction } from 'kysely'
import { appendAuditEvents } from '../audit/index.js'
import type { ConsultationState, Database } from '../db/schema.js'
import type { Clock } from '../lib/clock.js'
import { errors } from '../lib/errors.js'
import { queueDelivery } from './deliver.js'
import type { MessagePayload } from './messages.js'

export interface ConsultationRoles { requester: string, consulted: string }

/**
 * The state a message moves a consultation to, the same at both ends: a reply (by the
 * consulted agency) answers a consultation awaiting one; information (by the requester) answers
 * a request for more; a withdrawal (by the requester) ends it, whatever its state. Throws INVALID_TRANSITION, naming the state, for anything else.
 */
export function nextState (state: ConsultationState, roles: ConsultationRoles, message: Pick<MessagePayload, 'kind' | 'iss' | 'answer'>): ConsultationState {
  if (state === 'withdrawn' && message.kind !== 'withdrawal') throw errors.invalidTransition('the consultation was withdrawn by its requester')
  if (message.kind === 'reply') {
    if (message.iss !== roles.consulted) throw errors.invalidTransition(`only the consulted agency (${roles.consulted}) replies to this consultation`)
    if (state !== 'requested') throw errors.invalidTransition(`the consultation is "${state}", not awaiting a reply`)
    return message.answer as ConsultationState
  }
  if (message.kind === 'information') {
    if (message.iss !== roles.requester) throw errors.invalidTransition(`only the requesting agency (${roles.requester}) sends information in this consultation`)
    if (state !== 'more-information') throw errors.invalidTransition(`the consultation is "${state}": information is sent after a reply asking for more`)
    return 'requested'
  }
  if (message.kind === 'withdrawal') {
    if (message.iss !== roles.requester) throw errors.invalidTransition(`only the requesting agency (${roles.requester}) withdraws this consultation`)
    if (state === 'withdrawn') throw errors.invalidTransition('the consultation is withdrawn already')
    return 'withdrawn'
  }
  throw errors.invalidTransition('a consultation has one request, the message that opens it')
}

/**
 * Stores a message of a consultation (sent by us: `delivery: pending`, and its delivery queued
 * in the outbox; received: `received`), moves the consultation to the message's state and
 * writes the audit event, in the caller's transaction. The consultation's row must be locked by the caller.
 */
export async function storeMessage (trx: Transaction<Database>, message: { payload: MessagePayload, jws: string, delivery: 'pending' | 'received', state: ConsultationState, actor: string }, clock: Clock): Promise<void> {
  const { payload } = message
  const now = clock.now()
  const { rows: [last] } = await sql<{ position: number | null }>`select max(position) as position from consultation_messages where consultation_id = ${payload.consultation}`.execute(trx)
  await trx.insertInto('consultation_messages').values({
    id: payload.message,
    consultation_id: payload.consultation,
    position: Number(last?.position ?? 0) + 1,
    kind: payload.kind,
    sender: payload.iss,
    receiver: payload.aud,
    answer: payload.answer ?? null,
    jws: message.jws,
    sent_at: payload.sentAt,
    received_at: message.delivery === 'received' ? now : null,
    delivery: message.delivery,
    attempts: 0,
    last_error: null
  }).execute()
  if (message.delivery === 'pending') await queueDelivery(trx, payload.message, now)
  if (payload.kind !== 'request') {
    await trx.updateTable('consultations').set({
      state: message.state,
      updated_at: now,
      ...(payload.kind === 'reply' ? { answered_at: payload.sentAt } : {})
    }).where('id', '=', payload.consultation).execute()
  }
  await appendAuditEvents(trx, [{
    actor: message.actor,
    action: message.delivery === 'pending' ? 'consultation-message-sent' : 'consultation-message-received',
    subject: { type: 'consultation', id: payload.consultation },
    detail: {
      message: payload.message,
      kind: payload.kind,
      from: payload.iss,
      to: payload.aud,
      sentAt: payload.sentAt,
      state: message.state,
      ...(payload.answer === undefined ? {} : { answer: payload.answer }),
      ...(payload.request === undefined ? {} : { denial: payload.request.denial, regime: payload.request.regime, deadline: payload.request.deadline })
    }
  }], clock)
}
