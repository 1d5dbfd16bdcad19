import { sql, type Transaction } from 'kysely'
import type { Database } from '../db/schema.js'
import { columnList, unnestRows, type Columns } from '../db/unnest-rows.js'
import type { EntryPayload, VerifiedEntry } from '../feed/index.js'
import { replaceRecordDetails } from './record-details.js'
import { isValidContent } from './valid-content.js'
import { filterColumnsOf } from './to-record.js'
import type { ContentByKind, RecordKind } from './types.js'

export interface ProjectionResult {
  projected: number
  /** Entries stored but not projected (a body this version cannot read); logged by the caller. */
  skipped: Array<{ seq: number, why: string }>
}

const RECORD_KINDS: ReadonlySet<string> = new Set(['decision', 'classification', 'crosswalk'])

/**
 * Projects a peer's verified entries, in seq order, into `records`: new records are inserted,
 * amendments replace the content, renewals move `valid_until`, revocations set `revoked_from`
 * — each only when it is newer than the version we hold, so replays are no-ops. Placeholders
 * carry nothing to project. Runs in the caller's transaction (the one that stores the entries).
 */
export async function projectEntries (trx: Transaction<Database>, issuer: string, entries: readonly VerifiedEntry[]): Promise<ProjectionResult> {
  const result: ProjectionResult = { projected: 0, skipped: [] }
  let run: NewRow[] = []
  const flush = async () => {
    if (run.length === 0) return
    const skipped = await upsertRecords(trx, run)
    result.projected += run.length - skipped.length
    result.skipped.push(...skipped)
    run = []
  }
  for (const entry of entries) {
    const payload = entry.payload
    if (payload === undefined) continue
    const row = RECORD_KINDS.has(payload.kind) ? newRecordRow(issuer, entry.seq, payload) : undefined
    if (row !== undefined) {
      // consecutive new records go in one statement; a change flushes them first, to keep seq order
      if (typeof row === 'string') result.skipped.push({ seq: entry.seq, why: row })
      else run.push(row)
      continue
    }
    await flush()
    const why = await projectChange(trx, issuer, entry.seq, payload)
    if (why === undefined) result.projected += 1
    else result.skipped.push({ seq: entry.seq, why })
  }
  await flush()
  return result
}

type NewRow = Parameters<typeof upsertRecords>[1][number]

/** The `records` row of a new record's entry, or why there is none. */
function newRecordRow (issuer: string, seq: number, payload: EntryPayload) {
  const { recordId, version, ...content } = payload.body as Record<string, unknown>
  if (typeof recordId !== 'string' || typeof version !== 'number') return 'the body has no recordId or version'
  if (!isValidContent(payload.kind as RecordKind, content)) return `the ${payload.kind} does not match the v1 record schema`
  return rowOf(issuer, seq, recordId, version, payload.kind as RecordKind, content, payload.aud)
}

function rowOf (issuer: string, seq: number, recordId: string, version: number, kind: RecordKind, content: Record<string, unknown>, aud: string[]) {
  return {
    issuer,
    record_id: recordId,
    kind,
    version,
    status: 'active' as const,
    ...filterColumnsOf(kind, content as unknown as ContentByKind[typeof kind]),
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
    const [skipped] = await upsertRecords(trx, [rowOf(issuer, seq, recordId, version, kind, body.content as Record<string, unknown>, payload.aud)])
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
 * clashing rows looked for, set aside and the rest written again.
 */
async function upsertRecords (trx: Transaction<Database>, all: ReadonlyArray<RecordRow>): Promise<Array<{ seq: number, why: string }>> {
  let rows = all
  let skipped: Array<{ seq: number, why: string }> = []
  await sql`savepoint project_run`.execute(trx)
  let appliedRows
  try {
    appliedRows = await upsertRows(trx, rows)
  } catch (err) {
    if ((err as { constraint?: string }).constraint !== 'records_reference') throw err
    await sql`rollback to savepoint project_run`.execute(trx)
    ;({ rows, skipped } = await withoutReferenceClashes(trx, all))
    appliedRows = rows.length === 0 ? [] : await upsertRows(trx, rows)
  }
  await sql`release savepoint project_run`.execute(trx)
  const applied = new Map(appliedRows.map((r) => [`${r.record_id}@${r.version}`, r.inserted]))
  const sources = (fresh: boolean) => rows.filter((r) => applied.get(`${r.record_id}@${r.version}`) === fresh)
    .map((r) => ({ issuer: r.issuer, recordId: r.record_id, kind: r.kind, content: r.body as unknown as ContentByKind[RecordKind] }))
  await replaceRecordDetails(trx, sources(true), { fresh: true })
  await replaceRecordDetails(trx, sources(false))
  return skipped
}

type RecordRow = ReturnType<typeof rowOf>
const RECORD_COLUMNS: Columns<RecordRow> = [
  ['issuer', 'text'], ['record_id', 'uuid'], ['kind', 'text'], ['version', 'integer'], ['status', 'text'], ['reference', 'text'],
  ['outcome', 'text'], ['destination', 'text'], ['decision_date', 'date'], ['valid_until', 'date'], ['revoked_from', 'date'],
  ['audience', 'text[]'], ['body', 'jsonb'], ['latest_seq', 'bigint']
]

/** The upsert itself; `inserted` (xmax = 0) tells a new row, which has no query-table rows to replace yet. */
async function upsertRows (trx: Transaction<Database>, rows: readonly RecordRow[]) {
  const { rows: applied } = await sql<{ record_id: string, version: number, inserted: boolean }>`
    insert into records ${columnList(RECORD_COLUMNS)} ${unnestRows(RECORD_COLUMNS, rows)}
    on conflict (issuer, record_id) do update set
      version = excluded.version, status = excluded.status, reference = excluded.reference, outcome = excluded.outcome,
      destination = excluded.destination, decision_date = excluded.decision_date, valid_until = excluded.valid_until,
      audience = excluded.audience, body = excluded.body, latest_seq = excluded.latest_seq, updated_at = now()
    where records.version < excluded.version
    returning record_id, version, xmax = 0 as inserted`.execute(trx)
  return applied
}

/**
 * A decision's reference is unique per issuer. A peer that reuses one (for another record) is
 * at fault, but must not wedge our sync: the clashing entry is stored, not projected, and
 * reported, like any entry we cannot read.
 */
async function withoutReferenceClashes (trx: Transaction<Database>, rows: ReadonlyArray<RecordRow>) {
  const references = [...new Set(rows.flatMap((r) => r.kind === 'decision' && r.reference !== null ? [r.reference] : []))]
  if (references.length === 0) return { rows, skipped: [] }
  const issuer = (rows[0] as RecordRow).issuer
  const held = await trx.selectFrom('records').select(['reference', 'record_id'])
    .where('issuer', '=', issuer).where('kind', '=', 'decision').where('reference', 'in', references).execute()
  const holder = new Map(held.map((r) => [r.reference as string, r.record_id]))
  const kept: Array<RecordRow> = []
  const skipped: Array<{ seq: number, why: string }> = []
  for (const row of rows) {
    const owner = row.kind === 'decision' && row.reference !== null ? holder.get(row.reference) : undefined
    if (owner !== undefined && owner !== row.record_id) {
      skipped.push({ seq: row.latest_seq, why: `reference "${row.reference}" is already used by the issuer's record ${owner}` })
      continue
    }
    if (row.kind === 'decision' && row.reference !== null) holder.set(row.reference, row.record_id)
    kept.push(row)
  }
  return { rows: kept, skipped }
}
