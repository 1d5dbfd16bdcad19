import type { AlertView, CaseSummary, CaseView, WatchedPartyView } from '../../alerts/index.js'
import type { Formats } from '../../lib/format-dates.js'
import type { FieldError } from '../form-values.js'
import { Layout, type PageFrame } from '../layout.js'
import { texts } from '../text/en.js'
import { Checkbox, ErrorSummary, TextArea, TextField } from './form-parts.js'

const t = texts.cases
const w = texts.watchList

/** The officer's open cases, newest first. */
export function CasesPage ({ frame, cases, notice, formats }: { frame: PageFrame, cases: readonly CaseSummary[], notice: string | undefined, formats: Formats }) {
  return (
    <Layout frame={{ ...frame, active: 'cases' }} title={t.title}>
      <h1>{t.title}</h1>
      <p class='lead'>{t.lead}</p>
      {notice !== undefined && <p class='notice' role='status'>{notice}</p>}
      {cases.length === 0
        ? <p role='status'>{t.none}</p>
        : (
          <table class='results'>
            <caption>{t.caption(cases.length)}</caption>
            <thead><tr>{Object.values(t.columns).map((c) => <th key={c} scope='col'>{c}</th>)}</tr></thead>
            <tbody>
              {cases.map((c) => (
                <tr key={c.id}>
                  <td><a href={`/app/cases/${c.id}`}>{c.reference}</a></td>
                  <td>{c.destination}</td>
                  <td>{c.parties.join('; ')}</td>
                  <td>{c.hits}</td>
                  <td>{formats.dateTime(c.openedAt)}</td>
                </tr>
              ))}
            </tbody>
          </table>
          )}
    </Layout>
  )
}

/** One case: what it is, its hits (alerts), and the form that withdraws it while it is open. */
export function CasePage ({ frame, view, errors, reason, notice, formats }: {
  frame: PageFrame
  view: CaseView
  errors: readonly FieldError[]
  reason: string
  notice: string | undefined
  formats: Formats
}) {
  return (
    <Layout frame={{ ...frame, active: 'cases' }} title={errors.length > 0 ? `Error: ${t.caseTitle(view.reference)}` : t.caseTitle(view.reference)}>
      <h1>{t.caseTitle(view.reference)}</h1>
      {notice !== undefined && <p class='notice' role='status'>{notice}</p>}
      <ErrorSummary errors={errors} />
      <dl class='summary'>
        <dt>{t.state}</dt><dd>{t.states[view.state] ?? view.state}{view.closeReason === null ? '' : ` (${view.closeReason})`}</dd>
        <dt>{texts.columnDestination}</dt><dd>{view.destination}</dd>
        <dt>{t.columns.parties}</dt><dd>{view.parties.join('; ')}</dd>
        <dt>{t.columns.opened}</dt><dd>{formats.dateTime(view.openedAt)}</dd>
        {view.screeningId !== null && <><dt>{t.screening}</dt><dd><a href={`/app/screenings/${view.screeningId}`}>{t.screening}</a></dd></>}
      </dl>
      <h2>{t.hitsTitle}</h2>
      {view.hits.length === 0 ? <p>{t.noHits}</p> : <HitList hits={view.hits} formats={formats} />}
      {view.state === 'open' && (
        <section aria-labelledby='withdraw-heading'>
          <h2 id='withdraw-heading'>{t.withdrawTitle}</h2>
          <form method='post' action={`/app/cases/${view.id}/withdrawal`} novalidate>
            <input type='hidden' name='_csrf' value={frame.csrf ?? ''} />
            <TextArea name='reason' label={t.reason} hint={t.reasonHint} value={reason} errors={errors} />
            <button type='submit' class='button button--secondary'>{t.withdraw}</button>
          </form>
        </section>
      )}
    </Layout>
  )
}

function HitList ({ hits, formats }: { hits: readonly AlertView[], formats: Formats }) {
  return (
    <ul class='hit-list'>
      {hits.map((h) => (
        <li key={h.id}>
          <strong>{h.record === null ? h.title : <a href={`/app/decisions/${encodeURIComponent(h.record.issuer)}/${h.record.recordId}`}>{h.title}</a>}</strong>
          {' '}<span class='muted'>{formats.dateTime(h.raisedAt)}{h.holds ? '' : `, ${texts.alerts.noLongerHolds.toLowerCase()}`}</span>
          <p class='muted'>{h.explanation}</p>
        </li>
      ))}
    </ul>
  )
}

/** The parties the officer and the agency watch, each removable, and the form that adds one. */
export function WatchListPage ({ frame, user, parties, values, errors, notice }: {
  frame: PageFrame
  user: string
  parties: readonly WatchedPartyView[]
  values: Readonly<Record<string, string>>
  errors: readonly FieldError[]
  notice: string | undefined
}) {
  return (
    <Layout frame={{ ...frame, active: 'watch-list' }} title={errors.length > 0 ? `Error: ${w.title}` : w.title}>
      <h1>{w.title}</h1>
      <p class='lead'>{w.lead}</p>
      {notice !== undefined && <p class='notice' role='status'>{notice}</p>}
      <ErrorSummary errors={errors} />
      {parties.length === 0
        ? <p role='status'>{w.none}</p>
        : (
          <table class='results'>
            <caption>{w.caption(parties.length)}</caption>
            <thead><tr>{Object.values(w.columns).map((c) => <th key={c} scope='col'>{c}</th>)}<th scope='col'><span class='visually-hidden'>{w.remove}</span></th></tr></thead>
            <tbody>
              {parties.map((p) => (
                <tr key={p.id}>
                  <td>{p.name}{p.aliases.length === 0 ? '' : ` (${p.aliases.join('; ')})`}</td>
                  <td>{p.country ?? ''}</td>
                  <td>{p.note}</td>
                  <td>{p.owner === user ? w.you : w.agency}</td>
                  <td>
                    <form method='post' action={`/app/watched-parties/${p.id}/removal`} class='inline-form'>
                      <input type='hidden' name='_csrf' value={frame.csrf ?? ''} />
                      <button type='submit' class='button button--secondary'>{w.remove}<span class='visually-hidden'>: {p.name}</span></button>
                    </form>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          )}
      <h2>{w.addTitle}</h2>
      <form method='post' action='/app/watched-parties' novalidate>
        <input type='hidden' name='_csrf' value={frame.csrf ?? ''} />
        <TextField name='name' label={w.labels.name as string} value={values.name ?? ''} errors={errors} width='wide' />
        <TextArea name='aliases' label={w.labels.aliases as string} hint={w.aliasesHint} value={values.aliases ?? ''} errors={errors} />
        <TextField name='country' label={w.labels.country as string} hint={w.countryHint} value={values.country ?? ''} errors={errors} width='narrow' />
        <TextField name='note' label={w.labels.note as string} value={values.note ?? ''} errors={errors} width='wide' />
        <Checkbox name='forAgency' label={w.labels.forAgency as string} checked={values.forAgency === 'yes'} />
        <button type='submit' class='button'>{w.add}</button>
      </form>
    </Layout>
  )
}
