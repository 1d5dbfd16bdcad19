import { sql, type Transaction } from 'kysely'
import type { Db } from '../db/create-db.js'
import type { Database, RecordTable } from '../db/schema.js'
import { currentEntry } from '../feed/index.js'
import type { RecordKey } from './candidates.js'
import { lifecycleSql, notFinalSql } from './lifecycle.js'
import { contentOf } from './to-record.js'
import type { ContentByKind, RecordKind } from './types.js'

/**
 * A record we hold, ours or a peer's, at its current version: what the divergence rules and an
 * auditor read of it, content typed by kind.
 */
export type HeldRecord = { [K in RecordKind]: {
  issuer: string
  recordId: string
  kind: K
  version: number
  content: ContentByKind[K]
  /** The effective date of its revocation, once one was published. */
  revokedFrom: string | null
  validUntil: string | null
} }[RecordKind]

interface HeldRecordRow {
  issuer: string
  record_id: string
  kind: RecordKind
  version: number
  body: unknown
  revoked_from: string | null
  valid_until: string | null
}

function toHeldRecord (row: HeldRecordRow): HeldRecord {
  const base = { issuer: row.issuer, recordId: row.record_id, version: row.version, revokedFrom: row.revoked_from, validUntil: row.valid_until }
  switch (row.kind) {
    case 'decision': return { ...base, kind: row.kind, content: contentOf(row.kind, row.body) }
    case 'classification': return { ...base, kind: row.kind, content: contentOf(row.kind, row.body) }
    case 'crosswalk': return { ...base, kind: row.kind, content: contentOf(row.kind, row.body) }
  }
}

/** The records among `keys` we hold, of any kind, in no particular order. */
export async function loadHeldRecords (trx: Transaction<Database>, keys: readonly RecordKey[]): Promise<HeldRecord[]> {
  const { rows } = await sql<HeldRecordRow>`
    select r.issuer, r.record_id, r.kind, r.version, r.body, r.revoked_from, r.valid_until
    from jsonb_to_recordset(${JSON.stringify(keys)}::jsonb) as k("issuer" text, "recordId" uuid)
    join records r on r.issuer = k.issuer and r.record_id = k."recordId"`.execute(trx)
  return rows.map(toHeldRecord)
}

/** One record we hold, ours or a peer's; undefined when we hold none by that key. */
export async function findHeldRecord (db: Db, issuer: string, recordId: string): Promise<HeldRecord | undefined> {
  const row = await db.selectFrom('records').select(['issuer', 'record_id', 'kind', 'version', 'body', 'revoked_from', 'valid_until'])
    .where('issuer', '=', issuer).where('record_id', '=', recordId).executeTakeFirst()
  return row === undefined ? undefined : toHeldRecord(row)
}

/** The denials among `keys` of which no revocation was published (`isFinal`), lapsed or not. */
export async function findStandingDenials (trx: Transaction<Database>, keys: readonly RecordKey[]): Promise<Array<HeldRecord & { kind: 'decision' }>> {
  const { rows } = await sql<HeldRecordRow>`
    select r.issuer, r.record_id, r.kind, r.version, r.body, r.revoked_from, r.valid_until
    from jsonb_to_recordset(${JSON.stringify(keys)}::jsonb) as k("issuer" text, "recordId" uuid)
    join records r on r.issuer = k.issuer and r.record_id = k."recordId"
    where r.kind = 'decision' and r.outcome = 'denied' and ${notFinalSql('r')}`.execute(trx)
  return rows.map(toHeldRecord).flatMap((r) => r.kind === 'decision' ? [r] : [])
}

/**
 * Whether `recordId` is a denial of ours (`self`) whose current entry `viewer` may see in our
 * feed (`visibleTo`): what a peer may ask consultation about.
 */
export async function isDenialVisibleTo (trx: Transaction<Database>, self: string, recordId: string, viewer: string): Promise<boolean> {
  const entry = currentEntry('r')
  const { rows: [record] } = await sql<Pick<RecordTable, 'kind' | 'outcome'>>`
    select r.kind, r.outcome from records r ${entry.join}
    where r.issuer = ${self} and r.record_id = ${recordId} and ${entry.visibleTo(viewer)}`.execute(trx)
  return record?.kind === 'decision' && record.outcome === 'denied'
}

/** How many records of our peers we hold, and how many denials in force on `today`, ours and theirs. */
export async function countHeldRecords (db: Db, self: string, today: string): Promise<{ allied: number, ownDenialsInForce: number, alliedDenialsInForce: number }> {
  const inForce = lifecycleSql(undefined, today).in_force
  const counts = await db.selectFrom('records')
    .select((eb) => [
      eb.fn.countAll<number>().filterWhere('issuer', '!=', self).as('allied'),
      eb.fn.countAll<number>().filterWhere((w) => w.and([w('issuer', '=', self), w('outcome', '=', 'denied'), inForce])).as('ownDenials'),
      eb.fn.countAll<number>().filterWhere((w) => w.and([w('issuer', '!=', self), w('outcome', '=', 'denied'), inForce])).as('alliedDenials')
    ]).executeTakeFirstOrThrow()
  return { allied: Number(counts.allied), ownDenialsInForce: Number(counts.ownDenials), alliedDenialsInForce: Number(counts.alliedDenials) }
}
