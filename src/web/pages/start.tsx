import type { ConsultationSummary } from '../../consultations/index.js'
import type { DenialDue, ListedDecision } from '../../records/index.js'
import type { Formats } from '../format.js'
import { Layout, type PageFrame } from '../layout.js'
import { texts } from '../text/en.js'

export interface StartData {
  consultations: ConsultationSummary[] | undefined
  reviews: DenialDue[] | undefined
  alliedDenials: ListedDecision[] | undefined
}

/** What needs the user first: each section only for the roles it is for (undefined: not shown). */
export function StartPage ({ frame, data, formats }: { frame: PageFrame, data: StartData, formats: Formats }) {
  return (
    <Layout frame={{ ...frame, active: 'start' }} title={texts.startTitle}>
      <h1>{texts.startTitle}</h1>
      {data.consultations !== undefined && (
        <section aria-labelledby='consultations'>
          <h2 id='consultations'>{texts.startConsultations}</h2>
          {data.consultations.length === 0
            ? <p>{texts.startConsultationsNone}</p>
            : (
              <table>
                <caption class='visually-hidden'>{texts.startConsultations}</caption>
                <thead><tr><th scope='col'>{texts.columnAgency}</th><th scope='col'>{texts.columnSubject}</th><th scope='col'>{texts.columnDeadline}</th></tr></thead>
                <tbody>
                  {data.consultations.map((c) => (
                    <tr key={c.id}>
                      <td>{c.peer}</td>
                      <td><a href={`/app/consultations/${c.id}`}>{c.denial.reference}</a></td>
                      <td>{formats.date(c.deadline)}{c.overdue && <strong class='tag tag--warning'> overdue by {c.daysOverdue} days</strong>}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
              )}
        </section>
      )}
      {data.reviews !== undefined && (
        <section aria-labelledby='reviews'>
          <h2 id='reviews'>{texts.startReviews}</h2>
          {data.reviews.length === 0
            ? <p>{texts.startReviewsNone}</p>
            : (
              <table>
                <caption class='visually-hidden'>{texts.startReviews}</caption>
                <thead><tr><th scope='col'>{texts.columnReference}</th><th scope='col'>{texts.columnDestination}</th><th scope='col'>{texts.columnReviewBy}</th></tr></thead>
                <tbody>
                  {data.reviews.map((d) => (
                    <tr key={d.recordId}>
                      <td><a href={`/app/decisions/${d.recordId}`}>{d.reference}</a></td>
                      <td>{d.destination}</td>
                      <td>{formats.date(d.validUntil)} ({d.daysLeft} days)</td>
                    </tr>
                  ))}
                </tbody>
              </table>
              )}
        </section>
      )}
      {data.alliedDenials !== undefined && (
        <section aria-labelledby='allied-denials'>
          <h2 id='allied-denials'>{texts.startAlliedDenials}</h2>
          {data.alliedDenials.length === 0
            ? <p>{texts.startAlliedDenialsNone}</p>
            : (
              <table>
                <caption class='visually-hidden'>{texts.startAlliedDenials}</caption>
                <thead><tr><th scope='col'>{texts.columnReference}</th><th scope='col'>{texts.columnAgency}</th><th scope='col'>{texts.columnDestination}</th><th scope='col'>{texts.columnDecided}</th></tr></thead>
                <tbody>
                  {data.alliedDenials.map((d) => (
                    <tr key={`${d.issuer}/${d.recordId}`}>
                      <td><a href={`/app/decisions/${d.issuer}/${d.recordId}`}>{d.content.reference}</a></td>
                      <td>{d.issuer}</td>
                      <td>{d.content.destination}</td>
                      <td>{formats.date(d.content.decisionDate)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
              )}
        </section>
      )}
    </Layout>
  )
}
