import type { Hit, RecordedDisposition, ScreeningSummary, StoredScreening } from '../../screening/index.js'
import type { FieldError } from '../form-values.js'
import type { Formats } from '../../lib/format-dates.js'
import { Layout, type PageFrame } from '../layout.js'
import type { ApplicationForm } from '../application-form.js'
import { texts } from '../text/en.js'
import { Outcome } from './decisions.js'
import { ApplicationRows } from './application-rows.js'
import { Checkbox, Csrf, ErrorSummary, Radios, TextArea, TextField } from './form-parts.js'

const t = texts.screening
const DISPOSITIONS = Object.entries(t.dispositions) as ReadonlyArray<readonly [string, string]>

/** The screening form: the application's fields, a row per party and per item, added and removed by submit buttons (no script needed). */
export function ScreeningFormPage ({ frame, form, options, errors }: {
  frame: PageFrame, form: ApplicationForm, options: { includeOwn: boolean, includeInactive: boolean }, errors: readonly FieldError[]
}) {
  return (
    <Layout frame={{ ...frame, active: 'screening' }} title={errors.length > 0 ? `Error: ${t.newTitle}` : t.newTitle}>
      <h1>{t.newTitle}</h1>
      <p class='lead'>{t.newLead}</p>
      <ErrorSummary errors={errors} />
      <form method='post' action='/app/screenings' novalidate>
        <Csrf token={frame.csrf} />
        {/* Enter in a text field presses the form's first submit button: screening, not removing a row */}
        <button type='submit' name='action' value='screen' class='visually-hidden' tabIndex={-1} aria-hidden='true'>{t.screen}</button>
        <h2>{t.application}</h2>
        <div class='field-row'>
          <TextField name='reference' label='Reference' value={form.fields.reference ?? ''} errors={errors} hint={t.referenceHint} />
          <TextField name='destination' label='Destination' value={form.fields.destination ?? ''} errors={errors} hint={t.destinationHint} width='narrow' />
          <TextField name='date' label='Date of the decision' value={form.fields.date ?? ''} errors={errors} hint={t.dateHint} />
        </div>
        <TextArea name='endUse' label='End use' value={form.fields.endUse ?? ''} errors={errors} />
        <ApplicationRows form={form} errors={errors} />
        <h2>{t.options}</h2>
        <Checkbox name='includeOwn' label={t.includeOwn} checked={options.includeOwn} />
        <Checkbox name='includeInactive' label={t.includeInactive} checked={options.includeInactive} />
        <p><button type='submit' name='action' value='screen' class='button'>{t.screen}</button></p>
      </form>
    </Layout>
  )
}

/** Earlier screenings, newest first: the officer's own or everyone's. */
export function ScreeningListPage ({ frame, screenings, whose, next, canScreen, formats }: {
  frame: PageFrame, screenings: ScreeningSummary[], whose: 'mine' | 'all' | undefined, next: string | undefined, canScreen: boolean, formats: Formats
}) {
  return (
    <Layout frame={{ ...frame, active: 'screening' }} title={t.listTitle}>
      <h1>{t.listTitle}</h1>
      {canScreen && <p><a href='/app/screenings/new' class='button'>{t.newScreening}</a></p>}
      {whose !== undefined && (
        <p>
          {whose === 'mine' ? <strong>{t.listMine}</strong> : <a href='/app/screenings'>{t.listMine}</a>}{' · '}
          {whose === 'all' ? <strong>{t.listAll}</strong> : <a href='/app/screenings?whose=all'>{t.listAll}</a>}
        </p>
      )}
      {screenings.length === 0
        ? <p>{t.listNone}</p>
        : (
          <table>
            <caption>{t.listCaption(screenings.length)}</caption>
            <thead><tr><th scope='col'>{t.screenedAt}</th><th scope='col'>{texts.columnReference}</th><th scope='col'>{texts.columnParties}</th><th scope='col'>{texts.columnDestination}</th><th scope='col'>Found</th><th scope='col'>{t.screenedBy}</th></tr></thead>
            <tbody>
              {screenings.map((s) => (
                <tr key={s.screeningId}>
                  <td><a href={`/app/screenings/${s.screeningId}`}>{formats.dateTime(s.screenedAt)}</a></td>
                  <td>{s.reference ?? ''}</td>
                  <td>{s.parties.join('; ')}</td>
                  <td>{s.destination}</td>
                  <td>{s.hits}{s.essentiallyIdentical > 0 && <strong class='tag tag--warning'>{s.essentiallyIdentical} {t.identical.toLowerCase()}</strong>}</td>
                  <td>{s.officer}</td>
                </tr>
              ))}
            </tbody>
          </table>
          )}
      {next !== undefined && <p><a href={`/app/screenings?${next}`} rel='next'>{texts.nextPage}</a></p>}
    </Layout>
  )
}

