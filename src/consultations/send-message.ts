import { randomUUID } from 'node:crypto'
import type { ConsultationAnswer } from '../records/index.js'
import { errors } from '../lib/errors.js'
import { nextState, storeMessage } from './conversation.js'
import { deliverNow } from './deliver.js'
import { signMessage, type MessagePayload } from './messages.js'
import type { ConsultationDeps } from './types.js'

/** Our reply, as the consulted agency, to a consultation awaiting one. */
export async function replyToConsultation (deps: ConsultationDeps, actor: string, id: string, reply: { answer: ConsultationAnswer, text: string }): Promise<void> {
  await sendMessage(deps, actor, id, { kind: 'reply', answer: reply.answer, text: reply.text })
}

/** The information we give, as the requester, after the consulted agency asked for more. */
export async function sendInformation (deps: ConsultationDeps, actor: string, id: string, text: string): Promise<void> {
  await sendMessage(deps, actor, id, { kind: 'information', text })
}

/** Our withdrawal, as the requester, of a consultation we asked (we decided not to grant, the application was withdrawn…). */
export async function withdrawConsultation (deps: ConsultationDeps, actor: string, id: string, reason: string): Promise<void> {
  await sendMessage(deps, actor, id, { kind: 'withdrawal', text: reason })
}

/**
 * Signs and stores a message of a consultation we hold, moves the consultation to its state
 * and writes the audit event (one transaction, the consultation's row locked, its delivery
 * queued in the outbox), then delivers it; the outbox job retries when the peer cannot be reached.
 */
async function sendMessage (deps: ConsultationDeps, actor: string, id: string, content: Pick<MessagePayload, 'kind' | 'answer' | 'text'>): Promise<void> {
  const messageId = await deps.db.transaction().execute(async (trx) => {
    const consultation = await trx.selectFrom('consultations').select(['requester', 'consulted', 'state'])
      .where('id', '=', id).forUpdate().executeTakeFirst()
    if (consultation === undefined) throw errors.consultationNotFound(id)
    const peer = consultation.requester === deps.self ? consultation.consulted : consultation.requester
    const payload: MessagePayload = {
      iss: deps.self,
      aud: peer,
      consultation: id,
      message: randomUUID(),
      kind: content.kind,
      sentAt: deps.clock.now().toISOString(),
      ...(content.answer === undefined ? {} : { answer: content.answer }),
      ...(content.text === undefined ? {} : { text: content.text })
    }
    const state = nextState(consultation.state, consultation, payload)
    await storeMessage(trx, { payload, jws: signMessage(payload, await deps.keyRing.current(trx)), delivery: 'pending', state, actor }, deps.clock)
    return payload.message
  })
  deps.logger.info({ consultation: id, kind: content.kind, answer: content.answer }, 'consultation message sent')
  await deliverNow(deps, messageId)
}
