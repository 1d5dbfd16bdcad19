import { randomUUID } from 'node:crypto'
import { setImmediate } from 'node:timers/promises'
import type { Transaction } from 'kysely'
import { appendAuditEvents, type AuditEventDraft } from '../audit/index.js'
import type { Database } from '../db/schema.js'
import { appendEntries, openFeedAppender, type FeedAppender, type FeedEntryRow, type PublishedEntry, type Publisher } from '../feed/index.js'
import { errors } from '../lib/errors.js'
import { todayOf } from './dates.js'
import { checkDecisionDates, withDefaults } from './lifecycle.js'
import { insertRecords, updateRecord, type RecordRow } from './queries.js'
import { replaceRecordDetails } from './record-details.js'
import type { ClassificationInput, CrosswalkInput, DecisionContent, DecisionInput } from './schemas.js'
import { filterColumnsOf, normaliseAudience, toOwnRecord } from './to-record.js'
import type { ContentByKind, OwnRecord, PublishedRecord, RecordKind, RecordsContext } from './types.js'

/** Version 1 of a record, ready to sign. */
export interface NewRecord<K extends RecordKind = RecordKind> {
  kind: K
  recordId: string
  content: ContentByKind[K]
  /** As from `normaliseAudience`: null for every peer. */
  audience: string[] | null
}

export interface SignedRecords {
  records: readonly NewRecord[]
  entries: PublishedEntry[]
  feedRows: FeedEntryRow[]
  rows: RecordRow[]
}

/**
 * Signs version 1 of `records` as the appender's next entries (kind = record kind, body
 * `{ recordId, version: 1, ...content }`) and builds their rows: CPU only, nothing stored.
 */
export function signNewRecords (appender: FeedAppender, publisher: Publisher, records: readonly NewRecord[]): SignedRecords {
  return toSigned(publisher, records, appender.sign(draftsOf(records)))
}

/**
 * `signNewRecords` in slices, yielding to the event loop between them, so that the database
 * replies of the batch being stored are handled while this one is signed (a bulk import's
 * signing and inserts then overlap instead of taking turns).
 */
export async function signNewRecordsInSlices (appender: FeedAppender, publisher: Publisher, records: readonly NewRecord[], slice = 50): Promise<SignedRecords> {
  const entries: PublishedEntry[] = []
  const feedRows: FeedEntryRow[] = []
  const drafts = draftsOf(records)
  for (let i = 0; i < drafts.length; i += slice) {
    const part = appender.sign(drafts.slice(i, i + slice))
    entries.push(...part.entries)
    feedRows.push(...part.rows)
    await setImmediate()
  }
  return toSigned(publisher, records, { entries, rows: feedRows })
}

function draftsOf (records: readonly NewRecord[]) {
  return records.map((r) => ({
    kind: r.kind,
    recordId: r.recordId,
    body: { recordId: r.recordId, version: 1, ...r.content },
    audience: r.audience ?? undefined
  }))
}

function toSigned (publisher: Publisher, records: readonly NewRecord[], { entries, rows: feedRows }: { entries: PublishedEntry[], rows: FeedEntryRow[] }): SignedRecords {
  return { records, entries, feedRows, rows: recordRows(publisher, records, entries.map((e) => e.seq)) }
}

/** The `records` rows of version 1 of `records`, the i-th at feed seq `seqs[i]`. */
function recordRows (publisher: Publisher, records: readonly NewRecord[], seqs: readonly number[]): RecordRow[] {
  const now = publisher.clock.now()
  return records.map((r, i) => ({
    issuer: publisher.issuer,
    record_id: r.recordId,
    kind: r.kind,
    version: 1,
    status: 'active',
    ...filterColumnsOf(r.kind, r.content),
    revoked_from: null,
    audience: r.audience,
    body: r.content,
    latest_seq: seqs[i] as number,
    created_at: now,
    updated_at: now
  }))
}

/**
 * Stores what `signNewRecords` built: the entries, every record row in one insert, and their
 * query tables (parties, items, codes, crosswalk links). Returns how many record rows were
 * inserted: fewer than signed means a decision reference was taken (no query tables were
 * written): the caller must roll back.
 */
export async function storeNewRecords (trx: Transaction<Database>, appender: FeedAppender, issuer: string, signed: SignedRecords): Promise<number> {
  await appender.store(signed.feedRows)
  const inserted = await insertRecords(trx, signed.rows)
  if (inserted === signed.rows.length) {
    await replaceRecordDetails(trx, signed.records.map((r) => ({ issuer, recordId: r.recordId, kind: r.kind, content: r.content })), { fresh: true })
  }
  return inserted
}

/**
 * Publishes version 1 of `records` inside the caller's transaction (sign, store, move the
 * feed head). `inserted` below `records.length` means a decision reference was taken: the
 * caller must roll back. Returns the rows as inserted, for callers that answer with them.
 */
