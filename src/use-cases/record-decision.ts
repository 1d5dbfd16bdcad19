import { Type, type Static } from '@sinclair/typebox'
import { closeCase } from '../alerts/index.js'
import { appendAuditEvents } from '../audit/index.js'
import { citeConsultation } from '../consultations/index.js'
import { findUndercutConflicts } from '../divergence/index.js'
import { canonicalize } from '../lib/canonical-json.js'
import { errors, type UndercutConflict } from '../lib/errors.js'
import {
  amendRecord, DecisionInput, findHeldRecord, publishDecision, todayOf, UndercutOverride, withDefaults,
  type DecisionContent, type PublishedRecord, type RecordChange, type RecordsContext
} from '../records/index.js'
import { recordsContextOf, type UseCaseContext } from './context.js'

/** `POST /v1/decisions`: a decision and, for a grant, the consultation it cites or why it overrides the warning. */
export const DecisionRecording = Type.Object({
  ...DecisionInput.properties,
  consultation: Type.Optional(Type.Object({
    id: Type.String({ format: 'uuid', description: 'a consultation we asked of the denying agency, answered or past its deadline' }),
    justification: Type.String({ minLength: 1, maxLength: 4000, description: 'why the licence is granted notwithstanding the denial' })
  }, { additionalProperties: false, description: 'a grant only: the consultation held before deciding; the service writes the full citation (agency, denial, answer) into the signed decision' })),
  undercutOverride: Type.Optional(UndercutOverride),
  caseId: Type.Optional(Type.String({ format: 'uuid', description: 'the open case this decides: it is closed and linked to the decision, in the same transaction (not part of the signed decision)' }))
}, { additionalProperties: false })
export type DecisionRecording = Static<typeof DecisionRecording>

/**
 * Records a decision as an officer does: a grant that would undercut an allied denial in force
 * is refused (UNDERCUT_WARNING, listing the denials, nothing stored) unless the consultation it
 * cites covers every such denial or it carries `undercutOverride`; then it is stored (and
 * detection opens its divergences) with an `undercut-recorded` audit event naming the denials.
 */
export async function recordDecision (app: UseCaseContext, actor: string, input: DecisionRecording): Promise<PublishedRecord<'decision'>> {
  const ctx = deciding(recordsContextOf(app, actor), input.caseId)
  const { consultation: citing, undercutOverride, caseId: _caseId, ...decision } = input
  if (decision.outcome !== 'granted' && (citing !== undefined || undercutOverride !== undefined)) {
    const field = citing !== undefined ? 'consultation' : 'undercutOverride'
    throw errors.invalidRequest(`${field} applies to grants only`, [{ pointer: `/body/${field}`, detail: 'not allowed on a denial' }])
  }
  const consultation = citing === undefined ? undefined : await citeConsultation(ctx.db, todayOf(ctx.clock), citing)
  const content = {
    ...decision,
    ...(consultation === undefined ? {} : { consultation }),
    ...(undercutOverride === undefined ? {} : { undercutOverride })
  }
  const { audience: _audience, ...proposed } = content
  return publishDecision(withUndercutCheck(app, ctx, withDefaults(proposed, ctx.denialReviewYears)), content)
}

/**
 * The allied denials in force that the grant `input` would undercut and that its consultation
 * does not cover: what `recordDecision` would warn of, found without storing anything (the
 * web application's warning page lists them again when the officer chooses what to do).
 */
export async function undercutConflictsOf (app: UseCaseContext, input: DecisionRecording): Promise<UndercutConflict[]> {
  if (input.outcome !== 'granted') return []
  const { config, clock } = app
  const { consultation: citing, undercutOverride: _override, audience: _audience, caseId: _caseId, ...decision } = input
  const today = todayOf(clock)
  const consultation = citing === undefined ? undefined : await citeConsultation(app.db, today, citing).catch(() => undefined)
  const grant = withDefaults({ ...decision, ...(consultation === undefined ? {} : { consultation }) }, config.denialReviewYears)
  const conflicts = await app.db.transaction().execute((trx) =>
    findUndercutConflicts(trx, { self: config.agency.id, matching: config.matching, divergence: config.divergence, today }, grant))
  return conflicts.filter((c) => !c.covered).map(({ covered: _covered, ...c }) => c)
}

