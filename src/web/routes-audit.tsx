import { listAuditEvents } from '../audit/index.js'
import { verifyAuditTrail, type AuditTrailVerification } from '../use-cases/index.js'
import { AuditEventQuery } from '../http/schemas/audit.js'
import type { App } from '../http/types.js'
import { readForm, type FieldError } from './form-values.js'
import type { PageKit } from './page-kit.js'
import { AuditPage } from './pages/audit.js'
import { texts } from './text/en.js'

const PAGE_SIZE = 50
const FIELDS = ['action', 'actor', 'subjectType', 'subjectId', 'from', 'to', 'afterSeq'] as const
const DAY = /^\d{4}-\d{2}-\d{2}$/

/**
 * The auditors' audit trail (issue 13): the events read with the API's own query schema
 * (`AuditEventQuery`; days typed by a person become the UTC instants the API takes), in order,
 * a page at a time; the chain and its anchors verified on request (`verifyAuditTrail`), logged as the API logs it.
 */
export async function auditPages (app: App, kit: PageKit): Promise<void> {
  const show = async (request: Parameters<PageKit['frameOf']>[0], reply: Parameters<PageKit['frameOf']>[1], verification: AuditTrailVerification | undefined) => {
    const raw = request.query as Record<string, unknown>
    const query = Object.fromEntries(FIELDS.flatMap((k) => typeof raw[k] === 'string' ? [[k, raw[k]]] : [])) as Record<string, string>
    const errors: FieldError[] = []
    const day = (name: 'from' | 'to', offsetDays: number) => {
      const value = (query[name] ?? '').trim()
      if (value === '') return {}
      if (!DAY.test(value) || Number.isNaN(Date.parse(`${value}T00:00:00Z`))) {
        errors.push({ field: name, message: texts.audit.dateError(texts.audit.labels[name]) })
        return {}
      }
      return { [name]: new Date(Date.parse(`${value}T00:00:00Z`) + offsetDays * 86_400_000).toISOString() }
    }
    const asked = { ...query, ...day('from', 0), ...day('to', 1), limit: String(PAGE_SIZE) }
    const read = readForm(AuditEventQuery, asked, texts.audit.labels)
    const all = [...errors, ...read.errors.filter((e) => !errors.some((d) => d.field === e.field))]
    if (read.value === undefined || all.length > 0) {
      return kit.show(reply, 400, <AuditPage frame={kit.frameOf(request, reply)} self={app.config.agency.id} query={query} errors={all} events={undefined} next={undefined} verification={verification} formats={kit.formats} />)
    }
    const page = await listAuditEvents(app.db, read.value)
    const next = page.nextAfterSeq === null ? undefined : new URLSearchParams({ ...query, afterSeq: String(page.nextAfterSeq) }).toString()
    return kit.show(reply, 200, (
      <AuditPage frame={kit.frameOf(request, reply)} self={app.config.agency.id} query={query} errors={[]} events={page.events} next={next} verification={verification} formats={kit.formats} />
    ))
  }

  app.get('/audit', async (request, reply) => {
    if (kit.signedIn(request, reply, ['auditor']) === undefined) return reply
    return show(request, reply, undefined)
  })

  app.get('/audit/verification', async (request, reply) => {
    if (kit.signedIn(request, reply, ['auditor']) === undefined) return reply
    const result = await verifyAuditTrail(app.services, {})
    request.log.info({ ok: result.ok, checked: result.chain.checked, lastSeq: result.chain.lastSeq, firstBad: result.chain.ok ? undefined : result.chain.firstBad.seq, anchorFault: result.anchors.fault?.reason }, 'audit trail verified')
    return show(request, reply, result)
  })
}
