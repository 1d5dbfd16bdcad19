import type { Db } from '../db/create-db.js'
import type { Clock } from '../lib/clock.js'
import { cursorField as field, cursorShape, decodeCursor, encodeCursor, type CursorShape } from '../lib/cursor.js'
import { todayOf } from './dates.js'
import { listRecordRows, type ListPosition, type RecordFilter } from './queries.js'
import { toOwnRecord } from './to-record.js'
import type { OwnRecord, RecordKind } from './types.js'

export type RecordQuery = Omit<RecordFilter, 'after' | 'kind'> & {
  /** Opaque, from `nextCursor` of the previous page. */
  cursor?: string | undefined
}

export interface RecordPage<K extends RecordKind> {
  records: Array<OwnRecord<K>>
  /** Pass as `cursor` for the next page; null on the last page. */
  nextCursor: string | null
}

type Position = [date: string | null, recordId: string]

/** The cursors of each kind's listing (lib/cursor.ts): [tag, decision or classification date, id] after a row. */
const CURSORS: Record<RecordKind, CursorShape<Position>> = {
  decision: cursorShape<Position>('rd', field.nullable(field.isoDate), field.uuid),
  classification: cursorShape<Position>('rc', field.nullable(field.isoDate), field.uuid),
  crosswalk: cursorShape<Position>('rx', field.nullable(field.isoDate), field.uuid)
}

function decodePosition (kind: RecordKind, cursor: string): ListPosition {
  const [date, recordId] = decodeCursor(cursor, CURSORS[kind])
  return { date, recordId }
}

/**
 * A page of our records of `kind`, newest decision (or classification) date first, filtered;
 * the keyset cursor makes every page an index range scan, however deep. Lifecycle is computed
 * for the clock's day. Throws INVALID_REQUEST for a cursor it did not hand out.
 */
export async function listRecords<K extends RecordKind> (db: Db, issuer: string, kind: K, query: RecordQuery, clock: Clock): Promise<RecordPage<K>> {
  const today = todayOf(clock)
  const { cursor, ...filter } = query
  const after = cursor === undefined ? undefined : decodePosition(kind, cursor)
  const rows = await listRecordRows(db, issuer, { ...filter, kind, after, limit: query.limit + 1 }, today)
  const page = rows.slice(0, query.limit)
  const last = page.at(-1)
  return {
    records: page.map((row) => toOwnRecord(row, today) as OwnRecord<K>),
    nextCursor: rows.length > query.limit && last !== undefined ? encodeCursor(CURSORS[kind], [last.decision_date, last.record_id]) : null
  }
}
