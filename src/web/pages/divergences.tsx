import {
  DIVERGENCE_KINDS, DIVERGENCE_STATES, SEVERITIES,
  type ClassificationPairEvidence, type DecisionPairEvidence, type DivergenceKind, type DivergenceState, type DivergenceSummary
} from '../../divergence/index.js'
import type { ComponentChildren } from 'preact'
import type { Lifecycle } from '../../records/index.js'
import type { FieldError } from '../form-values.js'
import type { Formats } from '../../lib/format-dates.js'
import { Layout, type PageFrame } from '../layout.js'
import { texts } from '../text/en.js'
import { Outcome, PartyName } from './decisions.js'
import { Csrf, ErrorSummary, Radios, SelectField, TextArea, TextField } from './form-parts.js'

const t = texts.divergences
type Query = Readonly<Record<string, string>>

/** The queue's filters (the API's query, `DivergenceQuery`), with their labels: the error summary's words too. */
export const QUEUE_LABELS = t.filters

/** How many divergences of each kind are in each state, under the queue's other filters. */
export type DivergenceCounts = ReadonlyArray<{ kind: DivergenceKind, state: DivergenceState, count: number }>

export interface QueueResults {
  divergences: DivergenceSummary[]
  counts: DivergenceCounts
  /** The query string of the next page, when there is one. */
  next: string | undefined
}

/** The auditors' divergence queue: filters in a GET form, counts per kind and state, the divergences newest first, paged. */
export function DivergenceQueuePage ({ frame, query, errors, results, formats }: {
  frame: PageFrame, query: Query, errors: readonly FieldError[], results: QueueResults | undefined, formats: Formats
}) {
  const field = (name: 'agency' | 'destination' | 'controlCategory' | 'from' | 'to', hint?: string, width?: 'narrow') =>
    <TextField name={name} label={t.filters[name]} value={query[name] ?? ''} errors={errors} hint={hint} type={name === 'from' || name === 'to' ? 'date' : 'text'} width={width} />
  return (
    <Layout frame={{ ...frame, active: 'divergences' }} title={errors.length > 0 ? `Error: ${t.queueTitle}` : t.queueTitle}>
      <h1>{t.queueTitle}</h1>
      <p class='lead'>{t.queueLead}</p>
      <p><a href='/app/reports/divergences'>{t.reportLink}</a></p>
      <ErrorSummary errors={errors} />
      <form method='get' action='/app/divergences' class='search-form' novalidate>
        <div class='field-row'>
          <SelectField name='kind' label={t.filters.kind} value={query.kind ?? ''} errors={errors} options={[['', t.anyKind], ...DIVERGENCE_KINDS.map((k) => [k, t.kinds[k]] as const)]} />
          <SelectField name='state' label={t.filters.state} value={query.state ?? ''} errors={errors} options={[['', t.anyState], ...DIVERGENCE_STATES.map((s) => [s, t.states[s]] as const)]} />
          <SelectField name='severity' label={t.filters.severity} value={query.severity ?? ''} errors={errors} options={[['', t.anySeverity], ...SEVERITIES.map((s) => [s, t.severities[s]] as const)]} />
        </div>
        <div class='field-row'>
          {field('agency', t.agencyHint)}
          {field('destination', t.destinationHint, 'narrow')}
          {field('controlCategory', t.controlCategoryHint)}
        </div>
        <div class='field-row'>
          {field('from')}
          {field('to')}
        </div>
        <button type='submit' class='button'>{t.filter}</button>
      </form>
      {results !== undefined && <Counts counts={results.counts} query={query} />}
      {results !== undefined && <Queue results={results} formats={formats} />}
    </Layout>
  )
}

/** The queue's address with `changes` applied to its filters (a new page starts from the first). */
function queueHref (query: Query, changes: Readonly<Record<string, string>>): string {
  const { cursor: _cursor, ...kept } = query
  const params = new URLSearchParams(Object.entries({ ...kept, ...changes }).filter(([, v]) => v !== ''))
  const search = params.toString()
  return search === '' ? '/app/divergences' : `/app/divergences?${search}`
}

