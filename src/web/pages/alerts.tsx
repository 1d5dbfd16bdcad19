import type { AlertView } from '../../alerts/index.js'
import type { Formats } from '../../lib/format-dates.js'
import { Layout, type PageFrame } from '../layout.js'
import { texts } from '../text/en.js'

const t = texts.alerts

/** Where an alert's record has a page of its own. */
function recordHref (alert: AlertView): string | undefined {
  return alert.record === null ? undefined : `/app/decisions/${encodeURIComponent(alert.record.issuer)}/${alert.record.recordId}`
}

/** The user's alerts (theirs and their roles'): the unread ones, or all; each marked as read by a form. */
export function AlertsPage ({ frame, alerts, all, next, notice, formats }: {
  frame: PageFrame
  alerts: readonly AlertView[]
  all: boolean
  next: string | undefined
  notice: string | undefined
  formats: Formats
}) {
  return (
    <Layout frame={{ ...frame, active: 'alerts' }} title={t.title}>
      <h1>{t.title}</h1>
      <p class='lead'>{t.lead}</p>
      {notice !== undefined && <p class='notice' role='status'>{notice}</p>}
      <p><a href={all ? '/app/alerts' : '/app/alerts?all=1'}>{all ? t.showUnread : t.showAll}</a></p>
      {alerts.length === 0
        ? <p role='status'>{t.none}</p>
        : (
          <table class='results'>
            <caption>{t.caption(alerts.length)}</caption>
            <thead><tr><th scope='col'>{t.columns.alert}</th><th scope='col'>{t.columns.raised}</th><th scope='col'>{t.columns.state}</th></tr></thead>
            <tbody>
              {alerts.map((alert) => {
                const href = recordHref(alert)
                return (
                  <tr key={alert.id}>
                    <td>
                      <strong>{href === undefined ? alert.title : <a href={href}>{alert.title}</a>}</strong>
                      <p class='muted'>{alert.explanation}</p>
                    </td>
                    <td>{formats.dateTime(alert.raisedAt)}</td>
                    <td>
                      <p>{alert.holds ? t.holds : t.noLongerHolds}</p>
                      {alert.acknowledged === null
                        ? (
                          <form method='post' action={`/app/alerts/${alert.id}/acknowledgement`} class='inline-form'>
                            <input type='hidden' name='_csrf' value={frame.csrf ?? ''} />
                            <button type='submit' class='button button--secondary'>{t.acknowledge}<span class='visually-hidden'>: {alert.title}</span></button>
                          </form>
                          )
                        : <p class='muted'>{t.read(alert.acknowledged.by, formats.dateTime(alert.acknowledged.at))}</p>}
                    </td>
                  </tr>
                )
              })}
            </tbody>
          </table>
          )}
      {next !== undefined && <p><a href={`/app/alerts?${next}`}>{t.more}</a></p>}
    </Layout>
  )
}
