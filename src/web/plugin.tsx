import csrfProtection from '@fastify/csrf-protection'
import formbody from '@fastify/formbody'
import secureSession from '@fastify/secure-session'
import type { FastifyReply, FastifyRequest } from 'fastify'
import type { VNode } from 'preact'
import { countUnreadAlerts } from '../alerts/index.js'
import { listConsultations } from '../consultations/index.js'
import type { App } from '../http/types.js'
import { countDenialsDueForReview } from '../records/index.js'
import { listDenialsDue, searchRecords } from '../use-cases/index.js'
import type { UserRole } from '../signing/index.js'
import { createFormats } from '../lib/format-dates.js'
import type { PageFrame, PageUser } from './layout.js'
import { ForbiddenPage, MessagePage, SignInPage } from './pages/messages.js'
import { StartPage } from './pages/start.js'
import type { PageKit } from './page-kit.js'
import { sendPage } from './render.js'
import { decisionPages } from './routes-decisions.js'
import { screeningPages } from './routes-screenings.js'
import { divergencePages } from './routes-divergences.js'
import { consultationPages } from './routes-consultations.js'
import { adminPages } from './routes-admin.js'
import { recordDecisionPages } from './routes-record-decision.js'
import { auditPages } from './routes-audit.js'
import { alertPages } from './routes-alerts.js'
import { casePages } from './routes-cases.js'
import { importPages } from './routes-import.js'
import { STYLESHEET, STYLESHEET_PATH } from './stylesheet.js'
import { startDevIdentityProvider, type DevIdentityProvider } from './dev-identity-provider.js'
import { createSignIn, type OidcClientSettings, type PendingSignIn } from './sign-in.js'
import { texts } from './text/en.js'

const ALL_ROLES: readonly UserRole[] = ['officer', 'auditor', 'admin']
/** Refresh the session's last activity at most this often (each refresh re-encrypts the cookie). */
const ACTIVITY_STEP_MS = 60_000
/** The start page lists our denials due for review within this many days, the soonest START_ROWS of them (and how many in all). */
const REVIEW_DAYS = 90
const START_ROWS = 10

export interface WebOptions {
  /** 32 bytes: the session cookie's encryption key (`deriveSessionKey`). */
  sessionKey: Buffer
  /** The app's own base URL as the browser reaches it (the public URL, or the address it listens on). */
  baseUrl: () => string
}

interface SessionUser extends PageUser {
  signedInAt: number
  lastSeenAt: number
  idToken: string
}

declare module '@fastify/secure-session' {
  interface SessionData {
    user: SessionUser
    pending: PendingSignIn
  }
}

declare module 'fastify' {
  interface FastifyRequest {
    /** The signed-in user of a page request, when the session holds one that has not expired. */
    webUser?: SessionUser | undefined
    /** Set when this request found its session expired. */
    webSessionEnded?: boolean
    /** The signed-in user's alerts still to read, counted for a page (GET). */
    webAlerts?: number
  }
}

/**
 * The web application (docs/web.md): server-rendered pages under /app for officers, auditors
 * and administrators, signed in through the agency's OpenID provider, in an encrypted session
 * cookie, every form CSRF-protected, under a CSP that allows the agency's own stylesheet and
 * nothing else. Pages call the use cases and readers, as the JSON routes do.
 */