interface ScreenedApplication {
  reference?: string
  destination: string
  parties: Array<{ role: string, name: string, country: string }>
  items: Array<{ description: string, codes: Array<{ regime: string, code: string }> }>
}

/** One screening's result: per party of ours, the decisions bearing on the application with their explanations, the others counted; a disposition form per hit. */
export function ScreeningResultPage ({ frame, screening, recorded, canDispose, errors, values, notice, formats }: {
  frame: PageFrame
  screening: StoredScreening
  /** The dispositions recorded of this screening's hits since, the latest per hit. */
  recorded: ReadonlyMap<string, RecordedDisposition>
  canDispose: boolean
  /** Errors of a disposition form sent back, and what was typed in it. */
  errors: readonly FieldError[]
  values: Readonly<Record<string, string>>
  notice: string | undefined
  formats: Formats
}) {
  const result = screening.result
  const application = screening.application as ScreenedApplication
  const identical = result.hits.filter((h) => h.assessment.essentiallyIdentical).length
  const scope = screening.options.includeOwn ? 'all' : 'allied'
  const hitNumber = new Map(result.hits.map((h, i) => [h.hitId, i]))
  const byItem = result.hits.filter((h) => h.party === null)
  const hitProps = { screeningId: result.screeningId, recorded, canDispose, errors, values, csrf: frame.csrf, formats }
  return (
    <Layout frame={{ ...frame, active: 'screening' }} title={errors.length > 0 ? `Error: ${t.resultTitle(result.reference)}` : t.resultTitle(result.reference)}>
      <h1>{t.resultTitle(result.reference)}</h1>
      {notice !== undefined && <p class='notice' role='status'>{notice}</p>}
      <ErrorSummary errors={errors} />
      <dl class='summary'>
        <dt>{texts.columnDestination}</dt><dd>{application.destination}</dd>
        <dt>{t.judgedOn}</dt><dd>{formats.date(result.date)}</dd>
        <dt>{texts.items}</dt><dd>{application.items.map((i) => `${i.description}${i.codes.length === 0 ? '' : ` (${i.codes.map((c) => `${c.regime} ${c.code}`).join(', ')})`}`).join('; ')}</dd>
        <dt>{t.screenedBy}</dt><dd>{screening.officer}</dd>
        <dt>{t.screenedAt}</dt><dd>{formats.dateTime(screening.screenedAt)}</dd>
      </dl>
      {canDispose && (
        <form method='post' action='/app/cases' class='inline-form'>
          <input type='hidden' name='_csrf' value={frame.csrf ?? ''} />
          <input type='hidden' name='screeningId' value={result.screeningId} />
          <input type='hidden' name='reference' value={result.reference ?? application.reference ?? ''} />
          <button type='submit' class='button button--secondary'>{texts.cases.openFromScreening}</button>
        </form>
      )}
      {identical > 0 && <p class='warning-panel' role='alert'><strong>{t.identicalWarning(identical)}</strong></p>}
      {result.hits.length === 0 && <p class='lead'>{t.nothingFound}</p>}
      {application.parties.map((party, i) => {
        const tally = result.parties.find((p) => p.applicationParty === i)
        const hits = result.hits.filter((h) => h.party?.applicationParty === i)
        const others = tally === undefined ? 0 : tally.others.granted + tally.others.denied
        return (
          <section key={i} aria-labelledby={`party-${i}-heading`}>
            <h2 id={`party-${i}-heading`}>{t.partyHeading(i + 1, party.name)} <span class='muted'>({texts.roleLabel(party.role)}, {party.country})</span></h2>
            <p>{t.partyListed(hits.length)}</p>
            {tally !== undefined && others > 0 && (
              <p>{t.partyOthers(tally.others.granted, tally.others.denied)} <a href={`/app/decisions?${new URLSearchParams({ party: party.name, scope }).toString()}`}>{t.searchOthers}</a></p>
            )}
            {hits.map((hit) => <HitCard key={hit.hitId} hit={hit} n={hitNumber.get(hit.hitId) ?? 0} {...hitProps} />)}
          </section>
        )
      })}
      {byItem.length > 0 && (
        <section aria-labelledby='by-item-heading'>
          <h2 id='by-item-heading'>{t.byItem}</h2>
          <p>{t.byItemLead}</p>
          {byItem.map((hit) => <HitCard key={hit.hitId} hit={hit} n={hitNumber.get(hit.hitId) ?? 0} {...hitProps} />)}
        </section>
      )}
      {result.suppressedCount > 0 && <p class='muted'>{t.suppressed(result.suppressedCount)}</p>}
    </Layout>
  )
}

