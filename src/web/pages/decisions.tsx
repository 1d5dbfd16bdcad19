import type { ListedDecision, RecordVersion } from '../../records/index.js'
import type { FieldError } from '../form-values.js'
import type { Formats } from '../../lib/format-dates.js'
import { Layout, type PageFrame } from '../layout.js'
import { texts } from '../text/en.js'
import { Csrf, ErrorSummary, TextArea, TextField } from './form-parts.js'

/** The search form's fields, in order, with their labels (the error summary's words too). */
export const SEARCH_LABELS = {
  party: 'Party name',
  destination: 'Destination',
  regime: 'Control list',
  code: 'Control entry',
  issuer: 'Agency',
  outcome: 'Outcome',
  scope: 'Whose decisions',
  status: 'Status',
  from: 'Decided from',
  to: 'Decided to',
  reference: 'Reference',
  country: 'Party country',
  limit: 'Per page',
  cursor: 'Page',
  inForce: 'In force'
} as const

const REGIMES = ['eu', 'uk', 'wassenaar', 'us-eccn', 'us-usml', 'mtcr', 'nsg', 'ag', 'cwc', 'national']

function Field ({ name, query, errors, hint, type = 'text', width }: { name: keyof typeof SEARCH_LABELS, query: Readonly<Record<string, string>>, errors: readonly FieldError[], hint?: string, type?: 'text' | 'date', width?: 'wide' | 'narrow' }) {
  return <TextField name={name} label={SEARCH_LABELS[name]} value={query[name] ?? ''} errors={errors} hint={hint} type={type} width={width} />
}

function Choice ({ name, query, options }: { name: keyof typeof SEARCH_LABELS, query: Readonly<Record<string, string>>, options: ReadonlyArray<readonly [string, string]> }) {
  return (
    <div class='field'>
      <label for={name}>{SEARCH_LABELS[name]}</label>
      <select id={name} name={name}>
        {options.map(([value, label]) => <option key={value} value={value} selected={(query[name] ?? '') === value}>{label}</option>)}
      </select>
    </div>
  )
}

export interface SearchResults {
  records: ListedDecision[]
  /** The query string of the next page, when there is one. */
  next: string | undefined
  partySearch: boolean
}

/** Search our decisions and our allies': filters in a GET form (a link can be shared), results paged. */
export function DecisionSearchPage ({ frame, query, errors, results, formats }: {
  frame: PageFrame, query: Readonly<Record<string, string>>, errors: readonly FieldError[], results: SearchResults | undefined, formats: Formats
}) {
  return (
    <Layout frame={{ ...frame, active: 'decisions' }} title={errors.length > 0 ? `Error: ${texts.decisionsTitle}` : texts.decisionsTitle}>
      <h1>{texts.decisionsTitle}</h1>
      {frame.user?.roles.includes('officer') === true && (
        <p>
          <a href='/app/decisions/new' class='button'>{texts.recordDecision.title}</a> <a href='/app/decisions/import' class='button button--quiet'>{texts.importDecisions.link}</a>
        </p>
      )}
      <ErrorSummary errors={errors} />
      <form method='get' action='/app/decisions' class='search-form' novalidate>
        <Field name='party' query={query} errors={errors} hint={texts.partyHint} width='wide' />
        <div class='field-row'>
          <Choice name='regime' query={query} options={[['', 'Any list'], ...REGIMES.map((r) => [r, r] as const)]} />
          <Field name='code' query={query} errors={errors} hint={texts.codeHint} />
        </div>
        <div class='field-row'>
          <Field name='destination' query={query} errors={errors} hint={texts.countryHint} width='narrow' />
          <Field name='issuer' query={query} errors={errors} hint={texts.issuerHint} />
          <Choice name='outcome' query={query} options={[['', 'Granted or denied'], ['granted', 'Granted'], ['denied', 'Denied']]} />
          <Choice name='scope' query={query} options={[['all', 'Ours and our allies\''], ['own', 'Ours'], ['allied', 'Our allies\'']]} />
          <Choice name='status' query={query} options={[['', 'Any status'], ['in_force', 'In force'], ['revoked', 'Revoked'], ['lapsed', 'Lapsed']]} />
        </div>
        <div class='field-row'>
          <Field name='from' query={query} errors={errors} type='date' />
          <Field name='to' query={query} errors={errors} type='date' />
        </div>
        <button type='submit' class='button'>{texts.search}</button>
      </form>
      {results !== undefined && <Results results={results} formats={formats} />}
    </Layout>
  )
}

