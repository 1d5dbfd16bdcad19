import { randomUUID } from 'node:crypto'
import { findPeer } from '../peers/index.js'
import { errors } from '../lib/errors.js'
import { findHeldRecord, todayOf } from '../records/index.js'
import { deadlineFrom, periodFor } from '../lib/deadlines.js'
import { deliverNow } from './deliver.js'
import { signMessage, type MessagePayload, type ProposedTransaction } from './messages.js'
import { storeMessage } from './conversation.js'
import type { ConsultationDeps } from './types.js'

export interface ConsultationRequest {
  denial: { issuer: string, recordId: string }
  proposed: ProposedTransaction
  question: string
  regime?: string | undefined
}

/**
 * Asks the agency that issued `denial` for consultation about the transaction we propose to
 * license: stores the consultation and its signed request (with its deadline, from the
 * regime's period), the audit event and its delivery in the outbox in one transaction, then
 * tries to deliver the request at once; the outbox job retries it when the peer cannot be reached. Returns the consultation's id.
 */
export async function requestConsultation (deps: ConsultationDeps, actor: string, input: ConsultationRequest): Promise<string> {
  const { issuer, recordId } = input.denial
  if (issuer === deps.self) throw errors.invalidRequest('a consultation is asked of the agency that denied, and this denial is ours', [{ pointer: '/body/denial/issuer', detail: `is our own agency, "${issuer}"` }])
  const peer = await findPeer(deps.db, issuer)
  if (peer === undefined) throw errors.peerNotFound(issuer)
  if (peer.status !== 'active') throw errors.peerInactive(issuer, peer.status)
  const denial = await findHeldRecord(deps.db, issuer, recordId)
  if (denial === undefined || denial.kind !== 'decision') throw errors.recordNotFound(recordId)
  if (denial.content.outcome !== 'denied') throw errors.invalidRequest(`record ${recordId} of ${issuer} is a grant, not a denial`, [{ pointer: '/body/denial/recordId', detail: 'names a grant' }])
  const regime = input.regime ?? denial.content.items[0]?.codes[0]?.regime ?? 'default'
  const sentAt = deps.clock.now().toISOString()
  const payload: MessagePayload = {
    iss: deps.self,
    aud: issuer,
    consultation: randomUUID(),
    message: randomUUID(),
    kind: 'request',
    sentAt,
    request: {
      denial: { issuer, recordId, reference: denial.content.reference },
      proposed: input.proposed,
      regime,
      deadline: deadlineFrom(todayOf(deps.clock), periodFor(deps.deadlines, regime)),
      question: input.question
    }
  }
  const jws = signMessage(payload, await deps.keyRing.current())
  await deps.db.transaction().execute(async (trx) => {
    await trx.insertInto('consultations').values(consultationRow(payload, 'outgoing', actor)).execute()
    await storeMessage(trx, { payload, jws, delivery: 'pending', state: 'requested', actor }, deps.clock)
  })
  deps.logger.info({ consultation: payload.consultation, peer: issuer, regime }, 'consultation requested')
  await deliverNow(deps, payload.message)
  return payload.consultation
}

/** The consultation row a request opens, at either end. */
export function consultationRow (payload: MessagePayload, direction: 'outgoing' | 'incoming', createdBy: string | null) {
  const request = payload.request as NonNullable<MessagePayload['request']>
  return {
    id: payload.consultation,
    direction,
    requester: payload.iss,
    consulted: payload.aud,
    denial_issuer: request.denial.issuer,
    denial_record_id: request.denial.recordId,
    denial_reference: request.denial.reference,
    regime: request.regime,
    proposed: JSON.stringify(request.proposed),
    question: request.question,
    state: 'requested' as const,
    deadline: request.deadline,
    requested_at: payload.sentAt,
    answered_at: null,
    updated_at: payload.sentAt,
    created_by: createdBy
  }
}
