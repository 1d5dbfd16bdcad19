import { Type, type Static } from '@sinclair/typebox'
import { appendAuditEvents } from '../audit/append-events.js'
import type { MatchingConfig } from '../config.js'
import { citeConsultation } from '../consultations/index.js'
import { canonicalize } from '../lib/canonical-json.js'
import { errors } from '../lib/errors.js'
import { todayOf } from '../records/dates.js'
import { withDefaults } from '../records/lifecycle.js'
import { DecisionInput, publishDecision, UndercutOverride, type DecisionContent, type RecordsContext } from '../records/index.js'
import type { DivergenceConfig } from './types.js'
import { findUndercutConflicts } from './undercut-warning.js'

/** `POST /v1/decisions`: a decision and, for a grant, the consultation it cites or why it overrides the warning. */
export const DecisionRecording = Type.Object({
  ...DecisionInput.properties,
  consultation: Type.Optional(Type.Object({
    id: Type.String({ format: 'uuid', description: 'a consultation we asked of the denying agency, answered or past its deadline' }),
    justification: Type.String({ minLength: 1, maxLength: 4000, description: 'why the licence is granted notwithstanding the denial' })
  }, { additionalProperties: false, description: 'a grant only: the consultation held before deciding; the service writes the full citation (agency, denial, answer) into the signed decision' })),
  undercutOverride: Type.Optional(UndercutOverride)
}, { additionalProperties: false })
export type DecisionRecording = Static<typeof DecisionRecording>

/**
 * Records a decision as an officer does: a grant that would undercut an allied denial in force
 * is refused (UNDERCUT_WARNING, listing the denials, nothing stored) unless the consultation it
 * cites covers every such denial or it carries `undercutOverride`; then it is stored (and
 * detection opens its divergences) with an `undercut-recorded` audit event naming the denials.
 */
export async function recordDecision (ctx: RecordsContext, deps: { matching: MatchingConfig, divergence: DivergenceConfig }, input: DecisionRecording) {
  const { consultation: citing, undercutOverride, ...decision } = input
  if (decision.outcome !== 'granted' && (citing !== undefined || undercutOverride !== undefined)) {
    const field = citing !== undefined ? 'consultation' : 'undercutOverride'
    throw errors.invalidRequest(`${field} applies to grants only`, [{ pointer: `/body/${field}`, detail: 'not allowed on a denial' }])
  }
  const today = todayOf(ctx.clock)
  const consultation = citing === undefined ? undefined : await citeConsultation(ctx.db, today, citing)
  const content = {
    ...decision,
    ...(consultation === undefined ? {} : { consultation }),
    ...(undercutOverride === undefined ? {} : { undercutOverride })
  }
  if (content.outcome !== 'granted') return publishDecision(ctx, content)

  const { audience: _audience, ...proposed } = content
  const conflicts = await ctx.db.transaction().execute((trx) =>
    findUndercutConflicts(trx, { self: ctx.issuer, matching: deps.matching, divergence: deps.divergence, today }, withDefaults(proposed, ctx.denialReviewYears)))
  const uncovered = conflicts.filter((c) => !c.covered)
  if (uncovered.length > 0 && undercutOverride === undefined) throw errors.undercutWarning(uncovered.map(({ covered: _covered, ...c }) => c))
  if (conflicts.length === 0) return publishDecision(ctx, content)
  return publishDecision({
    ...ctx,
    onStored: async (trx, records) => {
      await ctx.onStored?.(trx, records)
      await appendAuditEvents(trx, records.map((record) => ({
        actor: ctx.actor,
        action: 'undercut-recorded',
        subject: { type: 'record', id: record.recordId },
        detail: {
          reference: content.reference,
          denials: conflicts.map((c) => ({ issuer: c.issuer, recordId: c.recordId, reference: c.reference, coveredByConsultation: c.covered })),
          ...(consultation === undefined ? {} : { consultation: consultation.id, answer: consultation.answer }),
          ...(undercutOverride === undefined ? {} : { override: undercutOverride.reason })
        }
      })), ctx.clock)
    }
  }, content)
}

/**
 * An amendment keeps the grant's consultation citation and undercut override as recorded: they
 * are written by the service when the grant is recorded, never edited (CONFLICT otherwise).
 */
export async function checkAmendedCitation (ctx: Pick<RecordsContext, 'db' | 'issuer'>, recordId: string, amended: DecisionContent): Promise<void> {
  const held = await ctx.db.selectFrom('records').select('body').where('issuer', '=', ctx.issuer).where('record_id', '=', recordId).where('kind', '=', 'decision').executeTakeFirst()
  if (held === undefined) return
  const before = held.body as DecisionContent
  for (const field of ['consultation', 'undercutOverride'] as const) {
    if (canonicalize(before[field] ?? null) !== canonicalize(amended[field] ?? null)) {
      throw errors.recordNotAmendable(recordId, `${field} is written with the grant and cannot be changed by an amendment; send it unchanged (or omit it when the grant has none)`)
    }
  }
}
