import type { FastifyReply, FastifyRequest } from 'fastify'
import { renderDivergenceReportHtml, REPORT_HTML_CSP } from '../reports/index.js'
import { ReportQuery } from '../http/schemas/reports.js'
import { countDivergences, DIVERGENCE_STATES, getDivergence, TRANSITIONS, type DivergenceState } from '../divergence/index.js'
import { DivergenceQuery, DivergenceTransition } from '../http/schemas/divergences.js'
import type { App } from '../http/types.js'
import { latinSpelling } from '../matching/index.js'
import { lifecycleOf, loadHeldDecisions, todayOf, type ClassificationContent } from '../records/index.js'
import { peekKid } from '../signing/index.js'
import { exportDivergenceReport, searchDivergences, transitionDivergence, viewDivergence } from '../use-cases/index.js'
import { readForm, readNested, type FieldError } from './form-values.js'
import type { PageKit } from './page-kit.js'
import { DivergencePage, DivergenceQueuePage, QUEUE_LABELS, type DivergenceSide, type DivergenceView, type TransitionForm } from './pages/divergences.js'
import { MessagePage } from './pages/messages.js'
import { texts } from './text/en.js'

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i
const REPORT_LABELS = { from: 'Detected from', to: 'Detected to', kind: 'Kind', agency: 'Agency', destination: 'Destination', format: 'Format' } as const
const PAGE_SIZE = 25
const t = texts.divergences
type Body = Record<string, string | undefined>

/**
 * The auditors' divergence pages (officers read them too, as the API lets them): the queue
 * (GET /app/divergences) with its filters and counts, one divergence with both records side by
 * side and its history, and the form that moves it to another state (auditors only). The report,
 * the queue and a divergence are read through the use cases the API calls, which record each
 * read in the audit trail.
 */
export async function divergencePages (app: App, kit: PageKit): Promise<void> {
  const notFound = (request: FastifyRequest, reply: FastifyReply) =>
    kit.show(reply, 404, <MessagePage frame={kit.frameOf(request, reply)} title={texts.notFoundTitle} lead={t.notFound} action={{ href: '/app/divergences', label: t.queueTitle }} />)

  // the printable report (the API's HTML, under its own policy: inline styles only), read with the API's query schema
  app.get('/reports/divergences', { config: { ownContentPolicy: true } }, async (request, reply) => {
    const user = kit.signedIn(request, reply, ['officer', 'auditor'])
    if (user === undefined) return reply
    const raw = request.query as Record<string, unknown>
    const query = Object.fromEntries(Object.entries(raw).filter(([k, v]) => k !== 'format' && typeof v === 'string')) as Record<string, string>
    const read = readForm(ReportQuery, query, REPORT_LABELS)
    if (read.value === undefined || (read.value.from !== undefined && read.value.to !== undefined && read.value.to < read.value.from)) {
      const errors = read.errors.length > 0 ? read.errors : [{ field: 'to', message: `${REPORT_LABELS.to}: on or after the first day` }]
      return kit.show(reply, 400, <MessagePage frame={kit.frameOf(request, reply)} title={texts.errorSummaryTitle} lead={errors.map((e) => e.message).join('; ')} action={{ href: '/app/divergences', label: t.queueTitle }} />)
    }
    const exported = await exportDivergenceReport(app.services, user.subject, { ...read.value, format: 'html' })
    if (exported.format !== 'html') throw new Error('asked for the HTML report')
    const html = renderDivergenceReportHtml(exported.report, { formats: kit.formats, divergenceHref: (id) => `/app/divergences/${id}` })
    return reply.type('text/html; charset=utf-8').header('cache-control', 'no-store').header('content-security-policy', REPORT_HTML_CSP).send(html)
  })

  app.get('/divergences', async (request, reply) => {
    const user = kit.signedIn(request, reply, ['officer', 'auditor'])
    if (user === undefined) return reply
    const raw = request.query as Record<string, unknown>
    const query = Object.fromEntries(Object.entries(raw).filter(([k, v]) => k in QUEUE_LABELS && typeof v === 'string')) as Record<string, string>
    const read = readForm(DivergenceQuery, { limit: String(PAGE_SIZE), ...query }, QUEUE_LABELS)
    if (read.value === undefined) {
      return kit.show(reply, 400, <DivergenceQueuePage frame={kit.frameOf(request, reply)} query={query} errors={read.errors} results={undefined} formats={kit.formats} />)
    }
    const { kind: _kind, state: _state, limit: _limit, cursor: _cursor, ...others } = read.value
    const [page, counts] = await Promise.all([searchDivergences(app.services, user.subject, read.value), countDivergences(app.db, others)])
    const next = page.nextCursor === null ? undefined : new URLSearchParams({ ...query, cursor: page.nextCursor }).toString()
    return kit.show(reply, 200, (
      <DivergenceQueuePage frame={kit.frameOf(request, reply)} query={query} errors={[]} formats={kit.formats} results={{ divergences: page.divergences, counts, next }} />
    ))
  })

  app.get('/divergences/:id', async (request: FastifyRequest<{ Params: { id: string }, Querystring: { moved?: string } }>, reply) => {
    const user = kit.signedIn(request, reply, ['officer', 'auditor'])
    if (user === undefined) return reply
    const view = await divergenceView(app, request.params.id, user.subject)
    if (view === undefined) return notFound(request, reply)
    const moved = DIVERGENCE_STATES.find((s) => s === request.query.moved)
    return kit.show(reply, 200, (
      <DivergencePage
        frame={kit.frameOf(request, reply)} view={view} allowed={TRANSITIONS[view.summary.state]} canTransition={user.roles.includes('auditor')}
        form={{ state: '', reason: '' }} errors={[]} notice={moved === undefined ? undefined : t.moved(t.states[moved])} formats={kit.formats}
      />
    ))
  })

  app.post('/divergences/:id/transitions', async (request: FastifyRequest<{ Params: { id: string } }>, reply) => {
    const user = kit.signedIn(request, reply, ['auditor'])
    if (user === undefined) return reply
    const view = await divergenceView(app, request.params.id)
    if (view === undefined) return notFound(request, reply)
    const body = (request.body ?? {}) as Body
    const form: TransitionForm = { state: body.state ?? '', reason: (body.reason ?? '').trim() }
    const allowed = TRANSITIONS[view.summary.state]
    const again = (status: number, errors: FieldError[], shown = view) => kit.show(reply, status, (
      <DivergencePage
        frame={kit.frameOf(request, reply)} view={shown} allowed={TRANSITIONS[shown.summary.state]} canTransition
        form={form} errors={errors} notice={undefined} formats={kit.formats}
      />
    ))
    const labels: Record<string, string> = { state: t.newState, reason: t.reason }
    const errors = readNested(DivergenceTransition, form, (pointer) => pointer.split('/')[1] ?? '', (field) => labels[field] ?? field)
      .filter((e) => e.field !== 'state')
    // the states it may move to from where it is now, not every state: the error says which
    if (!allowed.includes(form.state as DivergenceState)) errors.unshift({ field: 'state', message: t.stateError(allowed.map((s) => t.states[s]).join(', ')) })
    if (errors.length > 0) return again(400, errors)
    try {
      await transitionDivergence(app.services, user.subject, view.summary.id, form.state as DivergenceState, form.reason)
    } catch (err) {
      if ((err as { code?: string }).code !== 'INVALID_TRANSITION') throw err
      // moved by someone else since the page was read: show it as it is now
      const now = await divergenceView(app, view.summary.id) ?? view
      return again(409, [{ field: 'state', message: t.movedMeanwhile(t.states[now.summary.state]) }], now)
    }
    return reply.redirect(`/app/divergences/${view.summary.id}?moved=${form.state}#history`, 303)
  })
}

