import { createHash } from 'node:crypto'
import type { ConsultationState } from '../db/schema.js'
import { errors } from '../lib/errors.js'
import { findPeer, keyStatusOf, peerKeysFor } from '../peers/index.js'
import { isDenialVisibleTo } from '../records/index.js'
import { CONSULTATION_TYP, peekJws, SignatureError, verifyCompact } from '../signing/index.js'
import { nextState, storeMessage } from './conversation.js'
import { payloadProblems, type MessagePayload } from './messages.js'
import { consultationRow } from './request-consultation.js'
import type { ConsultationDeps } from './types.js'

export interface ReceivedMessage {
  status: 'stored' | 'duplicate'
  consultation: string
  state: ConsultationState
}

/**
 * A consultation message pushed by `caller` (authenticated by its partner token): verified
 * against the caller's enrolled keys (one JWKS refresh on an unknown kid, with the cooldown),
 * checked (it is from the caller, to us, well formed, and allowed by the consultation's state),
 * then stored with its audit event in one transaction. The same message twice is a no-op;
 * anything wrong is refused with the reason and nothing stored.
 */
export async function receiveMessage (deps: ConsultationDeps, caller: string, jws: string): Promise<ReceivedMessage> {
  const peer = await findPeer(deps.db, caller)
  if (peer === undefined) throw errors.peerNotEnrolled(caller)
  const claimed = peekJws(jws)
  const claimedIssuer = (claimed?.payload as { iss?: unknown } | undefined)?.iss
  if (claimed !== undefined && typeof claimedIssuer === 'string' && claimedIssuer !== caller) {
    throw errors.messageRefused(`the message is from "${claimedIssuer}" but was sent by "${caller}": an agency delivers only its own messages`, [{ pointer: '/payload/iss', detail: 'is not the sender' }])
  }
  const { jwks } = await peerKeysFor(deps.db, peer, claimed?.kid, deps)
  let payload: MessagePayload
  let kid: string
  try {
    ;({ payload, kid } = await verifyCompact(jws, jwks, CONSULTATION_TYP, deps.keyCache) as { payload: MessagePayload, kid: string })
  } catch (err) {
    if (err instanceof SignatureError) throw errors.messageRefused(err.message, [{ pointer: '/body/jws', detail: err.reason }])
    throw err
  }
  // a revoked key is trusted for no message; a retired one for those it signed before it was retired (an outbox retry)
  const status = keyStatusOf({ jwks, keyStatuses: peer.keyStatuses }, kid)
  if (status !== undefined && (status.status === 'revoked' || !(Date.parse(String(payload.sentAt)) <= status.since.getTime()))) {
    throw errors.messageRefused(`it is signed with key ${kid}, which ${caller} ${status.status}`, [{ pointer: '/body/jws', detail: `key ${status.status}` }])
  }
  const problems = payloadProblems(payload)
  if (problems.length > 0) throw errors.messageRefused('the message is not a well-formed consultation message', problems)
  if (payload.iss !== caller) throw errors.messageRefused(`the message is from "${payload.iss}" but was sent by "${caller}"`, [{ pointer: '/payload/iss', detail: 'is not the sender' }])
  if (payload.aud !== deps.self) throw errors.messageRefused(`the message is addressed to "${payload.aud}", not to us ("${deps.self}")`, [{ pointer: '/payload/aud', detail: 'is not us' }])

  const outcome = await deps.db.transaction().execute(async (trx): Promise<ReceivedMessage> => {
    const held = await trx.selectFrom('consultation_messages').select(['jws', 'consultation_id']).where('id', '=', payload.message).executeTakeFirst()
    if (held !== undefined) {
      if (digest(held.jws) !== digest(jws)) throw errors.messageRefused(`message ${payload.message} is held already with other content`, [{ pointer: '/payload/message', detail: 'id reused' }])
      const current = await trx.selectFrom('consultations').select('state').where('id', '=', held.consultation_id).executeTakeFirstOrThrow()
      return { status: 'duplicate', consultation: held.consultation_id, state: current.state }
    }
    const actor = `peer:${caller}`
    if (payload.kind === 'request') {
      await checkRequest(trx, deps.self, caller, payload)
      const inserted = await trx.insertInto('consultations').values(consultationRow(payload, 'incoming', null))
        .onConflict((oc) => oc.column('id').doNothing()).returning('id').executeTakeFirst()
      if (inserted === undefined) throw errors.messageRefused(`consultation ${payload.consultation} exists already`, [{ pointer: '/payload/consultation', detail: 'id reused' }])
      await storeMessage(trx, { payload, jws, delivery: 'received', state: 'requested', actor }, deps.clock)
      return { status: 'stored', consultation: payload.consultation, state: 'requested' }
    }
    const consultation = await trx.selectFrom('consultations').select(['requester', 'consulted', 'state'])
      .where('id', '=', payload.consultation).forUpdate().executeTakeFirst()
    if (consultation === undefined || (consultation.requester !== caller && consultation.consulted !== caller)) {
      throw errors.consultationNotFound(payload.consultation)
    }
    const state = nextState(consultation.state, consultation, payload)
    await storeMessage(trx, { payload, jws, delivery: 'received', state, actor }, deps.clock)
    return { status: 'stored', consultation: payload.consultation, state }
  })
  deps.logger.info({ peer: caller, consultation: outcome.consultation, kind: payload.kind, status: outcome.status }, 'consultation message received')
  return outcome
}

/**
 * A request must be about one of our denials that the sender may see in our feed (`visibleTo`).
 * A record outside its audience, a grant, another kind of record and an id we never used get
 * one and the same refusal, so that the inbox tells a peer nothing its feed does not.
 */
async function checkRequest (trx: Parameters<typeof storeMessage>[0], self: string, caller: string, payload: MessagePayload): Promise<void> {
  const denial = (payload.request as NonNullable<MessagePayload['request']>).denial
  const pointer = '/payload/request/denial'
  if (denial.issuer !== self) throw errors.messageRefused(`the request is about a denial of "${denial.issuer}": ask that agency`, [{ pointer: `${pointer}/issuer`, detail: 'is not us' }])
  if (!await isDenialVisibleTo(trx, self, denial.recordId, caller)) {
    throw errors.messageRefused('the request names no denial of ours that you may see', [{ pointer: `${pointer}/recordId`, detail: 'is not a denial of ours that you may see' }])
  }
}

const digest = (text: string) => createHash('sha256').update(text).digest('base64url')
