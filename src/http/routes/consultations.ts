import { Type } from '@sinclair/typebox'
import { getConsultation, listConsultations, ProposedTransaction } from '../../consultations/index.js'
import { Jwks } from '../../lib/jwk.js'
import { AgencyId, ConsultationAnswer } from '../../records/index.js'
import { partnerOf, userOf } from '../plugins/auth.js'
import { problems, Uuid } from '../schemas/common.js'
import { ConsultationDirection, ConsultationInformation, ConsultationQuery, ConsultationReply, ConsultationStateSchema, ConsultationWithdrawal } from '../schemas/consultations.js'
import type { App } from '../types.js'
import {
  receiveConsultationMessage, replyToConsultation, requestConsultation, sendInformation, withdrawConsultation
} from '../../use-cases/index.js'

const tags = ['consultations']
const closed = { additionalProperties: false } as const
const DateTime = Type.String({ format: 'date-time' })
const IsoDate = Type.String({ format: 'date' })
const Text = (maxLength: number, description: string) => Type.String({ minLength: 1, maxLength, description })

const ConsultationSummary = Type.Object({
  id: Uuid,
  direction: ConsultationDirection,
  requester: AgencyId,
  consulted: AgencyId,
  peer: AgencyId,
  denial: Type.Object({ issuer: AgencyId, recordId: Uuid, reference: Type.String() }, closed),
  regime: Type.String(),
  proposed: ProposedTransaction,
  question: Type.String(),
  state: ConsultationStateSchema,
  deadline: IsoDate,
  overdue: Type.Boolean({ description: 'awaiting the consulted agency\'s reply after its deadline' }),
  daysOverdue: Type.Integer({ minimum: 0 }),
  requestedAt: DateTime,
  answeredAt: Type.Union([DateTime, Type.Null()]),
  updatedAt: DateTime,
  createdBy: Type.Union([Type.String(), Type.Null()], { description: 'the officer who asked (outgoing)' })
}, closed)

const Message = Type.Object({
  id: Uuid,
  position: Type.Integer({ minimum: 1 }),
  kind: Type.Union([Type.Literal('request'), Type.Literal('reply'), Type.Literal('information'), Type.Literal('withdrawal')]),
  from: AgencyId,
  to: AgencyId,
  answer: Type.Union([ConsultationAnswer, Type.Null()]),
  text: Type.Union([Type.String(), Type.Null()]),
  sentAt: DateTime,
  receivedAt: Type.Union([DateTime, Type.Null()]),
  delivery: Type.Union([Type.Literal('pending'), Type.Literal('delivered'), Type.Literal('refused'), Type.Literal('received')], {
    description: 'ours: pending (retried by the worker), delivered, refused (see lastError); theirs: received'
  }),
  attempts: Type.Integer({ minimum: 0 }),
  lastError: Type.Union([Type.String(), Type.Null()]),
  jws: Type.String({ description: 'the message as its sender signed it (typ reciprocity-consultation+jws): verify it offline with keys' })
}, closed)

const ConsultationDetail = Type.Object({
  ...ConsultationSummary.properties,
  messages: Type.Array(Message),
  keys: Type.Record(Type.String(), Jwks, { description: 'the JWKS of both agencies, by agency id' })
}, closed)

const NewConsultation = Type.Object({
  denial: Type.Object({ issuer: AgencyId, recordId: Uuid }, { ...closed, description: 'the ally\'s denial we consult about (a record we hold)' }),
  proposed: ProposedTransaction,
  question: Text(8000, 'what we ask, and why the transaction differs from the one denied, if it does'),
  regime: Type.Optional(Type.String({ minLength: 1, maxLength: 50, description: 'the regime whose deadline applies (CONSULTATION_DEADLINES); default: the regime of the denial\'s first control entry' }))
}, closed)

const Params = Type.Object({ id: Uuid }, closed)

