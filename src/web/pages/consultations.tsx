import type { ConsultationSummary } from '../../consultations/index.js'
import type { FieldError } from '../form-values.js'
import type { Formats } from '../../lib/format-dates.js'
import { Layout, type PageFrame } from '../layout.js'
import { texts } from '../text/en.js'
import { PartyName } from './decisions.js'
import { Csrf, ErrorSummary, Radios, SelectField, TextArea, TextField } from './form-parts.js'

const t = texts.consultations
type Query = Readonly<Record<string, string>>
type State = ConsultationSummary['state']

/** The list's filters (the API's query, `ConsultationQuery`), with their labels: the error summary's words too. */
export const LIST_LABELS = t.filters

export const STATES: readonly State[] = ['requested', 'more-information', 'no-objection', 'objection', 'withdrawn']
export const ANSWERS = ['no-objection', 'objection', 'more-information'] as const

export interface ConsultationList {
  consultations: ConsultationSummary[]
  /** The query string of the next page, when there is one. */
  next: string | undefined
}

/** "3 days overdue", in a warning tag; nothing when it is not overdue. */
export function Overdue ({ days }: { days: number }) {
  return days > 0 ? <strong class='tag tag--warning'>{t.overdue(days)}</strong> : null
}

function directionOf (c: Pick<ConsultationSummary, 'direction' | 'peer'>): string {
  return c.direction === 'incoming' ? t.askedOfUs(c.peer) : t.askedByUs(c.peer)
}

function DenialLink ({ denial }: { denial: ConsultationSummary['denial'] }) {
  return <a href={`/app/decisions/${encodeURIComponent(denial.issuer)}/${denial.recordId}`}>{denial.issuer} {denial.reference}</a>
}

/** Consultations asked by us and of us: filters in a GET form, newest first, paged by the API's cursor. */
export function ConsultationListPage ({ frame, query, errors, results, formats }: {
  frame: PageFrame, query: Query, errors: readonly FieldError[], results: ConsultationList | undefined, formats: Formats
}) {
  return (
    <Layout frame={{ ...frame, active: 'consultations' }} title={errors.length > 0 ? `Error: ${t.listTitle}` : t.listTitle}>
      <h1>{t.listTitle}</h1>
      <p class='lead'>{t.listLead}</p>
      <ErrorSummary errors={errors} />
      <form method='get' action='/app/consultations' class='search-form' novalidate>
        <div class='field-row'>
          <SelectField
            name='direction' label={t.filters.direction} value={query.direction ?? ''} errors={errors}
            options={[['', t.anyDirection], ['incoming', t.directions.incoming], ['outgoing', t.directions.outgoing]]}
          />
          <SelectField name='state' label={t.filters.state} value={query.state ?? ''} errors={errors} options={[['', t.anyState], ...STATES.map((s) => [s, t.states[s]] as const)]} />
          <SelectField
            name='overdue' label={t.filters.overdue} value={query.overdue ?? ''} errors={errors}
            options={[['', t.anyDeadline], ['true', t.overdueOptions.true], ['false', t.overdueOptions.false]]}
          />
          <TextField name='peer' label={t.filters.peer} value={query.peer ?? ''} errors={errors} hint={t.peerHint} />
        </div>
        <button type='submit' class='button'>{t.filter}</button>
      </form>
      {results !== undefined && <List results={results} formats={formats} />}
    </Layout>
  )
}

function List ({ results, formats }: { results: ConsultationList, formats: Formats }) {
  if (results.consultations.length === 0) return <p class='lead' role='status'>{t.none}</p>
  return (
    <>
      <table class='results'>
        <caption>{t.caption(results.consultations.length)}</caption>
        <thead>
          <tr>
            <th scope='col'>{t.columnConsultation}</th><th scope='col'>{t.columnAbout}</th><th scope='col'>{t.columnAsked}</th>
            <th scope='col'>{t.columnState}</th><th scope='col'>{t.columnDeadline}</th>
          </tr>
        </thead>
        <tbody>
          {results.consultations.map((c) => (
            <tr key={c.id}>
              <td><a href={`/app/consultations/${c.id}`}>{directionOf(c)}<span class='visually-hidden'> {t.about(c.denial.reference)}</span></a></td>
              <td><DenialLink denial={c.denial} /></td>
              <td>{formats.dateTime(c.requestedAt)}</td>
              <td>{t.stateIn[c.direction][c.state]}</td>
              <td>{formats.date(c.deadline)} <Overdue days={c.daysOverdue} /></td>
            </tr>
          ))}
        </tbody>
      </table>
      {results.next !== undefined && <p><a href={`/app/consultations?${results.next}`} rel='next'>{texts.nextPage}</a></p>}
    </>
  )
}

