import type { FastifyReply, FastifyRequest } from 'fastify'
import { getConsultation, listConsultations } from '../consultations/index.js'
import { ConsultationInformation, ConsultationQuery, ConsultationReply, ConsultationWithdrawal } from '../http/schemas/consultations.js'
import type { App } from '../http/types.js'
import { AppError } from '../lib/errors.js'
import { latinSpelling } from '../matching/index.js'
import { replyToConsultation, sendInformation, withdrawConsultation } from '../use-cases/index.js'
import { postedText, readForm, readNested, type FieldError, type PostedForm } from './form-values.js'
import type { PageKit } from './page-kit.js'
import {
  actionsOf, ANSWERS, ConsultationListPage, ConsultationPage, EMPTY_FORMS, LIST_LABELS,
  type ConsultationForms, type ConsultationView
} from './pages/consultations.js'
import { MessagePage } from './pages/messages.js'
import { texts } from './text/en.js'

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i
const PAGE_SIZE = 25
const t = texts.consultations

/** The messages an officer sends from a consultation's page, each by the use case the JSON API calls, at the API's path. */
const SENDS = {
  reply: { path: 'replies', action: 'reply' },
  information: { path: 'information', action: 'information' },
  withdrawal: { path: 'withdrawal', action: 'withdraw' }
} as const
type Sent = keyof typeof SENDS

/**
 * The officers' consultation pages (auditors read them too, as the API lets them): the list
 * (GET /app/consultations) asked by us and of us, filtered by the API's own query schema and
 * paged by its cursor; one consultation with its proposed transaction and every message; and
 * the messages its state allows (reply, information, withdrawal), officers only.
 */
export async function consultationPages (app: App, kit: PageKit): Promise<void> {
  const notFound = (request: FastifyRequest, reply: FastifyReply) =>
    kit.show(reply, 404, <MessagePage frame={kit.frameOf(request, reply)} title={texts.notFoundTitle} lead={t.notFound} action={{ href: '/app/consultations', label: t.listTitle }} />)

  app.get('/consultations', async (request, reply) => {
    if (kit.signedIn(request, reply, ['officer', 'auditor']) === undefined) return reply
    const raw = request.query as Record<string, unknown>
    const query = Object.fromEntries(Object.entries(raw).filter(([k, v]) => k in LIST_LABELS && typeof v === 'string')) as Record<string, string>
    const read = readForm(ConsultationQuery, { limit: String(PAGE_SIZE), ...query }, LIST_LABELS)
    if (read.value === undefined) {
      return kit.show(reply, 400, <ConsultationListPage frame={kit.frameOf(request, reply)} query={query} errors={read.errors} results={undefined} formats={kit.formats} />)
    }
    const page = await listConsultations(app.services, read.value)
    const next = page.nextCursor === null ? undefined : new URLSearchParams({ ...query, cursor: page.nextCursor }).toString()
    return kit.show(reply, 200, (
      <ConsultationListPage frame={kit.frameOf(request, reply)} query={query} errors={[]} formats={kit.formats} results={{ consultations: page.consultations, next }} />
    ))
  })

  app.get('/consultations/:id', async (request: FastifyRequest<{ Params: { id: string }, Querystring: { sent?: string } }>, reply) => {
    const user = kit.signedIn(request, reply, ['officer', 'auditor'])
    if (user === undefined) return reply
    const view = await consultationView(app, request.params.id)
    if (view === undefined) return notFound(request, reply)
    const sent = Object.keys(SENDS).find((k) => k === request.query.sent) as Sent | undefined
    const last = sent === undefined ? undefined : view.messages.findLast((m) => m.ours && m.kind === sent)
    const notice = sent === undefined || last === undefined || last.delivery === 'received'
      ? undefined
      : t.sentDelivery(t.sent[sent], view.summary.peer, last.delivery, last.lastError ?? '')
    return kit.show(reply, 200, (
      <ConsultationPage
        frame={kit.frameOf(request, reply)} view={view} canAct={user.roles.includes('officer')}
        forms={EMPTY_FORMS} errors={[]} notice={notice} formats={kit.formats}
      />
    ))
  })

  for (const sent of Object.keys(SENDS) as Sent[]) {
    app.post(`/consultations/:id/${SENDS[sent].path}`, async (request: FastifyRequest<{ Params: { id: string } }>, reply) => {
      const user = kit.signedIn(request, reply, ['officer'])
      if (user === undefined) return reply
      const view = await consultationView(app, request.params.id)
      if (view === undefined) return notFound(request, reply)
      const body = (request.body ?? {}) as PostedForm
      const forms: ConsultationForms = {
        answer: postedText(body, 'answer'),
        text: postedText(body, 'text').trim(),
        information: postedText(body, 'information').trim(),
        reason: postedText(body, 'reason').trim()
      }
      const again = (status: number, errors: FieldError[], shown = view) => kit.show(reply, status, (
        <ConsultationPage frame={kit.frameOf(request, reply)} view={shown} canAct forms={forms} errors={errors} notice={undefined} formats={kit.formats} />
      ))
      const notAllowed = (shown: ConsultationView) => [{ field: 'state', message: t.notAllowed(t.stateIn[shown.summary.direction][shown.summary.state]) }]
      if (!actionsOf(view.summary)[SENDS[sent].action]) return again(409, notAllowed(view))
      const errors = formErrors(sent, forms)
      if (errors.length > 0) return again(400, errors)
      const id = view.summary.id
      try {
        if (sent === 'reply') await replyToConsultation(app.services, user.subject, id, { answer: forms.answer as (typeof ANSWERS)[number], text: forms.text })
        else if (sent === 'information') await sendInformation(app.services, user.subject, id, forms.information)
        else await withdrawConsultation(app.services, user.subject, id, forms.reason)
      } catch (err) {
        if (!(err instanceof AppError) || err.code !== 'INVALID_TRANSITION') throw err
        // a message from the peer moved it since the page was read: show it as it is now
        const now = await consultationView(app, id) ?? view
        return again(409, notAllowed(now), now)
      }
      return reply.redirect(`/app/consultations/${id}?sent=${sent}#messages`, 303)
    })
  }
}

