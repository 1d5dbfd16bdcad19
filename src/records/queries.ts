import { sql, type RawBuilder, type Selectable, type Transaction, type Updateable } from 'kysely'
import type { Db } from '../db/create-db.js'
import type { Database, RecordTable } from '../db/schema.js'
import { columnList, unnestRows, type Columns } from '../db/unnest-rows.js'
import { currentEntry, entriesOfRecord } from '../feed/index.js'
import { lifecycleSql } from './lifecycle.js'
import type { Outcome } from './schemas.js'
import type { Lifecycle, RecordKind } from './types.js'

export type RecordRow = Selectable<RecordTable>

/** A `records` row as a peer's entry gives it: the database stamps its creation and update times. */
export type PeerRecordRow = Omit<RecordRow, 'created_at' | 'updated_at'>

/** A row `writeRecords` wrote for a peer: `inserted` (xmax = 0) tells a new row, which has no query-table rows to replace yet. */
export interface AppliedRecord { record_id: string, version: number, inserted: boolean }

const RECORD_COLUMNS: Columns<PeerRecordRow> = [
  ['issuer', 'text'], ['record_id', 'uuid'], ['kind', 'text'], ['version', 'integer'], ['status', 'text'], ['reference', 'text'],
  ['outcome', 'text'], ['destination', 'text'], ['decision_date', 'date'], ['valid_until', 'date'], ['revoked_from', 'date'],
  ['audience', 'text[]'], ['body', 'jsonb'], ['latest_seq', 'bigint']
]
/** Our own records carry their creation and update times, from our clock. */
const STAMPED_COLUMNS: Columns<RecordRow> = [...RECORD_COLUMNS, ['created_at', 'timestamptz'], ['updated_at', 'timestamptz']]

/**
 * The one statement that writes `records` rows, the rows sent as one array parameter per
 * column (`unnestRows`, serialised now: a caller may build it ahead of its transaction). How it
 * meets a record already there:
 * - `skip-taken-reference`: version 1 of our new records (publish, import), stamped by our
 *   clock. A decision whose reference is already taken is skipped (the partial unique index
 *   `records_reference`); the statement's row count is how many were inserted.
 * - `newer-version`: a peer's records (projection): a record we hold moves to the row's version
 *   only when it is newer, so a replay changes nothing. Returns the rows written (`AppliedRecord`).
 */
export function writeRecords (rows: readonly RecordRow[], onConflict: 'skip-taken-reference'): RawBuilder<never>
export function writeRecords (rows: readonly PeerRecordRow[], onConflict: 'newer-version'): RawBuilder<AppliedRecord>
export function writeRecords (rows: readonly PeerRecordRow[] | readonly RecordRow[], onConflict: 'skip-taken-reference' | 'newer-version'): RawBuilder<unknown> {
  if (onConflict === 'skip-taken-reference') {
    return sql`insert into records ${columnList(STAMPED_COLUMNS)} ${unnestRows(STAMPED_COLUMNS, rows as readonly RecordRow[])}
      on conflict (issuer, reference) where kind = 'decision' do nothing`
  }
  return sql<AppliedRecord>`
    insert into records ${columnList(RECORD_COLUMNS)} ${unnestRows(RECORD_COLUMNS, rows)}
    on conflict (issuer, record_id) do update set
      version = excluded.version, status = excluded.status, reference = excluded.reference, outcome = excluded.outcome,
      destination = excluded.destination, decision_date = excluded.decision_date, valid_until = excluded.valid_until,
      audience = excluded.audience, body = excluded.body, latest_seq = excluded.latest_seq, updated_at = now()
    where records.version < excluded.version
    returning record_id, version, xmax = 0 as inserted`
}

/**
 * Inserts version 1 of our new records in one statement (`writeRecords`, `skip-taken-reference`).
 * A decision whose reference is already taken is skipped; returns how many were inserted, so
 * the caller can tell.
 */
export async function insertRecords (trx: Transaction<Database>, rows: readonly RecordRow[]): Promise<number> {
  if (rows.length === 0) return 0
  const result = await writeRecords(rows, 'skip-taken-reference').execute(trx)
  return Number(result.numAffectedRows ?? 0n)
}

