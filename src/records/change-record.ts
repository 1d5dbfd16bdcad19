import type { Transaction, Updateable } from 'kysely'
import { appendAuditEvents } from '../audit/index.js'
import type { Database, RecordTable } from '../db/schema.js'
import { appendEntries, type EntryKind, type PublishedEntry } from '../feed/index.js'
import { errors, type ProblemDetail } from '../lib/errors.js'
import { addYears, todayOf } from './dates.js'
import { checkDecisionDates, isFinal, withDefaults } from './lifecycle.js'
import { recordEvent } from './publish-record.js'
import { findDecisionIdByReference, lockRecord, updateRecord, type RecordRow } from './queries.js'
import { replaceRecordDetails } from './record-details.js'
import type { DecisionContent } from './schemas.js'
import { contentOf, filterColumnsOf, toOwnRecord } from './to-record.js'
import type { ContentByKind, PublishedRecord, RecordChange, RecordKind, RecordsContext } from './types.js'

type ChangeKind = Extract<EntryKind, 'amendment' | 'revocation' | 'renewal'>

interface NextVersion {
  entryKind: ChangeKind
  /** Entry body fields beyond `{ recordId, version, supersedes }`. */
  body: Record<string, unknown>
  changes: Updateable<RecordTable>
  /** What the audit event records beyond the version, the entry and the reason (e.g. the revocation's effective date). */
  detail?: Record<string, unknown>
}

const AUDIT_ACTIONS: Readonly<Record<ChangeKind, string>> = { amendment: 'record-amended', revocation: 'record-revoked', renewal: 'record-renewed' }

/**
 * The one path by which a published record changes: lock its row, refuse a revoked record
 * (RECORD_NOT_AMENDABLE) or a stale version (RECORD_SUPERSEDED), sign version n+1 naming the
 * version it supersedes, for the audience of version 1, and move the row (and, for a new
 * content, its query tables) to it, with its audit event (`record-amended`, `-revoked`,
 * `-renewed`, by `ctx.actor`), all in one transaction. `next` may throw to refuse the change.
 * As in publishing, the row, its query tables and `onStored` come before the feed head is
 * locked; the entry, the row's pointer to it and the audit event after.
 */
async function changeRecord (ctx: RecordsContext, kind: RecordKind, recordId: string, change: RecordChange,
  next: (current: RecordRow, today: string) => NextVersion): Promise<PublishedRecord> {
  const key = await ctx.keyRing.current()
  const { published, entry } = await ctx.db.transaction().execute(async (trx) => {
    const current = await lockRecord(trx, ctx.issuer, recordId)
    if (current === undefined || current.kind !== kind) throw errors.recordNotFound(recordId)
    if (isFinal({ revokedFrom: current.revoked_from })) throw errors.recordNotAmendable(recordId, `it was revoked${current.revoked_from === null ? '' : ` with effect from ${current.revoked_from}`}`)
    if (current.version !== change.version) throw errors.recordSuperseded(recordId, current.version, change.version)
    const today = todayOf(ctx.clock)
    const { entryKind, body, changes, detail } = next(current, today)
    const version = current.version + 1
    await refuseTakenReference(trx, ctx.issuer, recordId, current.reference, changes.reference)
    const changed = await updateRecord(trx, ctx.issuer, recordId, { ...changes, version, updated_at: ctx.clock.now() })
      .catch((err: unknown) => { throw isTakenReference(err) ? errors.duplicateReference(String(changes.reference)) : err })
    if (entryKind === 'amendment') {
      await replaceRecordDetails(trx, [{ issuer: ctx.issuer, recordId, kind, content: contentOf(kind, changed.body) }])
    }
    await ctx.onStored?.(trx, [{ issuer: ctx.issuer, recordId }])
    const [entry] = await appendEntries(trx, [{
      kind: entryKind,
      recordId,
      body: { recordId, version, supersedes: { entryId: current.latest_entry_id, version: current.version }, reason: change.reason, ...body },
      audience: current.audience ?? undefined
    }], { issuer: ctx.issuer, key, clock: ctx.clock, keyRing: ctx.keyRing }) as [PublishedEntry]
    const row = await updateRecord(trx, ctx.issuer, recordId, { latest_seq: entry.seq })
    await appendAuditEvents(trx, [recordEvent(AUDIT_ACTIONS[entryKind], ctx.actor, row, entry, { reason: change.reason, ...detail })], ctx.clock)
    return { published: { record: toOwnRecord(row, today), entry: { seq: entry.seq, hash: entry.hash, entryId: entry.entryId } }, entry }
  })
  ctx.onPublished?.(entry)
  return published
}

