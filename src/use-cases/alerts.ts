import {
  acknowledgeAlert as acknowledge, closeCase, getCase, openCase as open, unwatchParty as unwatch, watchParty as watch,
  type AlertViewer, type CaseOpening, type CaseView, type WatchedPartyInput
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
