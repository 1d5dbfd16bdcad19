import { Type, type Static } from '@sinclair/typebox'
import { AgencyId, ConsultationAnswer } from '../../records/index.js'

const closed = { additionalProperties: false } as const
const Text = (maxLength: number, description: string) => Type.String({ minLength: 1, maxLength, description })

/** A consultation's state, described with its lifecycle. */
export const ConsultationStateSchema = Type.Union([Type.Literal('requested'), Type.Literal('no-objection'), Type.Literal('objection'), Type.Literal('more-information'), Type.Literal('withdrawn')], {
  description: 'requested: awaiting the consulted agency\'s reply; no-objection / objection: answered; more-information: awaiting the requester\'s information; withdrawn: by the requester'
})

export const ConsultationDirection = Type.Union([Type.Literal('outgoing'), Type.Literal('incoming')], { description: 'outgoing: we asked; incoming: we were asked' })

/** `GET /v1/consultations`'s filters, and the officers' consultation list's (web/). */
export const ConsultationQuery = Type.Object({
  direction: Type.Optional(ConsultationDirection),
  state: Type.Optional(ConsultationStateSchema),
  peer: Type.Optional(AgencyId),
  overdue: Type.Optional(Type.Boolean()),
  limit: Type.Integer({ minimum: 1, maximum: 500, default: 50 }),
  cursor: Type.Optional(Type.String({ maxLength: 200 }))
}, closed)

/** `POST /v1/consultations/:id/replies`, and the web page's reply form. */
export const ConsultationReply = Type.Object({ answer: ConsultationAnswer, text: Text(8000, 'the reasons, or the information needed') }, closed)
export type ConsultationReply = Static<typeof ConsultationReply>

/** `POST /v1/consultations/:id/information`, and the web page's information form. */
export const ConsultationInformation = Type.Object({ text: Text(8000, 'the information asked for') }, closed)

/** `POST /v1/consultations/:id/withdrawal`, and the web page's withdrawal form. */
export const ConsultationWithdrawal = Type.Object({ reason: Text(4000, 'why, e.g. the application was withdrawn, or we will not grant') }, closed)