/** A message of the consultation as its page shows it. */
export interface MessageView {
  id: string
  position: number
  kind: 'request' | 'reply' | 'information' | 'withdrawal'
  from: string
  to: string
  ours: boolean
  answer: (typeof ANSWERS)[number] | null
  text: string | null
  sentAt: string
  receivedAt: string | null
  delivery: 'pending' | 'delivered' | 'refused' | 'received'
  attempts: number
  lastError: string | null
}

/** A consultation as its page shows it: the summary, the proposed transaction (Latin spellings beside names), the messages. */
export interface ConsultationView {
  summary: ConsultationSummary
  parties: Array<{ role: string, name: string, latin: string | undefined, aliases: string[], country: string, identifiers: string[] }>
  items: Array<{ description: string, codes: string[], maker: string, quantity: string }>
  messages: MessageView[]
}

/** What a person typed in the forms, sent back with their errors. */
export type ConsultationForms = Readonly<Record<'answer' | 'text' | 'information' | 'reason', string>>

export const EMPTY_FORMS: ConsultationForms = { answer: '', text: '', information: '', reason: '' }

/** What an officer may do now: reply (asked of us, awaiting our reply), give information (asked by us, more asked for), withdraw (asked by us). */
export function actionsOf (c: Pick<ConsultationSummary, 'direction' | 'state'>) {
  return {
    reply: c.direction === 'incoming' && c.state === 'requested',
    information: c.direction === 'outgoing' && c.state === 'more-information',
    withdraw: c.direction === 'outgoing' && c.state !== 'withdrawn'
  }
}

