import { Type, type Static } from '@sinclair/typebox'
import { TypeCompiler, type TypeCheck } from '@sinclair/typebox/compiler'
import { registerFormats, AgencyId, ConsultationAnswer, DecisionContent } from '../records/index.js'
import { CONSULTATION_TYP, signCompact, type SigningKey } from '../signing/index.js'

const Uuid = Type.String({ format: 'uuid' })
const Text = (maxLength: number, description?: string) => Type.String({ minLength: 1, maxLength, description })

/** The transaction an agency proposes to license, as the consulted agency reads it. */
export const ProposedTransaction = Type.Object({
  destination: DecisionContent.properties.destination,
  endUse: Type.String({ maxLength: 4000, default: '' }),
  parties: DecisionContent.properties.parties,
  items: DecisionContent.properties.items
}, { additionalProperties: false })
export type ProposedTransaction = Static<typeof ProposedTransaction>

/** What a request asks about; signed into the request message. */
export const RequestBody = Type.Object({
  denial: Type.Object({ issuer: AgencyId, recordId: Uuid, reference: Text(100) }, { additionalProperties: false }),
  proposed: ProposedTransaction,
  regime: Text(50),
  deadline: Type.String({ format: 'date' }),
  question: Text(8000)
}, { additionalProperties: false })
export type RequestBody = Static<typeof RequestBody>

export const MessageKind = Type.Union([Type.Literal('request'), Type.Literal('reply'), Type.Literal('information'), Type.Literal('withdrawal')])
export type MessageKind = Static<typeof MessageKind>

/** The signed payload of a consultation message (docs/divergence.md, "Consultation"). */
export const MessagePayload = Type.Object({
  iss: AgencyId,
  aud: AgencyId,
  consultation: Uuid,
  message: Uuid,
  kind: MessageKind,
  sentAt: Type.String({ format: 'date-time' }),
  request: Type.Optional(RequestBody),
  answer: Type.Optional(ConsultationAnswer),
  text: Type.Optional(Text(8000))
}, { additionalProperties: false })
export type MessagePayload = Static<typeof MessagePayload>

let check: TypeCheck<typeof MessagePayload> | undefined

/**
 * The problems of a received payload: its shape, and the fields its kind requires (a request
 * carries `request`, a reply `answer`, information and a withdrawal `text`). Empty when it is
 * well formed.
 */
export function payloadProblems (payload: unknown): Array<{ pointer: string, detail: string }> {
  if (check === undefined) {
    registerFormats()
    check = TypeCompiler.Compile(MessagePayload)
  }
  if (!check.Check(payload)) {
    return [...check.Errors(payload)].slice(0, 10).map((e) => ({ pointer: `/payload${e.path}`, detail: e.message }))
  }
  const required = { request: 'request', reply: 'answer', information: 'text', withdrawal: 'text' } as const
  const field = required[payload.kind]
  if (payload[field] === undefined) return [{ pointer: `/payload/${field}`, detail: `a ${payload.kind} message carries ${field}` }]
  const extra = (['request', 'answer'] as const).filter((f) => f !== field && payload[f] !== undefined)
  return extra.map((f) => ({ pointer: `/payload/${f}`, detail: `a ${payload.kind} message carries no ${f}` }))
}

/** Signs a consultation message with our agency key. */
export function signMessage (payload: MessagePayload, key: SigningKey): string {
  return signCompact(payload, key, CONSULTATION_TYP)
}
