import {
  drainDetectionBacklog as drain, reevaluateLapsed as reevaluate, transitionDivergence as transition, type DivergenceState
} from '../divergence/index.js'
import { reassessLapsedAlerts } from '../alerts/index.js'
import type { UseCaseContext } from './context.js'
import { arrivalMatching } from './alerts.js'
import { alertAfterStore } from './detection.js'

/** An auditor's move of a divergence to another state, with the reason, in its history and the audit trail. */
export async function transitionDivergence (ctx: UseCaseContext, auditor: string, id: string, to: DivergenceState, reason: string) {
  return transition({ db: ctx.db, clock: ctx.clock }, id, auditor, to, reason)
}

/**
 * Re-evaluates the divergences whose decisions lapsed since they were last checked: a lapse
 * writes nothing, so this is the one detection not started by a write (`cli divergences
 * reevaluate`, and daily by the jobs).
 */
export async function reevaluateLapsed (ctx: Pick<UseCaseContext, 'db' | 'config' | 'clock'>) {
  const outcome = await reevaluate({ db: ctx.db, config: ctx.config.divergence, clock: ctx.clock })
  return { ...outcome, alertRecords: await reassessLapsedAlertsOf(ctx) }
}

/** The alerts whose record lapsed or was revoked from a day now past, assessed again: they no longer hold. */
function reassessLapsedAlertsOf (ctx: Pick<UseCaseContext, 'db' | 'config' | 'clock'>) {
  return reassessLapsedAlerts({ ...arrivalMatching(ctx), db: ctx.db })
}

/**
 * Detects again the decisions a large change (a sync page, an import) queued, every party
 * searched as screening does, and matches them against the open cases and watched parties
 * (`cli divergences backlog`, and the jobs).
 */
export async function drainDetectionBacklog (ctx: Pick<UseCaseContext, 'db' | 'config' | 'clock'>, signal?: AbortSignal) {
  return drain({ db: ctx.db, config: ctx.config.divergence, clock: ctx.clock, also: alertAfterStore(ctx) }, signal)
}
