import type { AuditEvent, ChainVerification } from '../../audit/index.js'
import type { FieldError } from '../form-values.js'
import type { Formats } from '../../lib/format-dates.js'
import { Layout, type PageFrame } from '../layout.js'
import { texts } from '../text/en.js'
import { ErrorSummary, TextField } from './form-parts.js'

const t = texts.audit

/** Where an event's subject has a page of its own. */
function subjectHref (subject: AuditEvent['subject'], self: string): string | undefined {
  if (subject.type === 'record') return `/app/decisions/${encodeURIComponent(self)}/${subject.id}`
  if (subject.type === 'divergence') return `/app/divergences/${subject.id}`
  if (subject.type === 'screening') return `/app/screenings/${subject.id}`
  if (subject.type === 'consultation') return `/app/consultations/${subject.id}`
  return undefined
}

/** The audit trail for auditors: filtered in a GET form, in order, a page at a time; the chain verified on request. */
export function AuditPage ({ frame, self, query, errors, events, next, verification, formats }: {
  frame: PageFrame
  self: string
  query: Readonly<Record<string, string>>
  errors: readonly FieldError[]
  events: AuditEvent[] | undefined
  next: string | undefined
  verification: ChainVerification | undefined
  formats: Formats
}) {
  return (
    <Layout frame={{ ...frame, active: 'audit' }} title={errors.length > 0 ? `Error: ${t.title}` : t.title}>
      <h1>{t.title}</h1>
      <p class='lead'>{t.lead}</p>
      <section aria-labelledby='verify-heading'>
        <h2 id='verify-heading'>{t.verifyTitle}</h2>
        <p>{t.verifyLead}</p>
        {verification !== undefined && (verification.ok
          ? <p class='notice' role='status'>{t.verified(verification.checked, verification.lastSeq)} <span class='muted'>{verification.lastHash === null ? '' : t.lastHash(verification.lastHash)}</span></p>
          : <p class='warning-panel' role='alert'><strong>{t.broken(verification.firstBad.seq, t.brokenReasons[verification.firstBad.reason] ?? verification.firstBad.reason, verification.firstBad.detail)}</strong></p>)}
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
                const href = subjectHref(e.subject, self)
                return (
                  <tr key={e.seq}>
                    <td>{e.seq}</td>
                    <td>{formats.dateTime(e.at)}</td>
                    <td>{e.actor}</td>
                    <td>{e.action}</td>
                    <td>{e.subject.type} {href === undefined ? e.subject.id : <a href={href}>{e.subject.id}</a>}</td>
                    <td class='explanation'><code>{JSON.stringify(e.detail)}</code></td>
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