export async function appendNewRecords (trx: Transaction<Database>, publisher: Publisher, records: readonly NewRecord[]) {
  const appender = await openFeedAppender(trx, publisher)
  const signed = signNewRecords(appender, publisher, records)
  const inserted = await storeNewRecords(trx, appender, publisher.issuer, signed)
  await appender.finish()
  return { entries: signed.entries, rows: signed.rows, inserted }
}

/**
 * The audit event of one version of our record, as stored in `row` and signed in `entry`:
 * appended in the transaction that publishes it (C10), so both commit or neither.
 */
export function recordEvent (action: string, actor: string, row: Pick<RecordRow, 'record_id' | 'kind' | 'version' | 'reference'>,
  entry: Pick<PublishedEntry, 'seq' | 'hash' | 'entryId'>, extra: Record<string, unknown> = {}): AuditEventDraft {
  return {
    actor,
    action,
    subject: { type: 'record', id: row.record_id },
    detail: { kind: row.kind, version: row.version, seq: entry.seq, entryId: entry.entryId, entryHash: entry.hash, reference: row.reference, ...extra }
  }
}

/**
 * One new record, in one transaction, in an order that keeps the feed head locked as briefly as
 * possible, since every publisher queues on it: first what needs no place in the feed (the
 * record's row, its query tables, `onStored`'s detection), side by side with other publishes;
 * then the head is locked, the entry signed and stored, the row pointed at it, the audit event
 * appended, and the commit releases the head. A taken reference is found by the insert (the
 * unique index waits for a concurrent holder to commit or roll back).
 */
async function publishRecord<K extends RecordKind> (ctx: RecordsContext, kind: K, content: ContentByKind[K], audience: string[] | undefined): Promise<PublishedRecord<K>> {
  const key = await ctx.keyRing.current()
  const publisher: Publisher = { issuer: ctx.issuer, key, clock: ctx.clock, keyRing: ctx.keyRing }
  const draft: NewRecord<K> = { kind, recordId: randomUUID(), content, audience: normaliseAudience(audience) }
  const { published, entry } = await ctx.db.transaction().execute(async (trx) => {
    const [unplaced] = recordRows(publisher, [draft], [UNPLACED])
    if (await insertRecords(trx, [unplaced as RecordRow]) !== 1) throw errors.duplicateReference((content as ContentByKind['decision']).reference)
    await replaceRecordDetails(trx, [{ issuer: ctx.issuer, recordId: draft.recordId, kind, content }], { fresh: true })
    await ctx.onStored?.(trx, [{ issuer: ctx.issuer, recordId: draft.recordId }])
    const [entry] = await appendEntries(trx, draftsOf([draft]), publisher) as [PublishedEntry]
    const row = await updateRecord(trx, ctx.issuer, draft.recordId, { latest_seq: entry.seq })
    await appendAuditEvents(trx, [recordEvent('record-published', ctx.actor, row, entry)], ctx.clock)
    const record = toOwnRecord(row, todayOf(ctx.clock)) as OwnRecord<K>
    return { published: { record, entry: { seq: entry.seq, hash: entry.hash, entryId: entry.entryId } }, entry }
  })
  ctx.onPublished?.(entry)
  return published
}

/** `latest_seq` of a record row written before its entry is signed, in the transaction that then sets it: never committed. */
const UNPLACED = 0

/**
 * Records a licence decision (a denial notice when denied) as version 1 and publishes it.
 * A denial without validUntil stays in force for `denialReviewYears` from its decision date.
 * Throws INVALID_REQUEST for inconsistent dates, DUPLICATE_REFERENCE for a taken reference.
 */
export async function publishDecision (ctx: RecordsContext, input: DecisionInput & Pick<DecisionContent, 'consultation' | 'undercutOverride'>): Promise<PublishedRecord<'decision'>> {
  const { audience, ...decision } = input
  const problems = checkDecisionDates(decision)
  if (problems.length > 0) {
    throw errors.invalidRequest('the decision dates are inconsistent', problems.map((p) => ({ ...p, pointer: `/body${p.pointer}` })))
  }
  return publishRecord(ctx, 'decision', withDefaults(decision, ctx.denialReviewYears), audience)
}

/** Records our classification of an item (or "not listed") and publishes it. */
export async function publishClassification (ctx: RecordsContext, input: ClassificationInput): Promise<PublishedRecord<'classification'>> {
  const { audience, ...classification } = input
  return publishRecord(ctx, 'classification', classification, audience)
}

/** Records a crosswalk between codes of two regimes and publishes it. */
export async function publishCrosswalk (ctx: RecordsContext, input: CrosswalkInput): Promise<PublishedRecord<'crosswalk'>> {
  const { audience, ...crosswalk } = input
  return publishRecord(ctx, 'crosswalk', crosswalk, audience)
}
