import type { ComponentChildren } from 'preact'
import type { ConsultationSummary } from '../../consultations/index.js'
import type { DenialDue, ListedDecision } from '../../records/index.js'
import type { Formats } from '../../lib/format-dates.js'
import { Layout, type PageFrame } from '../layout.js'
import { texts } from '../text/en.js'
import { Overdue } from './consultations.js'

export interface StartData {
  /** Our agency id: our denials' pages are under it. */
  self: string
  consultations: ConsultationSummary[] | undefined
  reviews: DenialDue[] | undefined
  /** How many are due in all (`reviews` lists the soonest). */
  reviewsDue?: number | undefined
  alliedDenials: ListedDecision[] | undefined
}

/** A section of the start page: its heading, a sentence when there is nothing, or a table. Not shown for rows undefined (not the user's role). */
function Section<T> ({ id, title, none, head, rows, row }: { id: string, title: string, none: string, head: readonly string[], rows: readonly T[] | undefined, row: (item: T) => ComponentChildren }) {
  if (rows === undefined) return null
  return (
    <section aria-labelledby={id}>
      <h2 id={id}>{title}</h2>
      {rows.length === 0
        ? <p>{none}</p>
        : (
          <table>
            <caption class='visually-hidden'>{title}</caption>
            <thead><tr>{head.map((h) => <th key={h} scope='col'>{h}</th>)}</tr></thead>
            <tbody>{rows.map(row)}</tbody>
          </table>
          )}
    </section>
  )
}

/** What needs the user first: each section only for the roles it is for. */
export function StartPage ({ frame, data, formats }: { frame: PageFrame, data: StartData, formats: Formats }) {
  return (
    <Layout frame={{ ...frame, active: 'start' }} title={texts.startTitle}>
      <h1>{texts.startTitle}</h1>
      <Section
        id='consultations' title={texts.startConsultations} none={texts.startConsultationsNone} rows={data.consultations}
        head={[texts.columnAgency, texts.columnSubject, texts.columnDeadline]}
        row={(c) => (
          <tr key={c.id}>
            <td><a href={`/app/consultations/${c.id}`}>{c.peer}<span class='visually-hidden'> {texts.consultations.about(c.denial.reference)}</span></a></td>
            <td><a href={`/app/decisions/${encodeURIComponent(c.denial.issuer)}/${c.denial.recordId}`}>{c.denial.reference}</a></td>
            <td>{formats.date(c.deadline)} <Overdue days={c.daysOverdue} /></td>
          </tr>
        )}
      />
      <Section
        id='reviews' title={texts.startReviews} none={texts.startReviewsNone} rows={data.reviews}
        head={[texts.columnReference, texts.columnDestination, texts.columnReviewBy]}
        row={(d) => (
          <tr key={d.recordId}>
            <td><a href={`/app/decisions/${encodeURIComponent(data.self)}/${d.recordId}`}>{d.reference}</a></td>
            <td>{d.destination}</td>
            <td>{formats.date(d.validUntil)} ({d.daysLeft} days)</td>
          </tr>
        )}
      />
      {data.reviews !== undefined && data.reviewsDue !== undefined && data.reviewsDue > data.reviews.length && <p>{texts.startReviewsMore(data.reviews.length, data.reviewsDue)} <a href='/app?reviews=all#reviews'>{texts.startReviewsAll(data.reviewsDue)}</a></p>}
      <Section
        id='allied-denials' title={texts.startAlliedDenials} none={texts.startAlliedDenialsNone} rows={data.alliedDenials}
        head={[texts.columnReference, texts.columnAgency, texts.columnDestination, texts.columnDecided]}
        row={(d) => (
          <tr key={`${d.issuer}/${d.recordId}`}>
            <td><a href={`/app/decisions/${encodeURIComponent(d.issuer)}/${d.recordId}`}>{d.content.reference}</a></td>
            <td>{d.issuer}</td>
            <td>{d.content.destination}</td>
            <td>{formats.date(d.content.decisionDate)}</td>
          </tr>
        )}
      />
    </Layout>
  )
}
