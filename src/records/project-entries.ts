import { sql, type RawBuilder, type Transaction } from 'kysely'
import type { Database } from '../db/schema.js'
import { PROTOCOL_ENTRY_KINDS, type EntryPayload, type VerifiedEntry } from '../feed/index.js'
import { writeRecords, type AppliedRecord, type PeerRecordRow } from './queries.js'
import { concatDetailRows, insertRecordDetails, recordDetailInserts, recordDetailRows, rewriteRecordDetails, type RecordDetailRows } from './record-details.js'
import { isValidContent } from './valid-content.js'
import { contentOf, filterColumnsOf } from './to-record.js'
import type { ContentByKind, RecordKind } from './types.js'
import { timeSlices } from '../lib/time-slices.js'

export interface ProjectionResult {
  projected: number
  /** Entries stored but not projected (a body this version cannot read); logged by the caller. */
  skipped: Array<{ seq: number, why: string }>
}

const RECORD_KINDS: ReadonlySet<string> = new Set(['decision', 'classification', 'crosswalk'])
/** Entry kinds that create or change a record divergences may be about. */
const DIVERGENCE_SUBJECTS: ReadonlySet<string> = new Set(['decision', 'classification', 'amendment', 'revocation', 'renewal'])

/**
 * What projecting a run of entries will write, computed without the database: each new
 * record's row, checked against the v1 schemas, with its query-table rows and match keys, and
 * the statements that insert them with their parameters serialised. Built by
 * `prepareProjection` ahead of the transaction (the sync worker does it while the previous page
 * is being stored) and applied in it by `projectEntries`.
 */
export interface PreparedProjection {
  issuer: string
  steps: ProjectionStep[]
  /** The records the entries create or change (divergences may be about them); placeholders and crosswalks touch none. */
  touched: Array<{ issuer: string, recordId: string }>
}

type ProjectionStep =
  | { type: 'records', run: PreparedRun }
  | { type: 'change', seq: number, payload: EntryPayload }
  | { type: 'skip', seq: number, why: string }

/** Consecutive new records: one upsert, and the inserts of their detail rows for when all of them are new to us (a pull's usual case). */
interface PreparedRun {
  records: PreparedRecord[]
  upsert: RawBuilder<AppliedRecord>
  freshDetails: Array<RawBuilder<unknown>>
}

interface PreparedRecord { row: PeerRecordRow, details: RecordDetailRows }

/** Hands the event loop back this often while preparing, so that the transaction of the previous page is not kept waiting. */
const PREPARE_SLICE_MS = 4

/**
 * Prepares the projection of a peer's verified entries (see `PreparedProjection`), in seq
 * order: consecutive new records form one run; changes (amendments, renewals, revocations) read
 * the record they change, so they are applied one by one in the transaction.
 */
export async function prepareProjection (issuer: string, entries: readonly VerifiedEntry[]): Promise<PreparedProjection> {
  const steps: ProjectionStep[] = []
  let run: PreparedRecord[] = []
  const flush = () => {
    if (run.length > 0) steps.push({ type: 'records', run: prepareRun(run) })
    run = []
  }
  const touched: PreparedProjection['touched'] = []
  const pause = timeSlices(PREPARE_SLICE_MS)
  for (const entry of entries) {
    const payload = entry.payload
    // a placeholder carries nothing; a protocol entry (a change of the issuer's keys) no record
    if (payload === undefined || PROTOCOL_ENTRY_KINDS.has(payload.kind)) continue
    if (DIVERGENCE_SUBJECTS.has(payload.kind) && typeof payload.body.recordId === 'string') touched.push({ issuer, recordId: payload.body.recordId })
    if (!RECORD_KINDS.has(payload.kind)) {
      flush()
      steps.push({ type: 'change', seq: entry.seq, payload })
      continue
    }
    const row = newRecordRow(issuer, entry.seq, payload)
    if (typeof row === 'string') steps.push({ type: 'skip', seq: entry.seq, why: row })
    else run.push(prepareRecord(row))
    await pause()
  }
  flush()
  return { issuer, steps, touched }
}

