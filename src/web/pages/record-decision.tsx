import type { UndercutConflict } from '../../lib/errors.js'
import type { ApplicationForm } from '../application-form.js'
import type { FieldError } from '../form-values.js'
import type { Formats } from '../../lib/format-dates.js'
import { Layout, type PageFrame } from '../layout.js'
import { texts } from '../text/en.js'
import { ApplicationRows, HiddenForm } from './application-rows.js'
import { Csrf, ErrorSummary, Radios, SelectField, TextArea, TextField } from './form-parts.js'

const t = texts.recordDecision

/** An outgoing consultation a grant may cite. */
export interface CitableConsultation { id: string, peer: string, denialReference: string, state: string }

/** Recording a new decision, or amending one of ours (its form filled with every field it holds; the consultation it cites cannot change). */
export type DecisionFormMode = { kind: 'new' } | { kind: 'amend', recordId: string, reference: string }

const actionOf = (mode: DecisionFormMode) => mode.kind === 'new' ? '/app/decisions/new' : `/app/decisions/own/${mode.recordId}/amend`

/** The decision form: what was decided, the parties and items (rows added and removed without script), a consultation cited. */
export function RecordDecisionPage ({ frame, form, errors, consultations, notice, mode = { kind: 'new' } }: {
  frame: PageFrame, form: ApplicationForm, errors: readonly FieldError[], consultations: readonly CitableConsultation[], notice?: string | undefined, mode?: DecisionFormMode
}) {
  const f = form.fields
  const title = mode.kind === 'new' ? t.title : t.amendTitle(mode.reference)
  return (
    <Layout frame={{ ...frame, active: 'decisions' }} title={errors.length > 0 ? `Error: ${title}` : title}>
      <h1>{title}</h1>
      <p class='lead'>{mode.kind === 'new' ? t.lead : t.amendLead}</p>
      {notice !== undefined && <p class='notice' role='status'>{notice}</p>}
      <ErrorSummary errors={errors} />
      <form method='post' action={actionOf(mode)} novalidate>
        <Csrf token={frame.csrf} />
        {/* Enter in a text field presses the form's first submit button: continuing, not removing a row */}
        <button type='submit' name='action' value='check' class='visually-hidden' tabIndex={-1} aria-hidden='true'>{t.check}</button>
        {mode.kind === 'amend' && <input type='hidden' name='version' value={f.version ?? ''} />}
        {mode.kind === 'amend' && <TextArea name='amendReason' label={t.amendReason} value={f.amendReason ?? ''} errors={errors} hint={t.amendReasonHint} />}
        <h2>{t.decision}</h2>
        <Radios name='outcome' label={t.outcome} value={f.outcome ?? ''} errors={errors} options={[['granted', t.outcomes.granted], ['denied', t.outcomes.denied]]} />
        <div class='field-row'>
          <TextField name='reference' label='Reference' value={f.reference ?? ''} errors={errors} />
          <TextField name='decisionDate' label='Date of the decision' value={f.decisionDate ?? ''} errors={errors} hint={t.decisionDateHint} />
          <TextField name='validFrom' label='Valid from' value={f.validFrom ?? ''} errors={errors} hint={t.decisionDateHint} />
          <TextField name='validUntil' label='Valid until' value={f.validUntil ?? ''} errors={errors} hint={t.validUntilHint} />
        </div>
        <div class='field-row'>
          <TextField name='destination' label='Destination' value={f.destination ?? ''} errors={errors} hint={texts.screening.destinationHint} width='narrow' />
          <TextField name='licenceType' label='Licence type' value={f.licenceType ?? ''} errors={errors} hint={t.licenceTypeHint} />
        </div>
        <TextArea name='endUse' label='End use' value={f.endUse ?? ''} errors={errors} />
        <TextArea name='reasons' label='Reasons' value={f.reasons ?? ''} errors={errors} hint={t.reasonsHint} />
        <TextArea name='regimeReferences' label='Regime references' value={f.regimeReferences ?? ''} errors={errors} hint={t.regimeReferencesHint} />
        <TextArea name='notes' label='Notes' value={f.notes ?? ''} errors={errors} />
        <ApplicationRows form={form} errors={errors} codesHint={t.codesHint} full />
        {mode.kind === 'new' && (
          <>
            <h2>{t.consultationSection}</h2>
            <SelectField
              name='consultation' label='Consultation' value={f.consultation ?? ''} errors={errors} hint={t.consultationHint}
              options={[['', t.noConsultation], ...consultations.map((c) => [c.id, t.consultationOption(c.peer, c.denialReference, c.state)] as const)]}
            />
            <TextArea name='justification' label={t.justificationHint} value={f.justification ?? ''} errors={errors} />
          </>
        )}
        <p><button type='submit' name='action' value='check' class='button'>{t.check}</button></p>
      </form>
    </Layout>
  )
}

/** The decision as it will be signed, to check before recording it; "Change" goes back to the form with everything kept. */
export function CheckDecisionPage ({ frame, form, formats, mode = { kind: 'new' } }: { frame: PageFrame, form: ApplicationForm, formats: Formats, mode?: DecisionFormMode }) {
  return (
    <Layout frame={{ ...frame, active: 'decisions' }} title={t.checkTitle}>
      <h1>{t.checkTitle}</h1>
      <p class='lead'>{t.checkLead}</p>
      <DecisionSummary form={form} formats={formats} />
      <form method='post' action={actionOf(mode)}>
        <Csrf token={frame.csrf} />
        <HiddenForm form={form} />
        <p>
          <button type='submit' name='action' value='record' class='button'>{mode.kind === 'new' ? t.record : t.amend}</button>{' '}
          <button type='submit' name='action' value='edit' class='button button--quiet'>{t.change}</button>
        </p>
      </form>
    </Layout>
  )
}

