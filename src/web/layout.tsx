import type { ComponentChildren } from 'preact'
import type { UserRole } from '../signing/index.js'
import { STYLESHEET_PATH } from './stylesheet.js'
import { texts } from './text/en.js'

/** Who is signed in, as a page shows them. */
export interface PageUser {
  subject: string
  name: string
  roles: readonly UserRole[]
}

export interface PageFrame {
  agencyName: string
  /** Undefined on pages shown before sign-in. */
  user?: PageUser | undefined
  /** The session's CSRF token, for the sign-out form and every other form. */
  csrf?: string | undefined
  development: boolean
  /** The navigation entry of this page. */
  active?: NavKey | undefined
  /** The signed-in user's alerts still to read (the count in the navigation). */
  alerts?: number | undefined
}

type NavKey = 'start' | 'alerts' | 'cases' | 'watch-list' | 'decisions' | 'screening' | 'divergences' | 'consultations' | 'audit' | 'admin'

/** The pages built so far (docs/web.md §9), each for the roles that may open it. */
const NAV: ReadonlyArray<{ key: NavKey, href: string, label: string, roles: readonly UserRole[] }> = [
  { key: 'start', href: '/app', label: texts.navStart, roles: ['officer', 'auditor', 'admin'] },
  { key: 'alerts', href: '/app/alerts', label: texts.alerts.nav, roles: ['officer', 'auditor', 'admin'] },
  { key: 'cases', href: '/app/cases', label: texts.cases.nav, roles: ['officer'] },
  { key: 'watch-list', href: '/app/watched-parties', label: texts.watchList.nav, roles: ['officer'] },
  { key: 'decisions', href: '/app/decisions', label: texts.navDecisions, roles: ['officer', 'auditor'] },
  { key: 'screening', href: '/app/screenings', label: texts.navScreening, roles: ['officer', 'auditor'] },
  { key: 'divergences', href: '/app/divergences', label: texts.divergences.nav, roles: ['officer', 'auditor'] },
  { key: 'consultations', href: '/app/consultations', label: texts.consultations.nav, roles: ['officer', 'auditor'] },
  { key: 'audit', href: '/app/audit', label: texts.audit.nav, roles: ['auditor'] },
  { key: 'admin', href: '/app/peers', label: texts.admin.nav, roles: ['admin'] }
]

export function roleNames (roles: readonly UserRole[]): string {
  return roles.map((r) => texts.roleNames[r]).join(', ')
}

/**
 * Every page: a skip link, the service's header with the navigation the user's roles reach
 * and the sign-out form, one `main` landmark, the title as the only `h1` when the page gives
 * none of its own. No script, no inline style: the stylesheet is the agency's own.
 */
export function Layout ({ frame, title, children }: { frame: PageFrame, title: string, children?: ComponentChildren }) {
  const user = frame.user
  return (
    <html lang='en'>
      <head>
        <meta charset='utf-8' />
        <meta name='viewport' content='width=device-width, initial-scale=1' />
        <title>{`${title} – ${texts.serviceName}`}</title>
        <link rel='icon' href='data:,' />
        <link rel='stylesheet' href={STYLESHEET_PATH} />
      </head>
      <body>
        <a class='skip-link' href='#main'>{texts.skipToContent}</a>
        <header class='site-header'>
          <div class='site-header__service'>
            <a href='/app' class='site-header__name'>{texts.serviceName}</a>
            <span class='site-header__agency'>{frame.agencyName}</span>
          </div>
          {user !== undefined && (
            <div class='site-header__user'>
              <span>{texts.signedInAs(user.name, roleNames(user.roles))}</span>
              <form method='post' action='/app/sign-out' class='inline-form'>
                <input type='hidden' name='_csrf' value={frame.csrf ?? ''} />
                <button type='submit' class='button button--secondary'>{texts.signOut}</button>
              </form>
            </div>
          )}
        </header>
        {user !== undefined && (
          <nav class='site-nav' aria-label='Main'>
            <ul>
              {NAV.filter((n) => n.roles.some((r) => user.roles.includes(r))).map((n) => (
                <li key={n.key}>
                  <a href={n.href} aria-current={frame.active === n.key ? 'page' : undefined}>
                    {n.label}
                    {n.key === 'alerts' && (frame.alerts ?? 0) > 0 && <span class='count'>{texts.alerts.unread(frame.alerts ?? 0)}<span class='visually-hidden'>{texts.alerts.unreadHidden}</span></span>}
                  </a>
                </li>
              ))}
            </ul>
          </nav>
        )}
        {frame.development && <p class='banner banner--development'>{texts.developmentBanner}</p>}
        <main id='main' tabIndex={-1}>
          {children}
        </main>
      </body>
    </html>
  )
}
