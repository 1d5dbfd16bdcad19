import { appendAuditEvents } from '../audit/index.js'
import { countStillHoldingSql } from '../divergence/index.js'
import {
  denialsDueForReview, getRecord, listRecords, loadHeldDecisions, searchDecisions,
  type DecisionSearch, type DenialDue, type DecisionSearchPage, type HeldDecision, type Lifecycle, type OwnRecord, type RecordKind, type RecordPage, type RecordQuery, type RecordVersion
} from '../records/index.js'
import { auditRead, filtersOf, type ShownRecord } from './audit-read.js'
import type { UseCaseContext } from './context.js'

/** `GET /v1/decisions` and the decision search page, as asked: `status` is the lifecycle asked for. */
export type DecisionSearchQuery = Omit<DecisionSearch, 'lifecycle'> & { status?: Lifecycle | undefined }

/** A listing of our records of one kind, as asked (`GET /v1/classifications`, `GET /v1/crosswalks`). */
export type RecordListQuery = Omit<RecordQuery, 'lifecycle'> & { status?: Lifecycle | undefined }

/** What a record's page and `GET /v1/<kind>s/:id` show: the record, every version, and for a decision its current entry's signature. */
export interface RecordView<K extends RecordKind> {
  record: OwnRecord<K>
  versions: RecordVersion[]
  /** A decision as held, with who signed its current version and when it reached us; undefined for the other kinds. */
  held: HeldDecision | undefined
}

/**
 * `reader`'s search of our and our allies' decisions (`searchDecisions`), then its
 * `records-searched` event: the filters as given, the cursor, and every decision of the page
 * (issuer, id, version). Throws what the search throws, and then writes no event.
 */
export async function searchRecords (ctx: UseCaseContext, reader: string, query: DecisionSearchQuery): Promise<DecisionSearchPage> {
  const { status, ...search } = query
  const page = await searchDecisions({ db: ctx.db, self: ctx.config.agency.id, clock: ctx.clock, matching: ctx.config.matching }, { ...search, lifecycle: status })
  await auditRead(ctx, searched(reader, 'decision', query, page.records.map((r) => ({ issuer: r.issuer, id: r.recordId, version: r.version })), page.nextCursor))
  return page
}

/** `reader`'s listing of our records of `kind` (`listRecords`), then its `records-searched` event, as `searchRecords` writes it. */
export async function listOwnRecords<K extends RecordKind> (ctx: UseCaseContext, reader: string, kind: K, query: RecordListQuery): Promise<RecordPage<K>> {
  const { status, ...rest } = query
  const page = await listRecords(ctx.db, ctx.config.agency.id, kind, { ...rest, lifecycle: status }, ctx.clock)
  const self = ctx.config.agency.id
  await auditRead(ctx, searched(reader, kind, query, page.records.map((r) => ({ issuer: self, id: r.recordId, version: r.version })), page.nextCursor))
  return page
}

/**
 * Our denials in force whose review window ends within `withinDays` (the first `limit`, soonest
 * first), each with the divergences naming it that still hold, for `reader`: their
 * `records-searched` event, as `searchRecords` writes it, with the filter `reviewDueWithinDays`.
 */
export async function listDenialsDue (ctx: UseCaseContext, reader: string, query: { withinDays: number, limit?: number | undefined }): Promise<DenialDue[]> {
  const self = ctx.config.agency.id
  const due = await denialsDueForReview({ db: ctx.db, issuer: self, clock: ctx.clock, countOpenDivergences: countStillHoldingSql }, query.withinDays, query.limit)
  await auditRead(ctx, searched(reader, 'decision', { reviewDueWithinDays: query.withinDays, limit: query.limit }, due.map((d) => ({ issuer: self, id: d.recordId, version: d.version })), null))
  return due
}

function searched (reader: string, kind: RecordKind, query: { cursor?: string | undefined } & Record<string, unknown>, records: ShownRecord[], nextCursor: string | null) {
  return {
    actor: reader,
    action: 'records-searched',
    subject: { type: 'records', id: kind },
    detail: { kind, filters: filtersOf(query), cursor: query.cursor ?? null, records, count: records.length, nextCursor }
  }
}

/**
 * One record, ours or an ally's, with every version read back from its signed entries, and its
 * `record-viewed` event (issuer, id, kind, current version), read and written in one
 * transaction. Throws RECORD_NOT_FOUND (no event) for an id we hold no record of `kind` under.
 * The event's subject is `record` / id for our records (as their publications'), and
 * `allied-record` / `<issuer>/<id>` for an ally's.
 */
export async function viewRecord<K extends RecordKind> (ctx: UseCaseContext, reader: string, ref: { issuer: string, kind: K, recordId: string }): Promise<RecordView<K>> {
  const { issuer, kind, recordId } = ref
  return ctx.db.transaction().execute(async (trx) => {
    const { record, versions } = await getRecord(trx, issuer, kind, recordId, ctx.clock)
    const [held] = kind === 'decision' ? await loadHeldDecisions(trx, [{ issuer, recordId }]) : []
    const own = issuer === ctx.config.agency.id
    await appendAuditEvents(trx, [{
      actor: reader,
      action: 'record-viewed',
      subject: own ? { type: 'record', id: recordId } : { type: 'allied-record', id: `${issuer}/${recordId}` },
      detail: { issuer, id: recordId, version: record.version, kind }
    }], ctx.clock)
    return { record, versions, held }
  })
}