/**
 * Projects prepared entries, in seq order, into `records`: new records are inserted,
 * amendments replace the content, renewals move `valid_until`, revocations set `revoked_from`
 * — each only when it is newer than the version we hold, so replays are no-ops. Placeholders
 * carry nothing to project. Runs in the caller's transaction (the one that stores the entries).
 */
export async function projectEntries (trx: Transaction<Database>, prepared: PreparedProjection): Promise<ProjectionResult> {
  const result: ProjectionResult = { projected: 0, skipped: [] }
  for (const step of prepared.steps) {
    if (step.type === 'skip') {
      result.skipped.push({ seq: step.seq, why: step.why })
    } else if (step.type === 'records') {
      const skipped = await upsertRecords(trx, step.run)
      result.projected += step.run.records.length - skipped.length
      result.skipped.push(...skipped)
    } else {
      const why = await projectChange(trx, prepared.issuer, step.seq, step.payload)
      if (why === undefined) result.projected += 1
      else result.skipped.push({ seq: step.seq, why })
    }
  }
  return result
}

function prepareRecord (row: PeerRecordRow): PreparedRecord {
  return { row, details: recordDetailRows([{ issuer: row.issuer, recordId: row.record_id, kind: row.kind, content: contentOf(row.kind, row.body) }]) }
}

function prepareRun (records: PreparedRecord[]): PreparedRun {
  return { records, upsert: writeRecords(records.map((r) => r.row), 'newer-version'), freshDetails: recordDetailInserts(concatDetailRows(records.map((r) => r.details))) }
}

/** The `records` row of a new record's entry, or why there is none. */
function newRecordRow (issuer: string, seq: number, payload: EntryPayload) {
  const { recordId, version, ...content } = payload.body as Record<string, unknown>
  if (typeof recordId !== 'string' || typeof version !== 'number') return 'the body has no recordId or version'
  if (!isValidContent(payload.kind as RecordKind, content)) return `the ${payload.kind} does not match the v1 record schema`
  return rowOf(issuer, seq, recordId, version, payload.kind as RecordKind, content, payload.aud)
}

function rowOf (issuer: string, seq: number, recordId: string, version: number, kind: RecordKind, content: ContentByKind[RecordKind], aud: string[]): PeerRecordRow {
  return {
    issuer,
    record_id: recordId,
    kind,
    version,
    status: 'active' as const,
    ...filterColumnsOf(kind, content),
    revoked_from: null,
    audience: aud.includes('*') ? null : aud,
    body: content,
    latest_seq: seq
  }
}

async function projectChange (trx: Transaction<Database>, issuer: string, seq: number, payload: EntryPayload): Promise<string | undefined> {
  const body = payload.body as Record<string, unknown>
  const recordId = body.recordId
  const version = body.version
  if (typeof recordId !== 'string' || typeof version !== 'number') return 'the body has no recordId or version'
  const current = await trx.selectFrom('records').select(['version', 'kind', 'body']).where('issuer', '=', issuer).where('record_id', '=', recordId).forUpdate().executeTakeFirst()
  if (payload.kind === 'amendment') {
    const kind = (body.recordKind ?? current?.kind) as RecordKind | undefined
    if (kind === undefined || !RECORD_KINDS.has(kind) || typeof body.content !== 'object' || body.content === null) return 'an amendment without recordKind or content'
    if (!isValidContent(kind, body.content)) return `the amended ${kind} does not match the v1 record schema`
    const [skipped] = await upsertRecords(trx, prepareRun([prepareRecord(rowOf(issuer, seq, recordId, version, kind, body.content, payload.aud))]))
    return skipped?.why
  }
  if (current === undefined) return `a ${payload.kind} of record ${recordId}, which we do not hold`
  if (current.version >= version) return undefined
  if (payload.kind === 'revocation') {
    if (typeof body.effectiveDate !== 'string') return 'a revocation without effectiveDate'
    await trx.updateTable('records').set({ version, status: 'revoked', revoked_from: body.effectiveDate, latest_seq: seq, updated_at: new Date() })
      .where('issuer', '=', issuer).where('record_id', '=', recordId).execute()
    return undefined
  }
  if (payload.kind === 'renewal') {
    if (typeof body.validUntil !== 'string') return 'a renewal without validUntil'
    await trx.updateTable('records').set({
      version, valid_until: body.validUntil, body: JSON.stringify({ ...current.body, validUntil: body.validUntil }), latest_seq: seq, updated_at: new Date()
    }).where('issuer', '=', issuer).where('record_id', '=', recordId).execute()
    return undefined
  }
  return `an entry of unknown kind "${payload.kind}"`
}

