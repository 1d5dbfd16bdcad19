import { Layout, roleNames, type PageFrame } from '../layout.js'
import { texts } from '../text/en.js'
import type { UserRole } from '../../signing/index.js'

/** A page that only says something: its title, a lead paragraph and, where there is one, what to do next. */
export function MessagePage ({ frame, title, lead, action }: { frame: PageFrame, title: string, lead: string, action?: { href: string, label: string } | undefined }) {
  return (
    <Layout frame={frame} title={title}>
      <h1>{title}</h1>
      <p class='lead'>{lead}</p>
      {action !== undefined && <p><a class='button' href={action.href}>{action.label}</a></p>}
    </Layout>
  )
}

export function SignInPage ({ frame, returnTo, notice }: { frame: PageFrame, returnTo: string, notice?: string | undefined }) {
  return (
    <Layout frame={frame} title={texts.signInTitle}>
      <h1>{texts.signInTitle}</h1>
      {notice !== undefined && <p class='notice' role='status'>{notice}</p>}
      <p class='lead'>{texts.signInLead(frame.agencyName)}</p>
      <p><a class='button' href={`/app/auth/login?return=${encodeURIComponent(returnTo)}`}>{texts.signInButton}</a></p>
    </Layout>
  )
}

export function ForbiddenPage ({ frame, roles }: { frame: PageFrame, roles: readonly UserRole[] }) {
  return <MessagePage frame={frame} title={texts.forbiddenTitle} lead={texts.forbiddenLead(roleNames(roles))} action={{ href: '/app', label: texts.navStart }} />
}