/** The form's errors, by the API's own body schema; each on its field, in the form's words. */
function formErrors (sent: Sent, forms: ConsultationForms): FieldError[] {
  if (sent === 'information') return readNested(ConsultationInformation, { text: forms.information }, () => 'information', () => t.information)
  if (sent === 'withdrawal') return readNested(ConsultationWithdrawal, { reason: forms.reason }, () => 'reason', () => t.reason)
  const labels: Record<string, string> = { answer: t.answer, text: t.replyText }
  const errors = readNested(ConsultationReply, { answer: forms.answer, text: forms.text }, (pointer) => pointer.split('/')[1] ?? '', (field) => labels[field] ?? field)
    .filter((e) => e.field !== 'answer')
  // the answers in the form's words, not the API's values
  if (!(ANSWERS as readonly string[]).includes(forms.answer)) errors.unshift({ field: 'answer', message: t.answerError })
  return errors
}

/** A consultation as its page shows it, or undefined when there is none by this id. */
async function consultationView (app: App, id: string): Promise<ConsultationView | undefined> {
  if (!UUID.test(id)) return undefined
  const detail = await getConsultation({ db: app.db, self: app.config.agency.id, clock: app.clock, keyRing: app.keyRing }, id).catch((err: unknown) => {
    if (err instanceof AppError && err.code === 'CONSULTATION_NOT_FOUND') return undefined
    throw err
  })
  if (detail === undefined) return undefined
  const { messages, keys: _keys, ...summary } = detail
  const self = app.config.agency.id
  return {
    summary,
    parties: summary.proposed.parties.map((p) => ({
      role: p.role,
      name: p.name,
      latin: latinSpelling(p.name),
      aliases: p.aliases,
      country: p.country,
      identifiers: p.identifiers.map((i) => `${i.scheme}: ${i.value}`)
    })),
    items: summary.proposed.items.map((i) => ({
      description: i.description,
      codes: i.codes.map((c) => `${c.regime} ${c.code}`),
      maker: [i.manufacturer, i.partNumber].filter((v) => v !== undefined).join(', '),
      quantity: i.quantity === undefined ? '' : `${i.quantity}${i.unit === undefined ? '' : ` ${i.unit}`}`
    })),
    messages: messages.map((m) => ({
      id: m.id,
      position: m.position,
      kind: m.kind,
      from: m.from,
      to: m.to,
      ours: m.from === self,
      answer: m.answer,
      text: m.text,
      sentAt: m.sentAt,
      receivedAt: m.receivedAt,
      delivery: m.delivery,
      attempts: m.attempts,
      lastError: m.lastError
    }))
  }
}