/**
 * Inserts records, or moves a record we hold to a newer version; an older or equal version is
 * a no-op, so a replay changes nothing. One statement for the whole run, inside a savepoint:
 * only when a peer reused a decision reference (the unique index refuses the run) are the
 * clashing rows looked for, set aside and the rest written again. Then the query tables: the
 * prepared inserts when every record was new, else new records' rows inserted and changed
 * records' rows replaced.
 */
async function upsertRecords (trx: Transaction<Database>, run: PreparedRun): Promise<Array<{ seq: number, why: string }>> {
  let records: readonly PreparedRecord[] = run.records
  let skipped: Array<{ seq: number, why: string }> = []
  await sql`savepoint project_run`.execute(trx)
  let appliedRows
  try {
    appliedRows = (await run.upsert.execute(trx)).rows
  } catch (err) {
    if ((err as { constraint?: string }).constraint !== 'records_reference') throw err
    await sql`rollback to savepoint project_run`.execute(trx)
    ;({ records, skipped } = await withoutReferenceClashes(trx, run.records))
    appliedRows = records.length === 0 ? [] : (await writeRecords(records.map((r) => r.row), 'newer-version').execute(trx)).rows
  }
  await sql`release savepoint project_run`.execute(trx)
  if (records === run.records && appliedRows.length === records.length && appliedRows.every((r) => r.inserted)) {
    await insertRecordDetails(trx, run.freshDetails)
    return skipped
  }
  const applied = new Map(appliedRows.map((r) => [`${r.record_id}@${r.version}`, r.inserted]))
  const of = (fresh: boolean) => records.filter((r) => applied.get(`${r.row.record_id}@${r.row.version}`) === fresh)
  const changed = of(false)
  await insertRecordDetails(trx, recordDetailInserts(concatDetailRows(of(true).map((r) => r.details))))
  await rewriteRecordDetails(trx, changed.map((r) => ({ issuer: r.row.issuer, recordId: r.row.record_id })), recordDetailInserts(concatDetailRows(changed.map((r) => r.details))))
  return skipped
}

/**
 * A decision's reference is unique per issuer. A peer that reuses one (for another record) is
 * at fault, but must not wedge our sync: the clashing entry is stored, not projected, and
 * reported, like any entry we cannot read.
 */
async function withoutReferenceClashes (trx: Transaction<Database>, records: readonly PreparedRecord[]) {
  const references = [...new Set(records.flatMap(({ row }) => row.kind === 'decision' && row.reference !== null ? [row.reference] : []))]
  if (references.length === 0) return { records, skipped: [] }
  const issuer = (records[0] as PreparedRecord).row.issuer
  const held = await trx.selectFrom('records').select(['reference', 'record_id'])
    .where('issuer', '=', issuer).where('kind', '=', 'decision').where('reference', 'in', references).execute()
  const holder = new Map(held.map((r) => [r.reference as string, r.record_id]))
  const kept: PreparedRecord[] = []
  const skipped: Array<{ seq: number, why: string }> = []
  for (const record of records) {
    const { row } = record
    const owner = row.kind === 'decision' && row.reference !== null ? holder.get(row.reference) : undefined
    if (owner !== undefined && owner !== row.record_id) {
      skipped.push({ seq: row.latest_seq, why: `reference "${row.reference}" is already used by the issuer's record ${owner}` })
      continue
    }
    if (row.kind === 'decision' && row.reference !== null) holder.set(row.reference, row.record_id)
    kept.push(record)
  }
  return { records: kept, skipped }
}