function Results ({ results, formats }: { results: SearchResults, formats: Formats }) {
  if (results.records.length === 0) return <p class='lead' role='status'>{texts.noDecisions}</p>
  return (
    <>
      <table class='results'>
        <caption>{texts.decisionsCaption(results.records.length, results.partySearch)}</caption>
        <thead>
          <tr>
            <th scope='col'>{texts.columnReference}</th><th scope='col'>{texts.columnAgency}</th><th scope='col'>{texts.columnOutcome}</th>
            <th scope='col'>{texts.columnDestination}</th><th scope='col'>{texts.columnDecided}</th><th scope='col'>{texts.columnParties}</th>
            <th scope='col'>{texts.columnCodes}</th><th scope='col'>{texts.columnStatus}</th>
            {results.partySearch && <th scope='col'>{texts.columnMatch}</th>}
          </tr>
        </thead>
        <tbody>
          {results.records.map((d) => (
            <tr key={`${d.issuer}/${d.recordId}`}>
              <td><a href={`/app/decisions/${encodeURIComponent(d.issuer)}/${d.recordId}`}>{d.content.reference}</a></td>
              <td>{d.own ? texts.ours(d.issuer) : d.issuer}</td>
              <td><Outcome outcome={d.content.outcome} /></td>
              <td>{d.content.destination}</td>
              <td>{formats.date(d.content.decisionDate)}</td>
              <td><ul class='plain'>{d.content.parties.map((p, i) => <li key={i}><PartyName name={p.name} /> <span class='muted'>({texts.roleLabel(p.role)}, {p.country})</span></li>)}</ul></td>
              <td>{d.content.items.flatMap((i) => i.codes).map((c) => `${c.regime} ${c.code}`).join(', ')}</td>
              <td>{texts.lifecycle[d.lifecycle]}</td>
              {results.partySearch && <td>{d.match === undefined ? '' : <><strong>{d.match.score.toFixed(2)}</strong> <span class='muted'>{d.match.explanation}</span></>}</td>}
            </tr>
          ))}
        </tbody>
      </table>
      {results.next !== undefined && <p><a href={`/app/decisions?${results.next}`} rel='next'>{texts.nextPage}</a></p>}
    </>
  )
}

export function Outcome ({ outcome }: { outcome: 'granted' | 'denied' }) {
  return <strong class={`tag ${outcome === 'denied' ? 'tag--denied' : 'tag--granted'}`}>{outcome === 'denied' ? texts.denied : texts.granted}</strong>
}

/** A name as written, and, when written in another script, its Latin spelling beside it. */
export function PartyName ({ name, latin }: { name: string, latin?: string | undefined }) {
  return <>{name}{latin !== undefined && latin !== name && <span class='latin'> ({latin})</span>}</>
}

export interface DecisionView {
  issuer: string
  own: boolean
  recordId: string
  reference: string
  outcome: 'granted' | 'denied'
  destination: string
  decisionDate: string
  validUntil: string | null
  revokedFrom: string | null
  lifecycle: 'in_force' | 'revoked' | 'lapsed'
  endUse: string
  parties: Array<{ role: string, name: string, latin: string | undefined, aliases: string[], country: string, address: string | undefined, identifiers: string[] }>
  items: Array<{ description: string, codes: string[], quantity: number | undefined }>
  reasons: string[]
  signature: { kid: string | null, storedAt: Date, entrySeq: number }
  versions: RecordVersion[]
}

