import type { Db } from '../db/create-db.js'
import type { EntryKind } from '../feed/index.js'
import type { Clock } from '../lib/clock.js'
import { errors } from '../lib/errors.js'
import { todayOf } from './dates.js'
import { findRecordRow, listRecordEntries } from './queries.js'
import { toOwnRecord } from './to-record.js'
import type { OwnRecord, RecordKind, RecordVersion } from './types.js'

/**
 * One of our records of `kind` with every version, oldest first, each read back from its
 * signed feed entry. Throws RECORD_NOT_FOUND for an unknown id or a record of another kind.
 */
export async function getRecord<K extends RecordKind> (db: Db, issuer: string, kind: K, recordId: string, clock: Clock): Promise<{ record: OwnRecord<K>, versions: RecordVersion[] }> {
  const row = await findRecordRow(db, issuer, recordId)
  if (row === undefined || row.kind !== kind) throw errors.recordNotFound(recordId)
  const entries = await listRecordEntries(db, issuer, recordId)
  const versions = entries.flatMap((entry): RecordVersion[] => {
    if (entry.jws === null) return []
    const payload = JSON.parse(Buffer.from(entry.jws.split('.')[1] ?? '', 'base64url').toString('utf8')) as { body: Record<string, unknown> }
    return [{
      version: Number(payload.body.version),
      kind: entry.kind as EntryKind,
      seq: entry.seq,
      hash: entry.hash,
      entryId: entry.entry_id ?? '',
      publishedAt: entry.published_at ?? new Date(0),
      body: payload.body
    }]
  })
  return { record: toOwnRecord(row, todayOf(clock)) as OwnRecord<K>, versions }
}