/**
 * A changed reference must stay unique among our decisions: refused when a stored decision
 * holds it. A new decision inserted meanwhile (publishing writes its row before it locks the
 * feed head) is caught by the unique index at the update instead (`isTakenReference`).
 */
async function refuseTakenReference (trx: Transaction<Database>, issuer: string, recordId: string, current: string | null, next: unknown) {
  if (typeof next !== 'string' || next === current) return
  const holder = await findDecisionIdByReference(trx, issuer, next)
  if (holder !== undefined && holder !== recordId) throw errors.duplicateReference(next)
}

/** The unique index of our decisions' references refused a write. */
const isTakenReference = (err: unknown) =>
  typeof err === 'object' && err !== null && (err as { code?: unknown }).code === '23505' && (err as { constraint?: unknown }).constraint === 'records_reference'

const withPrefix = (problems: ProblemDetail[], prefix: string) => problems.map((p) => ({ ...p, pointer: `${prefix}${p.pointer}` }))

/**
 * Publishes a new full version of a record (kind `amendment`, body `{ ..., recordKind, content }`).
 * A decision keeps its reference unique (DUPLICATE_REFERENCE) and gets the same validUntil
 * default as when first recorded.
 */
export async function amendRecord<K extends RecordKind> (ctx: RecordsContext, kind: K, recordId: string,
  change: RecordChange & { content: ContentByKind[K] }): Promise<PublishedRecord<K>> {
  let content: ContentByKind[K] = change.content
  if (kind === 'decision') {
    const decision = change.content as DecisionContent
    const problems = checkDecisionDates(decision)
    if (problems.length > 0) throw errors.invalidRequest('the decision dates are inconsistent', withPrefix(problems, '/body/decision'))
    content = withDefaults(decision, ctx.denialReviewYears) as ContentByKind[K]
  }
  const result = await changeRecord(ctx, kind, recordId, change, () => ({
    entryKind: 'amendment',
    body: { recordKind: kind, content },
    changes: { ...filterColumnsOf(kind, content), body: JSON.stringify(content) }
  }))
  return result as PublishedRecord<K>
}

/**
 * Revokes a record (kind `revocation`): from `effectiveDate` (default: today, UTC) it is no
 * longer in force, and it can never change again. Every peer that saw the record receives it.
 */
export async function revokeRecord<K extends RecordKind> (ctx: RecordsContext, kind: K, recordId: string,
  change: RecordChange & { effectiveDate?: string | undefined }): Promise<PublishedRecord<K>> {
  const result = await changeRecord(ctx, kind, recordId, change, (_current, today) => {
    const effectiveDate = change.effectiveDate ?? today
    return {
      entryKind: 'revocation',
      body: { recordKind: kind, effectiveDate },
      changes: { status: 'revoked', revoked_from: effectiveDate },
      detail: { effectiveDate }
    }
  })
  return result as PublishedRecord<K>
}

/**
 * Renews a decision at review (kind `renewal`) until `validUntil`. A denial's default is the
 * review window counted from today; a grant's renewal must name its new end. Renewing brings a
 * lapsed decision back in force.
 */
export async function renewDecision (ctx: RecordsContext, recordId: string,
  change: RecordChange & { validUntil?: string | undefined }): Promise<PublishedRecord<'decision'>> {
  const result = await changeRecord(ctx, 'decision', recordId, change, (current, today) => {
    const decision = contentOf('decision', current.body)
    if (change.validUntil === undefined && decision.outcome !== 'denied') {
      throw errors.invalidRequest('a grant is renewed until a date: give validUntil', [{ pointer: '/body/validUntil', detail: 'required to renew a grant' }])
    }
    const validUntil = change.validUntil ?? addYears(today, ctx.denialReviewYears)
    if (validUntil < today) {
      throw errors.invalidRequest(`a renewal cannot end in the past (${validUntil})`, [{ pointer: '/body/validUntil', detail: `must not precede today, ${today}` }])
    }
    const renewed: DecisionContent = { ...decision, validUntil }
    return {
      entryKind: 'renewal',
      body: { validUntil },
      changes: { valid_until: validUntil, body: JSON.stringify(renewed) },
      detail: { validUntil }
    }
  })
  return result as PublishedRecord<'decision'>
}
