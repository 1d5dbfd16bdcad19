import {
  acknowledgeAlert as acknowledge, closeCase, createWebhook, getCase, openCase as open, removeWebhook, unwatchParty as unwatch,
  updateWebhook, watchEvents, watchParty as watch, type AlertViewer, type CaseOpening, type CaseView, type WatchedPartyInput, type WebhookInput, type WebhookUpdate
} from '../alerts/index.js'
import { errors } from '../lib/errors.js'
import { getScreening, type Application, type Hit } from '../screening/index.js'
import type { UseCaseContext } from './context.js'
import { screenApplications } from './screen.js'

/**
 * Opens a case for `officer`: from a screening already run (its application and hits), or from
 * an application, screened now (stored and audited as any screening). From then on every
 * record stored is matched against it until a decision is recorded for it or it is withdrawn.
 */
export async function openCase (ctx: UseCaseContext, officer: string, input: CaseOpening): Promise<CaseView> {
  if ((input.screeningId === undefined) === (input.application === undefined)) {
    const pointer = input.screeningId === undefined ? '/body' : '/body/application'
    throw errors.invalidRequest('give exactly one of screeningId and application', [{ pointer, detail: 'a case opens from a screening already run, or from an application screened now' }])
  }
  let screened: { screeningId: string, application: Application, hits: Hit[] }
  if (input.screeningId !== undefined) {
    const screening = await getScreening(ctx.db, input.screeningId)
    screened = { screeningId: screening.screeningId, application: screening.application as Application, hits: screening.result.hits }
  } else {
    const application = input.application as Application
    const { results: [result] } = await screenApplications(ctx, officer, { applications: [application] })
    if (result === undefined) throw new Error('a screening of one application returned no result')
    screened = { screeningId: result.screeningId, application, hits: result.hits }
  }
  const reference = input.reference ?? screened.application.reference
  if (reference === undefined) {
    throw errors.invalidRequest('the case needs a reference', [{ pointer: '/body/reference', detail: 'give one, or an application that has one' }])
  }
  const id = await ctx.db.transaction().execute((trx) => open(trx, ctx.clock, officer, { reference, ...screened }))
  return getCase(ctx.db, id)
}

/** Withdraws an open case (the application is no longer pending): no longer watched; in the audit trail. */
export async function withdrawCase (ctx: UseCaseContext, actor: string, id: string, reason: string): Promise<CaseView> {
  await ctx.db.transaction().execute((trx) => closeCase(trx, ctx.clock, actor, id, { withdrawn: reason }))
  return getCase(ctx.db, id)
}

/** Watches a party for `user` or the agency: any allied record stored from now on naming it raises an alert. */
export async function watchParty (ctx: UseCaseContext, user: string, input: WatchedPartyInput) {
  return watch(ctx, user, input)
}

/** Stops watching a party. */
export async function unwatchParty (ctx: UseCaseContext, user: string, id: string) {
  return unwatch(ctx, user, id)
}

/** Acknowledges an alert `viewer` may read; in the audit trail. */
export async function acknowledgeAlert (ctx: UseCaseContext, viewer: AlertViewer, id: string) {
  return acknowledge(ctx, viewer, id)
}

/** What matching arrivals against the cases and watched parties runs with: our agency, the matcher's settings, where new alerts go. */
export function arrivalMatching (ctx: Pick<UseCaseContext, 'config' | 'clock'>) {
  const { config } = ctx
  return { self: config.agency.id, matching: config.matching, clock: ctx.clock, routing: { emails: config.alerts.emails, email: config.alerts.smtpUrl !== undefined } }
}

/** Raises now the alerts no record's arrival raises (consultations, deadlines, reviews, divergences, peers): what the alert-watch job does each round. */
export async function watchForAlerts (ctx: Pick<UseCaseContext, 'db' | 'config' | 'clock'>) {
  return watchEvents(eventWatchDeps(ctx))
}

function eventWatchDeps (ctx: Pick<UseCaseContext, 'db' | 'config' | 'clock'>) {
  const { routing } = arrivalMatching(ctx)
  return { db: ctx.db, self: ctx.config.agency.id, clock: ctx.clock, alerts: ctx.config.alerts, routing }
}

/** An administrator adds, changes or removes a webhook. */
export async function addWebhook (ctx: UseCaseContext, admin: string, input: WebhookInput) {
  return createWebhook(ctx, admin, input)
}
export async function changeWebhook (ctx: UseCaseContext, admin: string, id: string, change: WebhookUpdate) {
  return updateWebhook(ctx, admin, id, change)
}
export async function deleteWebhook (ctx: UseCaseContext, admin: string, id: string) {
  return removeWebhook(ctx, admin, id)
}