function Counts ({ counts, query }: { counts: DivergenceCounts, query: Query }) {
  const count = (kind?: DivergenceKind, state?: DivergenceState) =>
    counts.filter((c) => (kind === undefined || c.kind === kind) && (state === undefined || c.state === state)).reduce((sum, c) => sum + c.count, 0)
  const cell = (kind: DivergenceKind | undefined, state: DivergenceState | undefined) => {
    const n = count(kind, state)
    const which = [kind === undefined ? t.anyKind : t.kinds[kind], state === undefined ? t.anyState : t.states[state]].join(', ')
    return n === 0
      ? <>0</>
      : <a href={queueHref(query, { kind: kind ?? '', state: state ?? '' })}>{n}<span class='visually-hidden'> ({which})</span></a>
  }
  return (
    <table class='counts'>
      <caption>{t.countsCaption}</caption>
      <thead>
        <tr>
          <th scope='col'>{t.filters.kind}</th>
          {DIVERGENCE_STATES.map((s) => <th scope='col' key={s}>{t.states[s]}</th>)}
          <th scope='col'>{t.total}</th>
        </tr>
      </thead>
      <tbody>
        {DIVERGENCE_KINDS.map((k) => (
          <tr key={k}>
            <th scope='row'>{t.kinds[k]}</th>
            {DIVERGENCE_STATES.map((s) => <td key={s}>{cell(k, s)}</td>)}
            <td>{cell(k, undefined)}</td>
          </tr>
        ))}
        <tr>
          <th scope='row'>{t.total}</th>
          {DIVERGENCE_STATES.map((s) => <td key={s}>{cell(undefined, s)}</td>)}
          <td>{cell(undefined, undefined)}</td>
        </tr>
      </tbody>
    </table>
  )
}

