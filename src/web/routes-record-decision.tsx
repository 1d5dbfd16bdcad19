import type { FastifyReply, FastifyRequest } from 'fastify'
import { listConsultations } from '../consultations/index.js'
import type { App } from '../http/types.js'
import { AppError, type UndercutConflict } from '../lib/errors.js'
import { getRecord } from '../records/index.js'
import { amendDecision, recordDecision, requestConsultation, undercutConflictsOf, viewRecord } from '../use-cases/index.js'
import { applicationFieldLabel, DECISION_FIELDS, decisionFormOf, decisionOf, emptyApplicationForm, readApplicationForm, rowsOf, type ApplicationForm } from './application-form.js'
import { postedText, type FieldError, type PostedForm } from './form-values.js'
import type { PageKit } from './page-kit.js'
import { CheckDecisionPage, RecordDecisionPage, UndercutWarningPage, type CitableConsultation } from './pages/record-decision.js'
import { MessagePage } from './pages/messages.js'
import { texts } from './text/en.js'

/**
 * Recording a decision in the browser (issue 13): the form, "check your answers", then the
 * `recordDecision` use case the JSON API calls. A grant the undercut warning stops shows the
 * conflicting allied denials, each with a consultation to request of the denying agency
 * (`requestConsultation`), or the override with its reason. Each step posts the whole form
 * again (hidden fields): nothing half-done is kept on the server.
 */