/** Which of our decisions hold any of `references`: reference → record id (one query). */
export async function findReferenceHolders (db: Db, issuer: string, references: readonly string[]): Promise<Map<string, string>> {
  if (references.length === 0) return new Map()
  const rows = await db.selectFrom('records').select(['reference', 'record_id'])
    .where('issuer', '=', issuer).where('kind', '=', 'decision')
    .where(sql<boolean>`reference = any(${references as string[]}::text[])`)
    .execute()
  return new Map(rows.map((r) => [r.reference as string, r.record_id]))
}

/** Another decision of ours using `reference`, if any. */
export async function findDecisionIdByReference (db: Db, issuer: string, reference: string): Promise<string | undefined> {
  const row = await db.selectFrom('records').select('record_id')
    .where('issuer', '=', issuer).where('kind', '=', 'decision').where('reference', '=', reference)
    .executeTakeFirst()
  return row?.record_id
}

/** Locks the record row for the rest of `trx` and reads it with the entry id of its current version. */
export async function lockRecord (trx: Transaction<Database>, issuer: string, recordId: string): Promise<(RecordRow & { latest_entry_id: string | null }) | undefined> {
  const entry = currentEntry('records')
  const { rows: [row] } = await sql<RecordRow & { latest_entry_id: string | null }>`
    select records.*, ${entry.entryId} as latest_entry_id
    from records ${entry.join}
    where records.issuer = ${issuer} and records.record_id = ${recordId}
    for update of records`.execute(trx)
  return row
}

export async function updateRecord (trx: Transaction<Database>, issuer: string, recordId: string, changes: Updateable<RecordTable>): Promise<RecordRow> {
  return trx.updateTable('records').set(changes)
    .where('issuer', '=', issuer).where('record_id', '=', recordId)
    .returningAll().executeTakeFirstOrThrow()
}

export async function findRecordRow (db: Db, issuer: string, recordId: string): Promise<RecordRow | undefined> {
  return db.selectFrom('records').selectAll().where('issuer', '=', issuer).where('record_id', '=', recordId).executeTakeFirst()
}

/** Where a page starts: after this (date, id) in the listing order. */
export interface ListPosition {
  date: string | null
  recordId: string
}

export interface RecordFilter {
  kind: RecordKind
  outcome?: Outcome | undefined
  destination?: string | undefined
  lifecycle?: Lifecycle | undefined
  reference?: string | undefined
  from?: string | undefined
  to?: string | undefined
  after?: ListPosition | undefined
  limit: number
}

/**
 * Our records of `filter.kind`, newest decision date first (no date last), then by id: the
 * order of the `records_list` index, so a page is a keyset range scan. Lifecycle filters are
 * evaluated for `today`.
 */
export async function listRecordRows (db: Db, issuer: string, filter: RecordFilter, today: string): Promise<RecordRow[]> {
  let query = db.selectFrom('records').selectAll()
    .where('issuer', '=', issuer).where('kind', '=', filter.kind)
  if (filter.outcome !== undefined) query = query.where('outcome', '=', filter.outcome)
  if (filter.destination !== undefined) query = query.where('destination', '=', filter.destination)
  if (filter.reference !== undefined) query = query.where('reference', '=', filter.reference)
  if (filter.from !== undefined) query = query.where('decision_date', '>=', filter.from)
  if (filter.to !== undefined) query = query.where('decision_date', '<=', filter.to)
  if (filter.lifecycle !== undefined) query = query.where(lifecycleSql(undefined, today)[filter.lifecycle])
  const after = filter.after
  if (after !== undefined) {
    query = after.date === null
      ? query.where('decision_date', 'is', null).where('record_id', '>', after.recordId)
      : query.where((eb) => eb.or([
        eb('decision_date', '<', after.date),
        eb.and([eb('decision_date', '=', after.date), eb('record_id', '>', after.recordId)]),
        eb('decision_date', 'is', null)
      ]))
  }
  return query.orderBy(sql`decision_date desc nulls last`).orderBy('record_id').limit(filter.limit).execute()
}

/** Every version of a record, oldest first, as stored in its issuer's feed (the feed's `entriesOfRecord`). */
export async function listRecordEntries (db: Db, issuer: string, recordId: string) {
  return entriesOfRecord(db, issuer, recordId)
}
