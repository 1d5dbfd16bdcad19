import type { FastifyReply, FastifyRequest } from 'fastify'
import { DecisionQuery, Renewal, Revocation } from '../http/schemas/records.js'
import type { App } from '../http/types.js'
import { lifecycleOf, loadHeldDecisions, getRecord, type DecisionContent, type HeldDecision, type RecordVersion } from '../records/index.js'
import { controlCategoryName, latinSpelling, normaliseCode } from '../matching/index.js'
import { AppError } from '../lib/errors.js'
import { renewDecision, revokeRecord, searchRecords, viewRecord } from '../use-cases/index.js'
import { readForm, type FieldError } from './form-values.js'
import type { PageKit } from './page-kit.js'
import { ChangeDecisionPage, DecisionPage, DecisionSearchPage, SEARCH_LABELS, type ChangeKind, type DecisionView } from './pages/decisions.js'
import { MessagePage } from './pages/messages.js'
import { texts } from './text/en.js'

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i
const PAGE_SIZE = 20

/**
 * The officers' and auditors' decision pages: the search (GET /app/decisions) and one decision,
 * each read through the use case the API calls, which records it in the audit trail.
 */
export async function decisionPages (app: App, kit: PageKit): Promise<void> {
  app.get('/decisions', async (request, reply) => {
    const user = kit.signedIn(request, reply, ['officer', 'auditor'])
    if (user === undefined) return reply
    const raw = request.query as Record<string, string>
    const query = Object.fromEntries(Object.entries(raw).filter(([k, v]) => k in SEARCH_LABELS && typeof v === 'string')) as Record<string, string>
    const asked = Object.entries(query).some(([k, v]) => k !== 'scope' && v.trim() !== '')
    const read = readForm(DecisionQuery, { limit: String(PAGE_SIZE), ...query }, SEARCH_LABELS)
    if (read.value === undefined) {
      return kit.show(reply, 400, <DecisionSearchPage frame={kit.frameOf(request, reply)} query={query} errors={read.errors} results={undefined} formats={kit.formats} />)
    }
    const page = asked || query.scope !== undefined ? await searchRecords(app.services, user.subject, read.value) : undefined
    const next = page?.nextCursor === null || page === undefined ? undefined : new URLSearchParams({ ...query, cursor: page.nextCursor }).toString()
    return kit.show(reply, 200, (
      <DecisionSearchPage
        frame={kit.frameOf(request, reply)} query={query} errors={[]} formats={kit.formats}
        results={page === undefined ? undefined : { records: page.records, next, partySearch: read.value.party !== undefined }}
      />
    ))
  })

  app.get('/decisions/:issuer/:recordId', async (request: FastifyRequest<{ Params: { issuer: string, recordId: string }, Querystring: { recorded?: string, revoked?: string, renewed?: string, amended?: string } }>, reply: FastifyReply) => {
    const user = kit.signedIn(request, reply, ['officer', 'auditor'])
    if (user === undefined) return reply
    const { issuer, recordId } = request.params
    const view = UUID.test(recordId) ? await viewedDecision(app, user.subject, issuer, recordId) : undefined
    if (view === undefined) {
      return kit.show(reply, 404, <MessagePage frame={kit.frameOf(request, reply)} title={texts.notFoundTitle} lead={texts.recordNotFoundLead} action={{ href: '/app/decisions', label: texts.decisionsTitle }} />)
    }
    const q = request.query
    const notice = q.recorded !== undefined ? texts.recordDecision.recorded : q.amended !== undefined ? texts.recordDecision.amended : q.revoked !== undefined ? texts.changes.revoked : q.renewed !== undefined ? texts.changes.renewed : undefined
    return kit.show(reply, 200, <DecisionPage frame={kit.frameOf(request, reply)} decision={view} formats={kit.formats} notice={notice} />)
  })

  // our own decisions' changes, each a question page: revoke, renew (the use cases the JSON API calls)
  const CHANGES = { revoke: { schema: Revocation, date: 'effectiveDate' }, renew: { schema: Renewal, date: 'validUntil' } } as const
  const ownDecision = async (request: FastifyRequest<{ Params: { recordId: string, change: string } }>, reply: FastifyReply) => {
    const change = request.params.change
    if (kit.signedIn(request, reply, ['officer']) === undefined) return undefined
    const view = change in CHANGES && UUID.test(request.params.recordId) ? await decisionView(app, app.config.agency.id, request.params.recordId) : undefined
    if (view === undefined || view.revokedFrom !== null) {
      void kit.show(reply, 404, <MessagePage frame={kit.frameOf(request, reply)} title={texts.notFoundTitle} lead={texts.recordNotFoundLead} action={{ href: '/app/decisions', label: texts.decisionsTitle }} />)
      return undefined
    }
    return { view, kind: change as ChangeKind }
  }

  // the question page shows the decision: read again through the use case, a view the audit trail records
  app.get('/decisions/own/:recordId/:change', async (request: FastifyRequest<{ Params: { recordId: string, change: string } }>, reply) => {
    const found = await ownDecision(request, reply)
    if (found === undefined) return reply
    const user = request.webUser as NonNullable<typeof request.webUser>
    const view = await viewedDecision(app, user.subject, app.config.agency.id, found.view.recordId)
    if (view === undefined) return kit.show(reply, 404, <MessagePage frame={kit.frameOf(request, reply)} title={texts.notFoundTitle} lead={texts.recordNotFoundLead} action={{ href: '/app/decisions', label: texts.decisionsTitle }} />)
    return kit.show(reply, 200, <ChangeDecisionPage frame={kit.frameOf(request, reply)} kind={found.kind} decision={view} values={{}} errors={[]} formats={kit.formats} />)
  })

  app.post('/decisions/own/:recordId/:change', async (request: FastifyRequest<{ Params: { recordId: string, change: string } }>, reply) => {
    const found = await ownDecision(request, reply)
    if (found === undefined) return reply
    const user = request.webUser as NonNullable<typeof request.webUser>
    const { kind, view } = found
    const { schema, date } = CHANGES[kind]
    const labels = { reason: texts.changes.reason, [date]: kind === 'revoke' ? texts.changes.effectiveDate : texts.changes.validUntil, version: texts.version }
    const raw = request.body as Record<string, unknown>
    const read = readForm(schema, raw, labels)
    const values = { reason: typeof raw.reason === 'string' ? raw.reason : '', [date]: typeof raw[date] === 'string' ? raw[date] : '' } as Record<string, string>
    const again = (status: number, errors: FieldError[]) =>
      kit.show(reply, status, <ChangeDecisionPage frame={kit.frameOf(request, reply)} kind={kind} decision={view} values={values} errors={errors} formats={kit.formats} />)
    if (read.value === undefined) return again(400, read.errors)
    try {
      if (kind === 'revoke') await revokeRecord(app.services, user.subject, 'decision', view.recordId, read.value)
      else await renewDecision(app.services, user.subject, view.recordId, read.value)
    } catch (err) {
      if (err instanceof AppError && err.status < 500) {
        const field = err.details?.[0]?.pointer.replace(/^\/body\//, '') ?? 'reason'
        return again(err.status, [{ field: field in labels ? field : 'reason', message: err.message }])
      }
      throw err
    }
    return reply.redirect(`/app/decisions/${encodeURIComponent(view.issuer)}/${view.recordId}?${kind === 'revoke' ? 'revoked' : 'renewed'}=1`, 303)
  })
}

/**
 * A decision as its page shows it, read through `viewRecord` (the API's read: a record-viewed
 * event names `reader` and the decision), or undefined when we hold none under this key.
 */
async function viewedDecision (app: App, reader: string, issuer: string, recordId: string): Promise<DecisionView | undefined> {
  try {
    const { held, versions } = await viewRecord(app.services, reader, { issuer, kind: 'decision', recordId })
    return held === undefined ? undefined : toDecisionView(app, held, versions)
  } catch (err) {
    if (err instanceof AppError && err.code === 'RECORD_NOT_FOUND') return undefined
    throw err
  }
}

/** One of our decisions, for a change's checks and the form posted again: not a view the audit trail records (the change it leads to is). */
async function decisionView (app: App, issuer: string, recordId: string): Promise<DecisionView | undefined> {
  const [held] = await app.db.transaction().execute((trx) => loadHeldDecisions(trx, [{ issuer, recordId }]))
  if (held === undefined) return undefined
  const { versions } = await getRecord(app.db, issuer, 'decision', recordId, app.clock)
  return toDecisionView(app, held, versions)
}

function toDecisionView (app: App, held: HeldDecision, versions: RecordVersion[]): DecisionView {
  const { issuer, recordId } = held
  const c: DecisionContent = held.content
  return {
    issuer,
    own: issuer === app.config.agency.id,
    recordId,
    reference: c.reference,
    outcome: c.outcome,
    destination: c.destination,
    decisionDate: c.decisionDate,
    validUntil: held.validUntil,
    revokedFrom: held.revokedFrom,
    lifecycle: lifecycleOf(held, app.clock.now().toISOString().slice(0, 10)),
    endUse: c.endUse,
    parties: c.parties.map((p) => ({
      role: p.role,
      name: p.name,
      latin: latinSpelling(p.name),
      aliases: p.aliases ?? [],
      country: p.country,
      address: p.address,
      identifiers: (p.identifiers ?? []).map((id) => `${id.scheme}: ${id.value}`)
    })),
    items: c.items.map((i) => ({ description: i.description, codes: i.codes.map(codeWithMeaning), quantity: i.quantity })),
    reasons: c.reasons.map((r) => `${r.scheme} ${r.code}`),
    signature: { kid: held.kid, storedAt: held.storedAt, entrySeq: held.latestSeq },
    versions
  }
}

/** A control code as written, and the category it falls in where the lists name it: "uk 3A001.a.1 (Electronics)". */
function codeWithMeaning (code: { regime: string, code: string }): string {
  const normalised = normaliseCode(code.regime, code.code)
  // the category's name only where its list is the dual-use numbering (EU, UK, Wassenaar, the US CCL) or the military list
  const name = normalised === null || !['dual-use', 'us-eccn', 'military'].includes(normalised.family) ? null : controlCategoryName(normalised.category)
  return `${code.regime} ${code.code}${name === null ? '' : ` (${name})`}`
}