/** One hit: the allied record, why it matched (party, item, destination, time), who signed it, its disposition. */
function HitCard ({ hit, n, screeningId, recorded, canDispose, errors, values, csrf, formats }: {
  hit: Hit, n: number, screeningId: string, recorded: ReadonlyMap<string, RecordedDisposition>, canDispose: boolean, errors: readonly FieldError[], values: Readonly<Record<string, string>>, csrf: string | undefined, formats: Formats
}) {
  const r = hit.record
  const prior = hit.disposition
  const here = recorded.get(hit.hitId)
  return (
    <article class={`hit${hit.assessment.essentiallyIdentical ? ' hit--identical' : ''}`} id={`hit-${n}`} aria-labelledby={`hit-${n}-title`}>
      <h3 id={`hit-${n}-title`}>
        <a href={`/app/decisions/${encodeURIComponent(r.issuer)}/${r.recordId}`}>{r.own ? texts.ours(r.issuer) : r.issuer} {r.reference}</a>{' '}
        <Outcome outcome={r.outcome} />
        {hit.assessment.essentiallyIdentical && <strong class='tag tag--warning'>{t.identical}</strong>}
      </h3>
      <dl class='summary'>
        <dt>{t.assessment}</dt><dd>{hit.assessment.summary}</dd>
        <dt>{t.partyMatch}</dt><dd>{hit.party === null ? '—' : <>{t.score(hit.party.score)}: {hit.party.explanation}</>}</dd>
        <dt>{t.itemMatch}</dt><dd>{hit.item === null || hit.item.relation === 'unrelated' ? t.noItemRelation : hit.item.explanation}</dd>
        <dt>{t.destination}</dt><dd>{hit.destination.candidate}{hit.destination.same ? '' : ` (${hit.destination.application} asked)`}</dd>
        <dt>{t.timeWindow}</dt><dd>{texts.columnDecided} {formats.date(r.decisionDate)}; {timeOf(r, formats)}</dd>
        <dt>{t.signature}</dt><dd>{r.own ? texts.signedByUs(r.signature.kid ?? '') : texts.signedBy(r.issuer, r.signature.kid ?? '', formats.dateTime(r.signature.storedAt))}</dd>
        {prior !== null && <><dt>{t.priorDisposition}</dt><dd>{t.dispositionBy(t.dispositions[prior.disposition], prior.officer, formats.dateTime(prior.decidedAt), prior.reason)}</dd></>}
        {here !== undefined && <><dt>{t.recordedHere}</dt><dd>{t.dispositionBy(t.dispositions[here.disposition], here.officer, formats.dateTime(here.decidedAt), here.reason)}</dd></>}
      </dl>
      {canDispose && (
        <form method='post' action={`/app/screenings/${screeningId}/dispositions`} class='disposition-form' novalidate>
          <Csrf token={csrf} />
          <input type='hidden' name='hitId' value={hit.hitId} />
          <input type='hidden' name='n' value={String(n)} />
          <Radios name={`disposition-${n}`} label={t.disposition} value={values[`disposition-${n}`] ?? ''} errors={errors} options={DISPOSITIONS} />
          <TextArea name={`reason-${n}`} label={t.reason} value={values[`reason-${n}`] ?? ''} errors={errors} hint={t.reasonHint} />
          <button type='submit' class='button'>{t.recordDisposition}</button>
        </form>
      )}
    </article>
  )
}

/** Where the record stood on the application's date, in the agency's date format. */
function timeOf (r: Hit['record'], formats: Formats): string {
  if (r.lifecycle === 'revoked') return t.revokedFrom(formats.date(r.revokedFrom ?? ''))
  if (r.lifecycle === 'lapsed') return t.lapsedAfter(formats.date(r.validUntil ?? ''))
  return r.validUntil === null ? t.inForce : t.inForceUntil(formats.date(r.validUntil))
}