export async function webPlugin (app: App, options: WebOptions): Promise<void> {
  const web = app.config.web
  const formats = createFormats(web)
  const secure = options.baseUrl().startsWith('https://')
  const development = web.oidc === undefined
  // without an agency provider, the development one starts on the first sign-in (when the app's address is known) and stops with the app
  let devProvider: Promise<DevIdentityProvider> | undefined
  app.addHook('onClose', async () => { if (devProvider !== undefined) await (await devProvider).close() })
  let providerOrigin = web.oidc === undefined ? '' : new URL(web.oidc.issuerUrl).origin
  const identityProvider = async (): Promise<OidcClientSettings> => {
    if (web.oidc !== undefined) return web.oidc
    devProvider ??= startDevIdentityProvider({
      dataDir: app.config.dataDir,
      host: app.config.host,
      issuerHost: new URL(options.baseUrl()).hostname,
      port: web.devIdpPort,
      redirectUri: `${options.baseUrl()}/app/auth/callback`,
      postLogoutRedirectUri: `${options.baseUrl()}/app/signed-out`,
      rolesClaim: app.config.idp.rolesClaim
    }).then((started) => {
      app.log.warn({ issuer: started.issuer }, 'development OpenID provider started: set OIDC_ISSUER_URL for a real one')
      return started
    })
    const dev = await devProvider
    providerOrigin = new URL(dev.issuer).origin
    return { issuerUrl: dev.issuer, clientId: dev.clientId, clientSecret: dev.clientSecret }
  }
  const signIn = createSignIn(identityProvider, { rolesClaim: app.config.idp.rolesClaim, redirectUri: () => `${options.baseUrl()}/app/auth/callback` })

  // pages are not the JSON API: kept out of the OpenAPI document
  app.addHook('onRoute', (route) => { route.schema = { ...route.schema, hide: true } })
  // forms post application/x-www-form-urlencoded, here only: the JSON API keeps refusing it (415)
  await app.register(formbody, { bodyLimit: 64 * 1024 })
  await app.register(secureSession, {
    key: options.sessionKey,
    cookieName: secure ? '__Host-session' : 'reciprocity-session',
    expiry: Math.ceil(web.sessionMaxMs / 1000),
    cookie: { path: secure ? '/' : '/app', httpOnly: true, sameSite: 'lax', secure }
  })
  await app.register(csrfProtection, { sessionPlugin: '@fastify/secure-session', getToken: (request) => (request.body as Record<string, string> | undefined)?._csrf })

  app.addHook('onSend', async (request, reply) => {
    // the report sets its own (inline styles only, nothing else)
    if ((request.routeOptions.config as { ownContentPolicy?: boolean } | undefined)?.ownContentPolicy === true) return
    // after helmet's API policy: pages load the agency's own stylesheet and post to the agency and its identity provider
    reply.header('content-security-policy', [
      "default-src 'none'", "style-src 'self'", "img-src 'self' data:", `form-action 'self'${providerOrigin === '' ? '' : ` ${providerOrigin}`}`,
      "frame-ancestors 'none'", "base-uri 'none'"
    ].join('; '))
  })

  app.addHook('onRequest', async (request) => {
    const user = request.session.get('user')
    if (user === undefined) return
    const now = app.clock.now().getTime()
    if (now - user.signedInAt >= web.sessionMaxMs || now - user.lastSeenAt >= web.sessionIdleMs) {
      request.session.delete()
      request.webSessionEnded = true
      return
    }
    if (now - user.lastSeenAt >= ACTIVITY_STEP_MS) request.session.set('user', { ...user, lastSeenAt: now })
    request.webUser = user
    request.principal = { kind: 'user', subject: user.subject, roles: [...user.roles] }
    // the count on every page: one indexed count, for pages only (not the forms posted)
    if (request.method === 'GET' && request.url !== STYLESHEET_PATH) request.webAlerts = await countUnreadAlerts(app.db, { subject: user.subject, roles: user.roles })
  })

  app.addHook('preHandler', (request, reply, done) => {
    if (request.method !== 'POST') return done()
    app.csrfProtection(request, reply, done)
  })

  const frameOf = (request: FastifyRequest, reply: FastifyReply): PageFrame => ({
    agencyName: app.config.agency.name,
    user: request.webUser,
    csrf: request.webUser === undefined ? undefined : reply.generateCsrf(),
    development,
    alerts: request.webAlerts
  })
  const show = (reply: FastifyReply, status: number, page: VNode) => sendPage(reply, status, page)

  /** The signed-in user holding one of `roles`; otherwise the answer has been sent (sign in, or 403) and undefined is returned. */
  const signedIn = (request: FastifyRequest, reply: FastifyReply, roles: readonly UserRole[] = ALL_ROLES): SessionUser | undefined => {
    const user = request.webUser
    if (user === undefined) {
      const back = request.method === 'GET' ? request.url : '/app'
      void reply.redirect(`/app/sign-in?return=${encodeURIComponent(back)}${request.webSessionEnded === true ? '&ended=1' : ''}`, 303)
      return undefined
    }
    if (!user.roles.some((r) => roles.includes(r))) {
      void show(reply, 403, <ForbiddenPage frame={frameOf(request, reply)} roles={roles} />)
      return undefined
    }
    return user
  }

  const kit: PageKit = { formats, frameOf, signedIn, show }
  await recordDecisionPages(app, kit)
  await auditPages(app, kit)
  await alertPages(app, kit)
  await casePages(app, kit)
  await importPages(app, kit)
  await decisionPages(app, kit)
  await screeningPages(app, kit)
  await divergencePages(app, kit)
  await consultationPages(app, kit)
  await adminPages(app, kit)

  app.setNotFoundHandler((request, reply) => show(reply, 404, <MessagePage frame={frameOf(request, reply)} title={texts.notFoundTitle} lead={texts.notFoundLead} action={{ href: '/app', label: texts.navStart }} />))

  app.setErrorHandler((error: Error & { statusCode?: number, code?: string }, request, reply) => {
    const frame = { agencyName: app.config.agency.name, user: request.webUser, development }
    if (error.code?.startsWith('FST_CSRF') === true) {
      return show(reply, 403, <MessagePage frame={frame} title={texts.csrfTitle} lead={texts.csrfLead} action={{ href: '/app', label: texts.navStart }} />)
    }
    const status = error.statusCode !== undefined && error.statusCode >= 400 && error.statusCode < 500 ? error.statusCode : 500
    if (status === 500) request.log.error({ err: error }, 'web page failed')
    return show(reply, status, <MessagePage frame={frame} title={status === 500 ? texts.errorTitle : texts.notFoundTitle} lead={status === 500 ? texts.errorLead : error.message} />)
  })

  app.get(STYLESHEET_PATH.slice('/app'.length), async (_request, reply) =>
    reply.type('text/css; charset=utf-8').header('cache-control', 'public, max-age=31536000, immutable').send(STYLESHEET))

  app.get('/', async (request, reply) => {
    const user = signedIn(request, reply)
    if (user === undefined) return reply
    const services = app.services
    const officer = user.roles.includes('officer')
    const allReviews = (request.query as { reviews?: unknown }).reviews === 'all'
    const [consultations, reviews, reviewsDue, alliedDenials] = await Promise.all([
      officer ? listConsultations(services, { direction: 'incoming', state: 'requested', limit: 20 }).then((p) => p.consultations) : undefined,
      officer ? listDenialsDue(services, user.subject, { withinDays: REVIEW_DAYS, limit: allReviews ? undefined : START_ROWS }) : undefined,
      officer ? countDenialsDueForReview({ db: services.db, issuer: app.config.agency.id, clock: app.clock }, REVIEW_DAYS) : undefined,
      officer || user.roles.includes('auditor')
        ? searchRecords(services, user.subject, { scope: 'allied', outcome: 'denied', limit: 10 }).then((p) => p.records)
        : undefined
    ])
    return show(reply, 200, <StartPage frame={frameOf(request, reply)} data={{ self: app.config.agency.id, consultations, reviews, reviewsDue, alliedDenials }} formats={formats} />)
  })

  app.get('/sign-in', async (request, reply) => {
    const query = request.query as { return?: string, ended?: string }
    if (request.webUser !== undefined) return reply.redirect(safeReturn(query.return), 303)
    return show(reply, 200, <SignInPage frame={frameOf(request, reply)} returnTo={safeReturn(query.return)} notice={query.ended === '1' ? texts.sessionEnded : undefined} />)
  })

  app.get('/auth/login', async (request, reply) => {
    const { url, pending } = await signIn.start(safeReturn((request.query as { return?: string }).return))
    request.session.set('pending', pending)
    return reply.redirect(url, 303)
  })

  app.get('/auth/callback', async (request, reply) => {
    const pending = request.session.get('pending')
    request.session.set('pending', undefined)
    const frame = { agencyName: app.config.agency.name, development }
    if (pending === undefined) return show(reply, 400, <MessagePage frame={frame} title={texts.signInFailedTitle} lead={texts.signInFailedLead} action={{ href: '/app/sign-in', label: texts.signIn }} />)
    let user
    try {
      user = await signIn.finish(new URL(request.url, options.baseUrl()), pending)
    } catch (err) {
      request.log.warn({ reason: (err as Error).message }, 'sign-in refused')
      return show(reply, 400, <MessagePage frame={frame} title={texts.signInFailedTitle} lead={texts.signInFailedLead} action={{ href: '/app/sign-in', label: texts.signIn }} />)
    }
    if (user.roles.length === 0) {
      request.log.info({ subject: user.subject }, 'sign-in without a role')
      return show(reply, 403, <MessagePage frame={frame} title={texts.noRoleTitle} lead={texts.noRoleLead(user.subject)} />)
    }
    const now = app.clock.now().getTime()
    request.session.set('user', { subject: user.subject, name: user.name, roles: user.roles, idToken: user.idToken, signedInAt: now, lastSeenAt: now })
    request.log.info({ subject: user.subject, roles: user.roles }, 'signed in')
    return reply.redirect(pending.returnTo, 303)
  })

  app.post('/sign-out', async (request, reply) => {
    const idToken = request.webUser?.idToken
    if (request.webUser !== undefined) request.log.info({ subject: request.webUser.subject }, 'signed out')
    request.session.delete()
    const away = await signIn.endSessionUrl(idToken, `${options.baseUrl()}/app/signed-out`).catch(() => undefined)
    return reply.redirect(away ?? '/app/signed-out', 303)
  })

  app.get('/signed-out', async (_request, reply) => show(reply, 200, (
    <MessagePage frame={{ agencyName: app.config.agency.name, development }} title={texts.signedOutTitle} lead={texts.signedOutLead} action={{ href: '/app/sign-in', label: texts.signIn }} />
  )))
}

/** Where to go back to after sign-in: a page of this application only (never another site). */
function safeReturn (value: string | undefined): string {
  return value !== undefined && /^\/app(\/[^\\]*)?(\?.*)?$/.test(value) && !value.startsWith('//') ? value : '/app'
}