/** The undercut warning: the allied denials a grant would undercut, with a consultation to request of each denying agency, or an override with its reason. */
export function UndercutWarningPage ({ frame, form, conflicts, errors, formats }: {
  frame: PageFrame, form: ApplicationForm, conflicts: readonly UndercutConflict[], errors: readonly FieldError[], formats: Formats
}) {
  return (
    <Layout frame={{ ...frame, active: 'decisions' }} title={errors.length > 0 ? `Error: ${t.warningTitle}` : t.warningTitle}>
      <h1>{t.warningTitle}</h1>
      <p class='warning-panel' role='alert'>{t.warningLead(conflicts.length)}</p>
      <ErrorSummary errors={errors} />
      <h2>{t.conflicts}</h2>
      {conflicts.map((c, i) => (
        <article class='hit hit--identical' key={`${c.issuer}/${c.recordId}`} aria-labelledby={`conflict-${i}-title`}>
          <h3 id={`conflict-${i}-title`}><a href={`/app/decisions/${encodeURIComponent(c.issuer)}/${c.recordId}`}>{c.issuer} {c.reference}</a></h3>
          <dl class='summary'>
            <dt>{texts.columnDecided}</dt><dd>{formats.date(c.decisionDate)}</dd>
            <dt>{texts.validUntil}</dt><dd>{c.validUntil === null ? texts.noEnd : formats.date(c.validUntil)}</dd>
            <dt>{texts.screening.assessment}</dt><dd>{c.explanation}</dd>
          </dl>
          <form method='post' action='/app/decisions/new' novalidate>
            <Csrf token={frame.csrf} />
            <HiddenForm form={form} except={['overrideReason']} />
            <h4>{t.consultTitle(c.issuer)}</h4>
            <TextArea name={`question-${i}`} label={t.question} value={form.fields[`question-${i}`] ?? ''} errors={errors} hint={t.questionHint} rows={3} />
            <button type='submit' name='action' value={`consult-${i}`} class='button'>{t.consult(c.issuer)}</button>
          </form>
        </article>
      ))}
      <h2>{t.overrideTitle}</h2>
      <form method='post' action='/app/decisions/new' novalidate>
        <Csrf token={frame.csrf} />
        <HiddenForm form={form} except={['overrideReason']} />
        <TextArea name='overrideReason' label={t.overrideReason} value={form.fields.overrideReason ?? ''} errors={errors} hint={t.overrideReasonHint} rows={3} />
        <button type='submit' name='action' value='override' class='button button--warning'>{t.override}</button>{' '}
        <button type='submit' name='action' value='edit' class='button button--quiet'>{t.change}</button>
      </form>
    </Layout>
  )
}

function DecisionSummary ({ form, formats }: { form: ApplicationForm, formats: Formats }) {
  const f = form.fields
  const value = (name: string) => (f[name] ?? '').trim()
  return (
    <>
      <dl class='summary'>
        <dt>{t.outcome}</dt><dd>{value('outcome') === 'denied' ? texts.denied : texts.granted}</dd>
        <dt>{texts.columnReference}</dt><dd>{value('reference')}</dd>
        <dt>{texts.columnDecided}</dt><dd>{formats.date(value('decisionDate'))}</dd>
        <dt>{texts.validUntil}</dt><dd>{value('validUntil') === '' ? texts.noEnd : formats.date(value('validUntil'))}</dd>
        <dt>{texts.columnDestination}</dt><dd>{value('destination').toUpperCase()}</dd>
        <dt>{texts.endUse}</dt><dd>{value('endUse') === '' ? texts.notGiven : value('endUse')}</dd>
        {value('reasons') !== '' && <><dt>{texts.reasons}</dt><dd>{value('reasons')}</dd></>}
        {value('consultation') !== '' && <><dt>{t.consultationSection}</dt><dd>{value('justification')}</dd></>}
        {value('amendReason') !== '' && <><dt>{t.amendReason}</dt><dd>{value('amendReason')}</dd></>}
      </dl>
      <table>
        <caption>{t.parties}</caption>
        <thead><tr><th scope='col'>{texts.role}</th><th scope='col'>{texts.nameAsWritten}</th><th scope='col'>{texts.country}</th><th scope='col'>{texts.aliases}</th><th scope='col'>{texts.identifiers}</th><th scope='col'>Address</th></tr></thead>
        <tbody>{form.parties.map((p, i) => <tr key={i}><td>{texts.roleLabel(p.role)}</td><td>{p.name}</td><td>{p.country.toUpperCase()}</td><td>{p.aliases}</td><td>{p.identifiers}</td><td>{p.address}</td></tr>)}</tbody>
      </table>
      <table>
        <caption>{t.items}</caption>
        <thead><tr><th scope='col'>{texts.description}</th><th scope='col'>{texts.columnCodes}</th><th scope='col'>Part number</th><th scope='col'>Manufacturer</th><th scope='col'>{texts.quantity}</th><th scope='col'>Value</th></tr></thead>
        <tbody>{form.items.map((item, i) => <tr key={i}><td>{item.description}</td><td>{item.codes}</td><td>{item.partNumber}</td><td>{item.manufacturer}</td><td>{item.quantity} {item.unit}</td><td>{item.value}</td></tr>)}</tbody>
      </table>
    </>
  )
}