/** One decision: what was decided, about whom and what, who signed it and when it reached us, and its versions. */
export function DecisionPage ({ frame, decision, formats, notice }: { frame: PageFrame, decision: DecisionView, formats: Formats, notice?: string | undefined }) {
  const d = decision
  return (
    <Layout frame={{ ...frame, active: 'decisions' }} title={d.reference}>
      {notice !== undefined && <p class='notice' role='status'>{notice}</p>}
      <span class='caption'>{d.own ? texts.ourDecision : texts.alliedDecision(d.issuer)}</span>
      <h1>{d.reference}</h1>
      <dl class='summary'>
        <dt>{texts.columnOutcome}</dt><dd><Outcome outcome={d.outcome} /></dd>
        <dt>{texts.columnStatus}</dt><dd>{texts.lifecycle[d.lifecycle]}{d.revokedFrom !== null && ` (${texts.revokedFrom(formats.date(d.revokedFrom))})`}</dd>
        <dt>{texts.columnDestination}</dt><dd>{d.destination}</dd>
        <dt>{texts.columnDecided}</dt><dd>{formats.date(d.decisionDate)}</dd>
        <dt>{texts.validUntil}</dt><dd>{d.validUntil === null ? texts.noEnd : formats.date(d.validUntil)}</dd>
        <dt>{texts.endUse}</dt><dd>{d.endUse === '' ? texts.notGiven : d.endUse}</dd>
        {d.reasons.length > 0 && <><dt>{texts.reasons}</dt><dd>{d.reasons.join(', ')}</dd></>}
      </dl>
      <h2>{texts.columnParties}</h2>
      <table>
        <caption class='visually-hidden'>{texts.columnParties}</caption>
        <thead><tr><th scope='col'>{texts.role}</th><th scope='col'>{texts.nameAsWritten}</th><th scope='col'>{texts.latinSpelling}</th><th scope='col'>{texts.country}</th><th scope='col'>{texts.identifiers}</th></tr></thead>
        <tbody>
          {d.parties.map((p, i) => (
            <tr key={i}>
              <td>{texts.roleLabel(p.role)}</td>
              <td>{p.name}{p.aliases.length > 0 && <div class='muted'>{texts.aliases}: {p.aliases.join('; ')}</div>}{p.address !== undefined && <div class='muted'>{p.address}</div>}</td>
              <td>{p.latin ?? texts.sameAsWritten}</td>
              <td>{p.country}</td>
              <td>{p.identifiers.length === 0 ? '' : p.identifiers.join('; ')}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <h2>{texts.items}</h2>
      <table>
        <caption class='visually-hidden'>{texts.items}</caption>
        <thead><tr><th scope='col'>{texts.description}</th><th scope='col'>{texts.columnCodes}</th><th scope='col'>{texts.quantity}</th></tr></thead>
        <tbody>{d.items.map((item, i) => <tr key={i}><td>{item.description}</td><td>{item.codes.join(', ')}</td><td>{item.quantity ?? ''}</td></tr>)}</tbody>
      </table>
      <h2>{texts.signature}</h2>
      <p>{d.own ? texts.signedByUs(d.signature.kid ?? '') : texts.signedBy(d.issuer, d.signature.kid ?? '', formats.dateTime(d.signature.storedAt))}</p>
      {d.own && d.revokedFrom === null && frame.user?.roles.includes('officer') === true && (
        <>
          <h2>{texts.changes.section}</h2>
          <ul>
            <li><a href={`/app/decisions/own/${d.recordId}/amend`}>{texts.changes.amendLink}</a></li>
            <li><a href={`/app/decisions/own/${d.recordId}/revoke`}>{texts.changes.revokeLink}</a></li>
            <li><a href={`/app/decisions/own/${d.recordId}/renew`}>{texts.changes.renewLink}</a></li>
          </ul>
        </>
      )}
      <h2>{texts.versions}</h2>
      <table>
        <caption class='visually-hidden'>{texts.versions}</caption>
        <thead><tr><th scope='col'>{texts.version}</th><th scope='col'>{texts.change}</th><th scope='col'>{texts.published}</th><th scope='col'>{texts.feedEntry}</th></tr></thead>
        <tbody>{d.versions.map((v) => <tr key={v.seq}><td>{v.version}</td><td>{texts.entryKind(v.kind)}</td><td>{formats.dateTime(v.publishedAt)}</td><td>{texts.entryAt(d.issuer, v.seq)}</td></tr>)}</tbody>
      </table>
    </Layout>
  )
}

export type ChangeKind = 'revoke' | 'renew'

/** A question page for one change of our decision: why, and from or until when; the decision summarised above it. */
export function ChangeDecisionPage ({ frame, kind, decision, values, errors, formats }: {
  frame: PageFrame, kind: ChangeKind, decision: DecisionView, values: Readonly<Record<string, string>>, errors: readonly FieldError[], formats: Formats
}) {
  const c = texts.changes
  const d = decision
  const title = kind === 'revoke' ? c.revokeTitle(d.reference) : c.renewTitle(d.reference)
  const version = Math.max(...d.versions.map((v) => v.version))
  return (
    <Layout frame={{ ...frame, active: 'decisions' }} title={errors.length > 0 ? `Error: ${title}` : title}>
      <span class='caption'>{texts.ourDecision}</span>
      <h1>{title}</h1>
      <p class='lead'>{kind === 'revoke' ? c.revokeLead : c.renewLead}</p>
      <ErrorSummary errors={errors} />
      <dl class='summary'>
        <dt>{texts.columnOutcome}</dt><dd><Outcome outcome={d.outcome} /></dd>
        <dt>{texts.columnDestination}</dt><dd>{d.destination}</dd>
        <dt>{texts.columnParties}</dt><dd>{d.parties.map((p) => p.name).join('; ')}</dd>
        <dt>{texts.columnDecided}</dt><dd>{formats.date(d.decisionDate)}</dd>
        <dt>{texts.validUntil}</dt><dd>{d.validUntil === null ? texts.noEnd : formats.date(d.validUntil)}</dd>
      </dl>
      <form method='post' action={`/app/decisions/own/${d.recordId}/${kind}`} novalidate>
        <Csrf token={frame.csrf} />
        <input type='hidden' name='version' value={String(version)} />
        <TextArea name='reason' label={c.reason} value={values.reason ?? ''} errors={errors} hint={c.reasonHint} rows={3} />
        {kind === 'revoke'
          ? <TextField name='effectiveDate' label={c.effectiveDate} value={values.effectiveDate ?? ''} errors={errors} hint={c.effectiveDateHint} />
          : <TextField name='validUntil' label={c.validUntil} value={values.validUntil ?? ''} errors={errors} hint={c.validUntilHint} />}
        <p>
          <button type='submit' class={`button${kind === 'revoke' ? ' button--warning' : ''}`}>{kind === 'revoke' ? c.revoke : c.renew}</button>{' '}
          <a href={`/app/decisions/${encodeURIComponent(d.issuer)}/${d.recordId}`}>{c.cancel}</a>
        </p>
      </form>
    </Layout>
  )
}