function Queue ({ results, formats }: { results: QueueResults, formats: Formats }) {
  if (results.divergences.length === 0) return <p class='lead' role='status'>{t.none}</p>
  return (
    <>
      <table class='results'>
        <caption>{t.caption(results.divergences.length)}</caption>
        <thead>
          <tr>
            <th scope='col'>{t.columnDetected}</th><th scope='col'>{t.filters.kind}</th><th scope='col'>{t.filters.severity}</th>
            <th scope='col'>{t.filters.state}</th><th scope='col'>{t.columnBetween}</th><th scope='col'>{texts.columnDestination}</th>
            <th scope='col'>{t.filters.controlCategory}</th><th scope='col'>{t.columnExplanation}</th>
          </tr>
        </thead>
        <tbody>
          {results.divergences.map((d) => (
            <tr key={d.id}>
              <td><a href={`/app/divergences/${d.id}`}>{formats.dateTime(d.detectedAt)}</a></td>
              <td>{t.kinds[d.kind]}</td>
              <td>{t.severities[d.severity]}</td>
              <td>{t.states[d.state]}{!d.holds && d.state !== 'resolved' && <div class='muted'>{t.noLongerHolds}</div>}</td>
              <td>{t.between(d.kind, d.first.issuer, d.second.issuer)}</td>
              <td>{d.destination ?? ''}</td>
              <td>{d.controlCategory ?? ''}</td>
              <td class='explanation'>{d.explanation}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {results.next !== undefined && <p><a href={`/app/divergences?${results.next}`} rel='next'>{texts.nextPage}</a></p>}
    </>
  )
}

/** One of the two records of a divergence, as its page shows it beside the other. */
export interface DivergenceSide {
  issuer: string
  own: boolean
  recordId: string
  /** The version the divergence was found on, and the one we hold now (null: we no longer hold the record). */
  versionThen: number
  versionNow: number | null
  decision: {
    reference: string
    outcome: 'granted' | 'denied'
    destination: string
    decisionDate: string
    validUntil: string | null
    revokedFrom: string | null
    lifecycle: Lifecycle
    endUse: string
    parties: Array<{ role: string, name: string, latin: string | undefined, country: string }>
    items: Array<{ description: string, codes: string[] }>
  } | undefined
  classification: {
    description: string
    manufacturer: string | undefined
    partNumber: string | undefined
    result: 'listed' | 'not_listed'
    codes: string[]
    classificationDate: string
    revokedFrom: string | null
  } | undefined
  /** The signature of the version we hold: the key, and when it was verified and stored (ours: when we signed it). */
  signature: { kid: string | null, storedAt: Date | null } | undefined
}

export interface DivergenceView {
  summary: DivergenceSummary
  evidence: Record<string, unknown>
  first: DivergenceSide
  second: DivergenceSide
  history: Array<{ seq: number, from: DivergenceState | null, to: DivergenceState, actor: string, reason: string, at: string }>
}

/** What a person typed in the transition form, sent back with its errors. */
export interface TransitionForm {
  state: string
  reason: string
}

/** One divergence: both records side by side, why they diverge, its history, and (for auditors) the form that moves it. */
export function DivergencePage ({ frame, view, allowed, canTransition, form, errors, notice, formats }: {
  frame: PageFrame
  view: DivergenceView
  /** The states it may move to now (TRANSITIONS). */
  allowed: readonly DivergenceState[]
  canTransition: boolean
  form: TransitionForm
  errors: readonly FieldError[]
  notice: string | undefined
  formats: Formats
}) {
  const d = view.summary
  const title = t.detailTitle(t.kinds[d.kind], nameOf(view.first), nameOf(view.second))
  return (
    <Layout frame={{ ...frame, active: 'divergences' }} title={errors.length > 0 ? `Error: ${title}` : title}>
      <span class='caption'>{t.detailCaption}</span>
      <h1>{title}</h1>
      {notice !== undefined && <p class='notice' role='status'>{notice}</p>}
      <ErrorSummary errors={errors} />
      <dl class='summary'>
        <dt>{t.filters.state}</dt><dd><strong>{t.states[d.state]}</strong></dd>
        <dt>{t.holds}</dt><dd>{d.holds ? t.holdsYes : t.holdsNo}</dd>
        <dt>{t.filters.severity}</dt><dd>{t.severities[d.severity]}</dd>
        {d.destination !== null && <><dt>{texts.columnDestination}</dt><dd>{d.destination}</dd></>}
        {d.controlCategory !== null && <><dt>{t.filters.controlCategory}</dt><dd>{d.controlCategory}</dd></>}
        <dt>{t.columnDetected}</dt><dd>{formats.dateTime(d.detectedAt)}</dd>
        <dt>{t.lastChanged}</dt><dd>{formats.dateTime(d.updatedAt)}</dd>
        {d.resolvedAt !== null && <><dt>{t.states.resolved}</dt><dd>{formats.dateTime(d.resolvedAt)}</dd></>}
      </dl>

      <h2 id='records'>{t.recordsHeading}</h2>
      <SideBySide view={view} formats={formats} />

      <h2 id='why'>{t.whyHeading}</h2>
      <p class='explanation'>{d.explanation}</p>
      <Evidence kind={d.kind} evidence={view.evidence} />
      <details>
        <summary>{t.rawEvidence}</summary>
        <pre class='evidence'>{JSON.stringify(view.evidence, null, 2)}</pre>
      </details>

      <h2 id='history'>{t.historyHeading}</h2>
      <table>
        <caption>{t.historyCaption}</caption>
        <thead><tr><th scope='col'>{t.columnWhen}</th><th scope='col'>{t.columnWho}</th><th scope='col'>{t.columnFrom}</th><th scope='col'>{t.columnTo}</th><th scope='col'>{t.columnReason}</th></tr></thead>
        <tbody>
          {view.history.map((h) => (
            <tr key={h.seq}>
              <td>{formats.dateTime(h.at)}</td><td>{h.actor}</td><td>{h.from === null ? t.detected : t.states[h.from]}</td><td>{t.states[h.to]}</td><td>{h.reason}</td>
            </tr>
          ))}
        </tbody>
      </table>

      {canTransition && allowed.length === 0 && <p>{t.resolvedNote}</p>}
      {canTransition && allowed.length > 0 && (
        <section aria-labelledby='transition-heading'>
          <h2 id='transition-heading'>{t.transitionHeading}</h2>
          <form method='post' action={`/app/divergences/${d.id}/transitions`} novalidate>
            <Csrf token={frame.csrf} />
            <Radios name='state' label={t.newState} value={form.state} errors={errors} options={allowed.map((s) => [s, t.transitionOptions[s]] as const)} />
            <TextArea name='reason' label={t.reason} value={form.reason} errors={errors} hint={t.reasonHint} rows={4} />
            <button type='submit' class='button'>{t.move}</button>
          </form>
        </section>
      )}
    </Layout>
  )
}

function nameOf (side: DivergenceSide): string {
  if (side.decision !== undefined) return side.decision.reference
  if (side.classification !== undefined) return t.classificationName(side.issuer, side.classification.partNumber ?? side.classification.description)
  return side.recordId
}

/** The two records in one table: a column each, a row per aspect, so each fact of one sits beside the same fact of the other. */
function SideBySide ({ view, formats }: { view: DivergenceView, formats: Formats }) {
  const kind = view.summary.kind
  const sides = [view.first, view.second] as const
  const row = (label: string, show: (side: DivergenceSide) => ComponentChildren) => (
    <tr><th scope='row'>{label}</th>{sides.map((s, i) => <td key={i}>{show(s)}</td>)}</tr>
  )
  const decisions = sides.some((s) => s.decision !== undefined)
  const classifications = sides.some((s) => s.classification !== undefined)
  return (
    <table class='side-by-side'>
      <caption class='visually-hidden'>{t.recordsCaption}</caption>
      <thead>
        <tr><td /><th scope='col'>{t.side(kind, 'first')}</th><th scope='col'>{t.side(kind, 'second')}</th></tr>
      </thead>
      <tbody>
        {row(texts.columnAgency, (s) => s.own ? texts.ours(s.issuer) : s.issuer)}
        {decisions && row(texts.columnReference, (s) => s.decision === undefined
          ? ''
          : <a href={`/app/decisions/${encodeURIComponent(s.issuer)}/${s.recordId}`}>{s.decision.reference}</a>)}
        {decisions && row(texts.columnOutcome, (s) => s.decision === undefined ? '' : <Outcome outcome={s.decision.outcome} />)}
        {decisions && row(texts.columnDestination, (s) => s.decision?.destination ?? '')}
        {decisions && row(texts.columnDecided, (s) => s.decision === undefined ? '' : formats.date(s.decision.decisionDate))}
        {decisions && row(texts.validUntil, (s) => s.decision === undefined ? '' : s.decision.validUntil === null ? texts.noEnd : formats.date(s.decision.validUntil))}
        {decisions && row(texts.columnStatus, (s) => s.decision === undefined
          ? ''
          : <>{texts.lifecycle[s.decision.lifecycle]}{s.decision.revokedFrom !== null && ` (${texts.revokedFrom(formats.date(s.decision.revokedFrom))})`}</>)}
        {decisions && row(texts.columnParties, (s) => s.decision === undefined
          ? ''
          : <ul class='plain'>{s.decision.parties.map((p, i) => <li key={i}><PartyName name={p.name} latin={p.latin} /> <span class='muted'>({texts.roleLabel(p.role)}, {p.country})</span></li>)}</ul>)}
        {decisions && row(texts.items, (s) => s.decision === undefined
          ? ''
          : <ul class='plain'>{s.decision.items.map((item, i) => <li key={i}>{item.description}{item.codes.length > 0 && <span class='muted'> ({item.codes.join(', ')})</span>}</li>)}</ul>)}
        {decisions && row(texts.endUse, (s) => s.decision === undefined ? '' : s.decision.endUse === '' ? texts.notGiven : s.decision.endUse)}
        {classifications && row(t.item, (s) => s.classification === undefined
          ? ''
          : <>{s.classification.description}{(s.classification.manufacturer !== undefined || s.classification.partNumber !== undefined) && <div class='muted'>{[s.classification.manufacturer, s.classification.partNumber].filter((v) => v !== undefined).join(', ')}</div>}</>)}
        {classifications && row(t.classifiedAs, (s) => s.classification === undefined
          ? ''
          : `${t.results[s.classification.result]}${s.classification.codes.length > 0 ? `: ${s.classification.codes.join(', ')}` : ''}`)}
        {classifications && row(t.classified, (s) => s.classification === undefined ? '' : formats.date(s.classification.classificationDate))}
        {classifications && row(texts.columnStatus, (s) => s.classification?.revokedFrom == null ? texts.lifecycle.in_force : `${texts.lifecycle.revoked} (${texts.revokedFrom(formats.date(s.classification.revokedFrom))})`)}
        {row(texts.version, (s) => s.versionNow === null ? t.notHeld : t.versions(s.versionNow, s.versionThen))}
        {row(texts.signature, (s) => signatureOf(s, formats))}
      </tbody>
    </table>
  )
}

function signatureOf (side: DivergenceSide, formats: Formats): string {
  const sig = side.signature
  if (sig === undefined || sig.kid === null) return t.unsigned
  if (side.own) return texts.signedByUs(sig.kid)
  return sig.storedAt === null ? t.signedByKey(side.issuer, sig.kid) : texts.signedBy(side.issuer, sig.kid, formats.dateTime(sig.storedAt))
}

/** The facts the finding rests on, read from its stored evidence (older findings may lack some). */
function Evidence ({ kind, evidence }: { kind: DivergenceKind, evidence: Record<string, unknown> }) {
  if (kind === 'conflicting-classification') {
    const e = evidence as Partial<ClassificationPairEvidence>
    return (
      <dl class='summary'>
        {e.conflict !== undefined && <><dt>{t.conflict}</dt><dd>{t.conflicts[e.conflict]}</dd></>}
        {e.item !== undefined && <><dt>{t.item}</dt><dd>{t.sameItem[e.item.basis]}</dd></>}
        {e.codePairs !== undefined && e.codePairs.length > 0 && <><dt>{t.codePairs}</dt><dd><ul class='plain'>{e.codePairs.map((p, i) => <li key={i}>{p.explanation}</li>)}</ul></dd></>}
      </dl>
    )
  }
  const e = evidence as Partial<DecisionPairEvidence>
  const consultation = e.consultation
  return (
    <dl class='summary'>
      {e.party !== undefined && (
        <>
          <dt>{t.names}</dt>
          <dd>{t.nameMatch(e.party.matched.queryName, e.party.matched.candidateName, e.party.matched.candidateNameKind === 'alias', e.party.score.toFixed(2), e.party.threshold.toFixed(2), e.party.sharedIdentifier)}</dd>
        </>
      )}
      {e.item !== undefined && <><dt>{texts.items}</dt><dd>{e.item.explanation}</dd></>}
      {e.destination !== undefined && <><dt>{texts.columnDestination}</dt><dd>{e.destination.same ? t.sameDestination(e.destination.grant) : t.otherDestinations(e.destination.denial, e.destination.grant)}</dd></>}
      {consultation !== undefined && (
        <>
          <dt>{t.consultation}</dt>
          <dd>{consultation === null ? t.grantedFirst : consultation.cited === null ? t.noConsultation : t.consultationCited(consultation.cited.agency, consultation.withDenyingAgency && consultation.aboutThisDenial)}</dd>
        </>
      )}
    </dl>
  )
}
