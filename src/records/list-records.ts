import type { Db } from '../db/create-db.js'
import type { Clock } from '../lib/clock.js'
import { errors } from '../lib/errors.js'
import { isIsoDate, todayOf } from './dates.js'
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

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/

function encodeCursor (position: ListPosition): string {
  return Buffer.from(JSON.stringify([position.date, position.recordId])).toString('base64url')
}

function decodeCursor (cursor: string): ListPosition {
  let value: unknown
  try {
    value = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'))
  } catch {
    value = undefined
  }
  if (!Array.isArray(value) || value.length !== 2 || !(value[0] === null || (typeof value[0] === 'string' && isIsoDate(value[0]))) ||
    typeof value[1] !== 'string' || !UUID.test(value[1])) {
    throw errors.invalidRequest('the cursor is not one this API handed out', [{ pointer: '/querystring/cursor', detail: 'pass nextCursor from the previous page unchanged' }])
  }
  return { date: value[0] as string | null, recordId: value[1] }
}

/**
 * A page of our records of `kind`, newest decision (or classification) date first, filtered;
 * the keyset cursor makes every page an index range scan, however deep. Lifecycle is computed
 * for the clock's day. Throws INVALID_REQUEST for a cursor it did not hand out.
 */
export async function listRecords<K extends RecordKind> (db: Db, issuer: string, kind: K, query: RecordQuery, clock: Clock): Promise<RecordPage<K>> {
  const today = todayOf(clock)
  const { cursor, ...filter } = query
  const after = cursor === undefined ? undefined : decodeCursor(cursor)
  const rows = await listRecordRows(db, issuer, { ...filter, kind, after, limit: query.limit + 1 }, today)
  const page = rows.slice(0, query.limit)
  const last = page.at(-1)
  return {
    records: page.map((row) => toOwnRecord(row, today) as OwnRecord<K>),
    nextCursor: rows.length > query.limit && last !== undefined ? encodeCursor({ date: last.decision_date, recordId: last.record_id }) : null
  }
}