/** Reading consultations (officers and auditors). */
export async function consultationReadRoutes (app: App) {
  const deps = { db: app.db, self: app.config.agency.id, clock: app.clock, keyRing: app.keyRing }
  app.get('/', {
    schema: {
      tags,
      summary: 'Consultations we asked and were asked, newest first; overdue ones flagged',
      querystring: ConsultationQuery,
      response: { 200: Type.Object({ consultations: Type.Array(ConsultationSummary), nextCursor: Type.Union([Type.String(), Type.Null()]) }, closed), ...problems(400) }
    }
  }, async (request) => listConsultations(deps, request.query))

  app.get('/:id', {
    schema: {
      tags,
      summary: 'One consultation with every signed message and both agencies\' keys',
      params: Params,
      response: { 200: ConsultationDetail, ...problems(404) }
    }
  }, async (request) => getConsultation(deps, request.params.id))
}

/** Asking for and answering consultations (officers). */
export async function consultationWriteRoutes (app: App) {
  const view = (id: string) => getConsultation({ db: app.db, self: app.config.agency.id, clock: app.clock, keyRing: app.keyRing }, id)

  app.post('/', {
    schema: {
      tags,
      summary: 'Ask the agency that denied for consultation about a transaction we propose to license: a signed message to its API',
      description: 'Stored with its deadline (from the regime, CONSULTATION_DEADLINES) and delivered at once; when the peer cannot be reached, the worker retries (see each message\'s delivery).',
      body: NewConsultation,
      response: { 201: ConsultationDetail, ...problems(400, 403, 404) }
    }
  }, async (request, reply) => reply.code(201).send(await view(await requestConsultation(app.services, userOf(request).subject, request.body))))

  app.post('/:id/replies', {
    schema: {
      tags,
      summary: 'Reply to a consultation asked of us: no objection, objection, or more information needed (a signed message back)',
      params: Params,
      body: ConsultationReply,
      response: { 201: ConsultationDetail, ...problems(400, 404, 409) }
    }
  }, async (request, reply) => {
    await replyToConsultation(app.services, userOf(request).subject, request.params.id, request.body)
    return reply.code(201).send(await view(request.params.id))
  })

  app.post('/:id/information', {
    schema: {
      tags,
      summary: 'Give the information the consulted agency asked for (a signed message); the consultation awaits its reply again',
      params: Params,
      body: ConsultationInformation,
      response: { 201: ConsultationDetail, ...problems(400, 404, 409) }
    }
  }, async (request, reply) => {
    await sendInformation(app.services, userOf(request).subject, request.params.id, request.body.text)
    return reply.code(201).send(await view(request.params.id))
  })

  app.post('/:id/withdrawal', {
    schema: {
      tags,
      summary: 'Withdraw a consultation we asked (a signed message): it can no longer be answered or cited',
      params: Params,
      body: ConsultationWithdrawal,
      response: { 201: ConsultationDetail, ...problems(400, 404, 409) }
    }
  }, async (request, reply) => {
    await withdrawConsultation(app.services, userOf(request).subject, request.params.id, request.body.reason)
    return reply.code(201).send(await view(request.params.id))
  })
}

const Received = Type.Object({
  status: Type.Union([Type.Literal('stored'), Type.Literal('duplicate')], { description: 'duplicate: we held this message already' }),
  consultation: Uuid,
  state: ConsultationStateSchema
}, closed)

/** Peers' consultation messages (partners). */
export async function consultationInboxRoutes (app: App) {
  app.post('/', {
    schema: {
      tags: ['protocol'],
      summary: 'Deliver a signed consultation message (request, reply, information) from your agency to ours',
      description: 'The JWS (typ reciprocity-consultation+jws) must be signed by the caller, addressed to us (aud), and allowed by the consultation\'s state; the same message twice is a no-op.',
      body: Type.Object({ jws: Type.String({ minLength: 10, maxLength: 1_000_000, description: 'the message, JWS compact serialisation' }) }, closed),
      response: { 200: Received, 201: Received, ...problems(400, 403, 404, 409, 422) }
    }
  }, async (request, reply) => {
    const outcome = await receiveConsultationMessage(app.services, partnerOf(request), request.body.jws)
    return reply.code(outcome.status === 'stored' ? 201 : 200).send(outcome)
  })
}
