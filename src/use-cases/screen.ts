import { type DispositionInput, type ScreeningRequest, recordDisposition as recordHitDisposition, screenApplications as screen } from '../screening/index.js'
import type { UseCaseContext } from './context.js'

const screeningDeps = (ctx: UseCaseContext) => ({ db: ctx.db, self: ctx.config.agency.id, clock: ctx.clock, matching: ctx.config.matching })

/** Screens a batch of applications for `officer` against allied (and optionally our own) decisions; stored and audited. */
export async function screenApplications (ctx: UseCaseContext, officer: string, request: ScreeningRequest) {
  return screen(screeningDeps(ctx), officer, request)
}

/** Records `officer`'s disposition of one hit of a stored screening. */
export async function recordDisposition (ctx: UseCaseContext, officer: string, screeningId: string, hitId: string, input: DispositionInput) {
  return recordHitDisposition(screeningDeps(ctx), officer, screeningId, hitId, input)
}
