import type { AuditEvent } from '../../audit/index.js'
import type { AuditTrailVerification } from '../../use-cases/index.js'
import type { FieldError } from '../form-values.js'
import type { Formats } from '../../lib/format-dates.js'
import { Layout, type PageFrame } from '../layout.js'
import { texts } from '../text/en.js'
import { ErrorSummary, TextField } from './form-parts.js'

const t = texts.audit

/** Where an event's subject has a page of its own (a record's: a decision's only; the others have none in the pages). */
function subjectHref (event: AuditEvent, self: string): string | undefined {
  const { subject, detail } = event
  const decision = detail.kind === undefined || detail.kind === 'decision'
  if (subject.type === 'record' && decision) return `/app/decisions/${encodeURIComponent(self)}/${subject.id}`
  if (subject.type === 'allied-record' && decision) {
    const [issuer, recordId] = subject.id.split('/')
    return `/app/decisions/${encodeURIComponent(issuer ?? '')}/${recordId ?? ''}`
  }
  if (subject.type === 'divergence') return `/app/divergences/${subject.id}`
  if (subject.type === 'screening') return `/app/screenings/${subject.id}`
  if (subject.type === 'consultation') return `/app/consultations/${subject.id}`
  return undefined
}

const textOf = (value: unknown) => typeof value === 'string' ? value : JSON.stringify(value)
const countOf = (value: unknown) => typeof value === 'number' ? value : 0

/** The filters a read was asked with, in words ("party: Goznak; scope: allied"), the page size left out; and whether it was a later page. */
function filtersText (detail: Record<string, unknown>): string {
  const filters = typeof detail.filters === 'object' && detail.filters !== null ? Object.entries(detail.filters) : []
  const asked = filters.filter(([name]) => name !== 'limit').map(([name, value]) => `${name}: ${textOf(value)}`)
  if (typeof detail.cursor === 'string') asked.push(t.reads.nextPage)
  return asked.join('; ')
}

/** A read's event in a sentence; undefined for the other actions, whose detail is shown as it is. */
function readSummary ({ action, detail }: AuditEvent): string | undefined {
  switch (action) {
    case 'records-searched': return t.reads.searched(countOf(detail.count), textOf(detail.kind), filtersText(detail))
    case 'record-viewed': return t.reads.viewed(textOf(detail.kind), textOf(detail.issuer), countOf(detail.version))
    case 'divergences-searched': return t.reads.queue(countOf(detail.count), filtersText(detail))
    case 'divergence-viewed': {
      const records = Array.isArray(detail.records) ? detail.records as Array<Record<string, unknown>> : []
      return t.reads.divergence(records.map((r) => `${textOf(r.issuer)} ${textOf(r.id)} v${countOf(r.version)}`).join(', '))
    }
    case 'report-exported': return t.reads.exported(textOf(detail.format), countOf(detail.count), filtersText(detail))
    default: return undefined
  }
}

/** The detail column: a read in a sentence with what it returned folded under it; any other event's detail as it is. */
function Detail ({ event }: { event: AuditEvent }) {
  const summary = readSummary(event)
  const json = <code>{JSON.stringify(event.detail)}</code>
  if (summary === undefined) return json
  return (
    <>
      <p>{summary}</p>
      <details><summary>{t.reads.detail}</summary>{json}</details>
    </>
  )
}

/** The audit trail for auditors: filtered in a GET form, in order, a page at a time; the chain verified on request. */
export function AuditPage ({ frame, self, query, errors, events, next, verification, formats }: {
  frame: PageFrame
  self: string
  query: Readonly<Record<string, string>>
  errors: readonly FieldError[]
  events: AuditEvent[] | undefined
  next: string | undefined
  verification: AuditTrailVerification | undefined
  formats: Formats
}) {
  return (
    <Layout frame={{ ...frame, active: 'audit' }} title={errors.length > 0 ? `Error: ${t.title}` : t.title}>
      <h1>{t.title}</h1>
      <p class='lead'>{t.lead}</p>
      <section aria-labelledby='verify-heading'>
        <h2 id='verify-heading'>{t.verifyTitle}</h2>
        <p>{t.verifyLead}</p>
        {verification !== undefined && (!verification.chain.ok
          ? <p class='warning-panel' role='alert'><strong>{t.broken(verification.chain.firstBad.seq, t.brokenReasons[verification.chain.firstBad.reason] ?? verification.chain.firstBad.reason, verification.chain.firstBad.detail)}</strong></p>
          : verification.anchors.fault !== null
            ? <p class='warning-panel' role='alert'><strong>{t.anchorFault(verification.anchors.fault.detail)}</strong></p>
            : <p class='notice' role='status'>{t.verified(verification.chain.checked, verification.chain.lastSeq)} {t.anchorsChecked(verification.anchors.checked)} <span class='muted'>{verification.chain.lastHash === null ? '' : t.lastHash(verification.chain.lastHash)}</span></p>)}
        <form method='get' action='/app/audit/verification'><button type='submit' class='button'>{t.verify}</button></form>
      </section>
      <h2>{t.filter}</h2>
      <ErrorSummary errors={errors} />
      <form method='get' action='/app/audit' class='search-form' novalidate>
        <div class='field-row'>
          <TextField name='action' label={t.labels.action} value={query.action ?? ''} errors={errors} hint={t.actionHint} />
          <TextField name='actor' label={t.labels.actor} value={query.actor ?? ''} errors={errors} hint={t.actorHint} />
        </div>
        <div class='field-row'>
          <TextField name='subjectType' label={t.labels.subjectType} value={query.subjectType ?? ''} errors={errors} />
          <TextField name='subjectId' label={t.labels.subjectId} value={query.subjectId ?? ''} errors={errors} />
          <TextField name='from' label={t.labels.from} value={query.from ?? ''} errors={errors} hint={t.dateHint} />
          <TextField name='to' label={t.labels.to} value={query.to ?? ''} errors={errors} hint={t.dateHint} />
        </div>
        <button type='submit' class='button'>{t.filter}</button>
      </form>
      {events !== undefined && (events.length === 0
        ? <p role='status'>{t.none}</p>
        : (
          <table class='results'>
            <caption>{t.caption(events.length)}</caption>
            <thead><tr>{Object.values(t.columns).map((c) => <th key={c} scope='col'>{c}</th>)}</tr></thead>
            <tbody>
              {events.map((e) => {
                const href = subjectHref(e, self)
                const label = t.actions[e.action]
                return (
                  <tr key={e.seq}>
                    <td>{e.seq}</td>
                    <td>{formats.dateTime(e.at)}</td>
                    <td>{e.actor}</td>
                    <td>{label === undefined ? e.action : <>{label} <span class='muted'>({e.action})</span></>}</td>
                    <td>{e.subject.type} {href === undefined ? e.subject.id : <a href={href}>{e.subject.id}</a>}</td>
                    <td class='explanation'><Detail event={e} /></td>
                  </tr>
                )
              })}
            </tbody>
          </table>
          ))}
      {next !== undefined && <p><a href={`/app/audit?${next}`} rel='next'>{texts.nextPage}</a></p>}
    </Layout>
  )
}