export async function recordDecisionPages (app: App, kit: PageKit): Promise<void> {
  const citable = async (): Promise<CitableConsultation[]> => {
    const { consultations } = await listConsultations(app.services, { direction: 'outgoing', limit: 50 })
    return consultations.filter((c) => c.state !== 'withdrawn').map((c) => ({
      id: c.id, peer: c.peer, denialReference: c.denial.reference, state: c.overdue ? 'past its deadline' : c.state
    }))
  }
  const showForm = async (request: FastifyRequest, reply: FastifyReply, status: number, form: ApplicationForm, errors: FieldError[], notice?: string) =>
    kit.show(reply, status, <RecordDecisionPage frame={kit.frameOf(request, reply)} form={form} errors={errors} consultations={await citable()} notice={notice} />)

  app.get('/decisions/new', async (request, reply) => {
    if (kit.signedIn(request, reply, ['officer']) === undefined) return reply
    const today = app.clock.now().toISOString().slice(0, 10)
    return showForm(request, reply, 200, emptyApplicationForm({ decisionDate: today }), [])
  })

  app.post('/decisions/new', async (request, reply) => {
    const user = kit.signedIn(request, reply, ['officer'])
    if (user === undefined) return reply
    const body = (request.body ?? {}) as PostedForm
    const { form, action } = readApplicationForm(body, DECISION_FIELDS)
    if (action.kind !== 'submit' || action.step === 'edit') return showForm(request, reply, 200, form, [])
    const override = action.step === 'override'
    const read = decisionOf(form, { override })
    if (read.value === undefined) {
      if (override) return warning(request, reply, form, await conflictsOf(app, form), read.errors)
      return showForm(request, reply, 400, form, read.errors)
    }
    if (action.step === 'check') return kit.show(reply, 200, <CheckDecisionPage frame={kit.frameOf(request, reply)} form={form} formats={kit.formats} />)

    const consult = /^consult-(\d+)$/.exec(action.step)
    if (consult !== null) {
      const conflicts = await conflictsOf(app, form)
      const i = Number(consult[1])
      const conflict = conflicts[i]
      if (conflict === undefined) return showForm(request, reply, 200, form, [])
      const question = postedText(body, `question-${i}`).trim()
      if (question === '') return warning(request, reply, form, conflicts, [{ field: `question-${i}`, message: `${texts.recordDecision.question}: enter the question` }])
      const { parties, items } = rowsOf(form, [])
      const id = await requestConsultation(app.services, user.subject, {
        denial: { issuer: conflict.issuer, recordId: conflict.recordId },
        proposed: { destination: read.value.destination, endUse: read.value.endUse, parties: parties as typeof read.value.parties, items: items as typeof read.value.items },
        question
      })
      const deadline = (await listConsultations(app.services, { direction: 'outgoing', limit: 50 })).consultations.find((c) => c.id === id)?.deadline ?? ''
      return showForm(request, reply, 200, { ...form, fields: { ...form.fields, consultation: id } }, [], texts.recordDecision.consulted(conflict.issuer, kit.formats.date(deadline)))
    }

    try {
      const recorded = await recordDecision(app.services, user.subject, read.value)
      return reply.redirect(`/app/decisions/${encodeURIComponent(app.config.agency.id)}/${recorded.record.recordId}?recorded=1`, 303)
    } catch (err) {
      if (err instanceof AppError && err.code === 'UNDERCUT_WARNING') return warning(request, reply, form, err.extensions?.conflicts ?? [], [])
      if (err instanceof AppError && err.status < 500) return showForm(request, reply, err.status, form, problemErrors(err))
      throw err
    }
  })

  // amending one of ours: the form filled with every field it holds, the version it applies to carried, then amendDecision
  const ownHeld = async (request: FastifyRequest<{ Params: { recordId: string } }>, reply: FastifyReply) => {
    const { recordId } = request.params
    const found = /^[0-9a-f-]{36}$/i.test(recordId) ? await getRecord(app.db, app.config.agency.id, 'decision', recordId, app.clock).catch(() => undefined) : undefined
    if (found === undefined || found.record.revokedFrom !== null) {
      void kit.show(reply, 404, <MessagePage frame={kit.frameOf(request, reply)} title={texts.notFoundTitle} lead={texts.recordNotFoundLead} action={{ href: '/app/decisions', label: texts.decisionsTitle }} />)
      return undefined
    }
    return found.record
  }
  const amendMode = (recordId: string, reference: string) => ({ kind: 'amend' as const, recordId, reference })
  const showAmend = (request: FastifyRequest, reply: FastifyReply, status: number, form: ApplicationForm, mode: ReturnType<typeof amendMode>, errors: FieldError[]) =>
    kit.show(reply, status, <RecordDecisionPage frame={kit.frameOf(request, reply)} form={form} errors={errors} consultations={[]} mode={mode} />)

  // the form shows the decision's content: read again through the use case, a view the audit trail records
  app.get('/decisions/own/:recordId/amend', async (request: FastifyRequest<{ Params: { recordId: string } }>, reply) => {
    const user = kit.signedIn(request, reply, ['officer'])
    if (user === undefined) return reply
    if (await ownHeld(request, reply) === undefined) return reply
    const { record: held } = await viewRecord(app.services, user.subject, { issuer: app.config.agency.id, kind: 'decision', recordId: request.params.recordId })
    const form = decisionFormOf(held.content)
    return showAmend(request, reply, 200, { ...form, fields: { ...form.fields, version: String(held.version) } }, amendMode(held.recordId, held.content.reference), [])
  })

  app.post('/decisions/own/:recordId/amend', async (request: FastifyRequest<{ Params: { recordId: string } }>, reply) => {
    const user = kit.signedIn(request, reply, ['officer'])
    if (user === undefined) return reply
    const held = await ownHeld(request, reply)
    if (held === undefined) return reply
    const mode = amendMode(held.recordId, held.content.reference)
    const { form, action } = readApplicationForm((request.body ?? {}) as PostedForm, [...DECISION_FIELDS, 'version'])
    if (action.kind !== 'submit' || action.step === 'edit') return showAmend(request, reply, 200, form, mode, [])
    const read = decisionOf({ ...form, fields: { ...form.fields, consultation: '', justification: '' } })
    const reason = (form.fields.amendReason ?? '').trim()
    const errors = [...(reason === '' ? [{ field: 'amendReason', message: `${texts.recordDecision.amendReason}: enter a value` }] : []), ...read.errors]
    if (read.value === undefined || errors.length > 0) return showAmend(request, reply, 400, form, mode, errors)
    if (action.step === 'check') return kit.show(reply, 200, <CheckDecisionPage frame={kit.frameOf(request, reply)} form={form} formats={kit.formats} mode={mode} />)
    // what the service wrote itself stays as it was: the consultation cited, an override given
    const { consultation: _consultation, undercutOverride: _override, audience: _audience, ...content } = read.value
    const { consultation, undercutOverride } = held.content
    try {
      await amendDecision(app.services, user.subject, held.recordId, {
        version: Number(form.fields.version),
        reason,
        content: { ...content, ...(consultation === undefined ? {} : { consultation }), ...(undercutOverride === undefined ? {} : { undercutOverride }) }
      })
    } catch (err) {
      if (err instanceof AppError && err.status < 500) return showAmend(request, reply, err.status, form, mode, [{ field: 'amendReason', message: err.message }])
      throw err
    }
    return reply.redirect(`/app/decisions/${encodeURIComponent(app.config.agency.id)}/${held.recordId}?amended=1`, 303)
  })

  function warning (request: FastifyRequest, reply: FastifyReply, form: ApplicationForm, conflicts: readonly UndercutConflict[], errors: FieldError[]) {
    return kit.show(reply, errors.length > 0 ? 400 : 409, <UndercutWarningPage frame={kit.frameOf(request, reply)} form={form} conflicts={conflicts} errors={errors} formats={kit.formats} />)
  }
}

/** The denials the form's grant would undercut, as the use case finds them, storing nothing. */
async function conflictsOf (app: App, form: ApplicationForm): Promise<UndercutConflict[]> {
  const read = decisionOf({ ...form, fields: { ...form.fields, overrideReason: '' } })
  return read.value === undefined ? [] : undercutConflictsOf(app.services, read.value)
}

/** A problem from the use case, on the form's fields where it points at one (a duplicate reference, a consultation that cannot be cited). */
function problemErrors (err: AppError): FieldError[] {
  const details = err.details ?? []
  if (details.length === 0) {
    const field = err.code.startsWith('CONSULTATION') ? 'consultation' : 'reference'
    return [{ field, message: `${applicationFieldLabel(field)}: ${err.message}` }]
  }
  return details.map((d) => {
    const field = d.pointer.replace(/^\/body\//, '').split('/')[0] ?? ''
    return { field, message: `${applicationFieldLabel(field)}: ${d.detail}` }
  })
}