/** `ctx` that closes the case `caseId` with the decision it stores, before detection and the alerts (a case decided is no longer matched). */
function deciding (ctx: RecordsContext, caseId: string | undefined): RecordsContext {
  if (caseId === undefined) return ctx
  return {
    ...ctx,
    onStored: async (trx, records) => {
      const [decision] = records
      if (decision !== undefined) await closeCase(trx, ctx.clock, ctx.actor, caseId, { decision: { issuer: ctx.issuer, recordId: decision.recordId } })
      await ctx.onStored?.(trx, records)
    }
  }
}

/**
 * Amends one of our decisions as an officer does. The consultation citation cannot change (the
 * service wrote it), nor an override once given; an override may be added. An amended grant is
 * checked for undercuts as a new one is (UNDERCUT_WARNING).
 */
export async function amendDecision (app: UseCaseContext, actor: string, recordId: string, change: RecordChange & { content: DecisionContent }): Promise<PublishedRecord<'decision'>> {
  const ctx = recordsContextOf(app, actor)
  const held = await findHeldRecord(ctx.db, ctx.issuer, recordId)
  const before = held?.kind === 'decision' ? held.content : undefined
  const amended = change.content
  if (before !== undefined) {
    const same = (field: 'consultation' | 'undercutOverride') => canonicalize(before[field] ?? null) === canonicalize(amended[field] ?? null)
    if (!same('consultation')) throw errors.recordNotAmendable(recordId, 'consultation is written with the grant and cannot be changed by an amendment; send it unchanged (or omit it when the grant has none)')
    if (before.undercutOverride !== undefined && !same('undercutOverride')) throw errors.recordNotAmendable(recordId, 'undercutOverride, once given, cannot be changed or removed by an amendment; send it unchanged')
  }
  return amendRecord(withUndercutCheck(app, ctx, withDefaults(amended, ctx.denialReviewYears)), 'decision', recordId, change)
}

/**
 * `ctx` that checks a grant for undercuts in the transaction that stores it, before detection
 * and before the feed head is locked: the allied denials in force it would undercut
 * (`findUndercutConflicts`); UNDERCUT_WARNING, and the transaction rolls back, when some are
 * neither covered by its consultation nor overridden; otherwise an `undercut-recorded` audit
 * event names them. A denial is stored as it is.
 */
function withUndercutCheck (app: UseCaseContext, ctx: RecordsContext, decision: DecisionContent): RecordsContext {
  if (decision.outcome !== 'granted') return ctx
  const { config } = app
  const { consultation, undercutOverride } = decision
  return {
    ...ctx,
    onStored: async (trx, records) => {
      const conflicts = await findUndercutConflicts(trx, { self: config.agency.id, matching: config.matching, divergence: config.divergence, today: todayOf(ctx.clock) }, decision)
      const uncovered = conflicts.filter((c) => !c.covered)
      if (uncovered.length > 0 && undercutOverride === undefined) throw errors.undercutWarning(uncovered.map(({ covered: _covered, ...c }) => c))
      await ctx.onStored?.(trx, records)
      if (conflicts.length === 0) return
      await appendAuditEvents(trx, records.map((record) => ({
        actor: ctx.actor,
        action: 'undercut-recorded',
        subject: { type: 'record', id: record.recordId },
        detail: {
          reference: decision.reference,
          denials: conflicts.map((c) => ({ issuer: c.issuer, recordId: c.recordId, reference: c.reference, coveredByConsultation: c.covered })),
          ...(consultation === undefined ? {} : { consultation: consultation.id, answer: consultation.answer }),
          ...(undercutOverride === undefined ? {} : { override: undercutOverride.reason })
        }
      })), ctx.clock)
    }
  }
}