/** One consultation: what it is about, the proposed transaction, every message, and the actions its state allows (officers). */
export function ConsultationPage ({ frame, view, canAct, forms, errors, notice, formats }: {
  frame: PageFrame
  view: ConsultationView
  canAct: boolean
  forms: ConsultationForms
  errors: readonly FieldError[]
  notice: string | undefined
  formats: Formats
}) {
  const c = view.summary
  const title = t.detailTitle(c.denial.reference)
  const actions = actionsOf(c)
  return (
    <Layout frame={{ ...frame, active: 'consultations' }} title={errors.length > 0 ? `Error: ${title}` : title}>
      <span class='caption'>{directionOf(c)}</span>
      <h1>{title}</h1>
      {notice !== undefined && <p class='notice' role='status'>{notice}</p>}
      <ErrorSummary errors={errors} />
      <dl class='summary'>
        <dt>{t.direction}</dt><dd>{c.direction === 'incoming' ? t.directions.incoming : t.directions.outgoing}</dd>
        <dt>{t.agency}</dt><dd>{c.peer}</dd>
        <dt>{t.denial}</dt><dd><DenialLink denial={c.denial} /></dd>
        <dt>{t.columnState}</dt><dd id='state' tabIndex={-1}><strong>{t.stateIn[c.direction][c.state]}</strong></dd>
        <dt>{t.columnDeadline}</dt><dd>{formats.date(c.deadline)} <Overdue days={c.daysOverdue} /></dd>
        <dt>{t.regime}</dt><dd>{c.regime}</dd>
        <dt>{t.asked}</dt><dd>{c.createdBy === null ? formats.dateTime(c.requestedAt) : t.askedBy(formats.dateTime(c.requestedAt), c.createdBy)}</dd>
        {c.answeredAt !== null && <><dt>{t.answered}</dt><dd>{formats.dateTime(c.answeredAt)}</dd></>}
      </dl>
      <p>{t.nextStep[c.direction][c.state]}</p>

      <h2 id='question'>{t.questionHeading}</h2>
      <p class='message-text'>{c.question}</p>

      <h2 id='proposed'>{t.proposedHeading}</h2>
      <p>{t.proposedLead(c.requester, c.direction === 'outgoing')}</p>
      <dl class='summary'>
        <dt>{texts.columnDestination}</dt><dd>{c.proposed.destination}</dd>
        <dt>{texts.endUse}</dt><dd>{c.proposed.endUse === '' ? texts.notGiven : c.proposed.endUse}</dd>
      </dl>
      <table>
        <caption>{t.partiesCaption}</caption>
        <thead><tr><th scope='col'>{texts.role}</th><th scope='col'>{texts.nameAsWritten}</th><th scope='col'>{texts.latinSpelling}</th><th scope='col'>{texts.country}</th><th scope='col'>{texts.identifiers}</th></tr></thead>
        <tbody>
          {view.parties.map((p, i) => (
            <tr key={i}>
              <td>{texts.roleLabel(p.role)}</td>
              <td><PartyName name={p.name} />{p.aliases.length > 0 && <div class='muted'>{texts.aliases}: {p.aliases.join('; ')}</div>}</td>
              <td>{p.latin ?? texts.sameAsWritten}</td>
              <td>{p.country}</td>
              <td>{p.identifiers.join('; ')}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <table>
        <caption>{t.itemsCaption}</caption>
        <thead><tr><th scope='col'>{texts.description}</th><th scope='col'>{texts.columnCodes}</th><th scope='col'>{texts.quantity}</th></tr></thead>
        <tbody>
          {view.items.map((item, i) => (
            <tr key={i}>
              <td>{item.description}{item.maker !== '' && <div class='muted'>{item.maker}</div>}</td>
              <td>{item.codes.join(', ')}</td>
              <td>{item.quantity}</td>
            </tr>
          ))}
        </tbody>
      </table>

      <h2 id='messages'>{t.messagesHeading}</h2>
      <table>
        <caption>{t.messagesCaption}</caption>
        <thead>
          <tr>
            <th scope='col'>{t.columnNumber}</th><th scope='col'>{t.columnMessage}</th><th scope='col'>{t.columnFrom}</th>
            <th scope='col'>{t.columnSent}</th><th scope='col'>{t.columnSays}</th><th scope='col'>{t.columnDelivery}</th>
          </tr>
        </thead>
        <tbody>
          {view.messages.map((m) => (
            <tr key={m.id} id={`message-${m.position}`}>
              <td>{m.position}</td>
              <td>{t.kinds[m.kind]}</td>
              <td>{t.fromTo(m.from, m.to)}</td>
              <td>{formats.dateTime(m.sentAt)}</td>
              <td>
                {m.answer !== null && <strong>{t.answers[m.answer]}</strong>}
                <div class='message-text'>{m.kind === 'request' ? c.question : m.text ?? ''}</div>
              </td>
              <td>{deliveryOf(m, formats)}</td>
            </tr>
          ))}
        </tbody>
      </table>

      {canAct && actions.reply && (
        <section aria-labelledby='reply-heading' class='action-form'>
          <h2 id='reply-heading'>{t.replyHeading}</h2>
          <p>{t.replyLead(c.peer)}</p>
          <form method='post' action={`/app/consultations/${c.id}/replies`} novalidate>
            <Csrf token={frame.csrf} />
            <Radios name='answer' label={t.answer} value={forms.answer} errors={errors} options={ANSWERS.map((a) => [a, t.answerOptions[a]] as const)} />
            <TextArea name='text' label={t.replyText} value={forms.text} errors={errors} hint={t.replyTextHint} rows={5} />
            <button type='submit' class='button'>{t.sendReply}</button>
          </form>
        </section>
      )}
      {canAct && actions.information && (
        <section aria-labelledby='information-heading' class='action-form'>
          <h2 id='information-heading'>{t.informationHeading}</h2>
          <p>{t.informationLead(c.peer)}</p>
          <form method='post' action={`/app/consultations/${c.id}/information`} novalidate>
            <Csrf token={frame.csrf} />
            <TextArea name='information' label={t.information} value={forms.information} errors={errors} hint={t.informationHint} rows={5} />
            <button type='submit' class='button'>{t.sendInformation}</button>
          </form>
        </section>
      )}
      {canAct && actions.withdraw && (
        <section aria-labelledby='withdraw-heading' class='action-form'>
          <h2 id='withdraw-heading'>{t.withdrawHeading}</h2>
          <p>{t.withdrawLead(c.peer)}</p>
          <form method='post' action={`/app/consultations/${c.id}/withdrawal`} novalidate>
            <Csrf token={frame.csrf} />
            <TextArea name='reason' label={t.reason} value={forms.reason} errors={errors} hint={t.reasonHint} rows={3} />
            <button type='submit' class='button button--warning'>{t.withdraw}</button>
          </form>
        </section>
      )}
    </Layout>
  )
}

function deliveryOf (m: MessageView, formats: Formats): string {
  if (!m.ours) return m.receivedAt === null ? '' : t.delivery.received(formats.dateTime(m.receivedAt))
  if (m.delivery === 'delivered') return t.delivery.delivered
  if (m.delivery === 'refused') return t.delivery.refused(m.to, m.lastError ?? '')
  return t.delivery.pending(m.attempts)
}