/**
 * A divergence as its page shows it, or undefined when there is none by this id: read for
 * `reader` through `viewDivergence` (a divergence-viewed event), or, without a reader, for a
 * transition's checks and its form shown again (the transition is what the trail records).
 */
async function divergenceView (app: App, id: string, reader?: string): Promise<DivergenceView | undefined> {
  if (!UUID.test(id)) return undefined
  const read = reader === undefined
    ? getDivergence({ db: app.db, self: app.config.agency.id, keyRing: app.keyRing }, id)
    : viewDivergence(app.services, reader, id)
  const detail = await read.catch((err: { code?: string }) => {
    if (err.code === 'NOT_FOUND') return undefined
    throw err
  })
  if (detail === undefined) return undefined
  const { records, evidence, history, ...summary } = detail
  // who signed each decision's current version and when it reached us, as the decision's page says it
  const held = await app.db.transaction().execute((trx) => loadHeldDecisions(trx, [records.first, records.second]
    .filter((r) => r.kind === 'decision').map((r) => ({ issuer: r.issuer, recordId: r.recordId }))))
  const today = todayOf(app.clock)
  const side = (r: typeof records.first): DivergenceSide => {
    const decision = held.find((h) => h.issuer === r.issuer && h.recordId === r.recordId)
    const latest = r.entries.findLast((e) => e.jws !== null)
    const classification = r.kind === 'classification' && r.content !== null ? r.content as ClassificationContent : undefined
    return {
      issuer: r.issuer,
      own: r.issuer === app.config.agency.id,
      recordId: r.recordId,
      versionThen: r.version,
      versionNow: r.currentVersion,
      decision: decision === undefined
        ? undefined
        : {
            reference: decision.content.reference,
            outcome: decision.content.outcome,
            destination: decision.content.destination,
            decisionDate: decision.content.decisionDate,
            validUntil: decision.validUntil,
            revokedFrom: decision.revokedFrom,
            lifecycle: lifecycleOf(decision, today),
            endUse: decision.content.endUse,
            parties: decision.content.parties.map((p) => ({ role: p.role, name: p.name, latin: latinSpelling(p.name), country: p.country })),
            items: decision.content.items.map((i) => ({ description: i.description, codes: i.codes.map((c) => `${c.regime} ${c.code}`) }))
          },
      classification: classification === undefined
        ? undefined
        : {
            description: classification.item.description,
            manufacturer: classification.item.manufacturer,
            partNumber: classification.item.partNumber,
            result: classification.result,
            codes: classification.codes.map((c) => `${c.regime} ${c.code}`),
            classificationDate: classification.classificationDate,
            revokedFrom: r.revokedFrom
          },
      signature: decision !== undefined
        ? { kid: decision.kid, storedAt: decision.storedAt }
        : latest === undefined || latest.jws === null ? undefined : { kid: peekKid(latest.jws) ?? null, storedAt: null }
    }
  }
  return { summary, evidence, history, first: side(records.first), second: side(records.second) }
}
