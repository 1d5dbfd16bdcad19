import type { Selectable, Transaction } from 'kysely'
import type { Db } from '../db/create-db.js'
import type { AuditEventTable, Database } from '../db/schema.js'

/** An event of the audit trail, as an auditor reads it. */
export interface AuditEvent {
  seq: number
  at: string
  actor: string
  action: string
  subject: { type: string, id: string }
  detail: Record<string, unknown>
  /** The hash of the event before; null for the first. */
  prevHash: string | null
  hash: string
}

export interface AuditEventFilter {
  action?: string | undefined
  actor?: string | undefined
  subjectType?: string | undefined
  subjectId?: string | undefined
  /** Events at or after this time. */
  from?: string | undefined
  /** Events before this time. */
  to?: string | undefined
  /** Events after this seq: the previous page's `nextAfterSeq`. */
  afterSeq?: number | undefined
  limit: number
}

export interface AuditEventPage {
  events: AuditEvent[]
  /** Pass as `afterSeq` for the next page; null when this page is the last. */
  nextAfterSeq: number | null
}

/** Maps a stored row to the event it records: the one place columns become fields. */
export function toAuditEvent (row: Selectable<AuditEventTable>): AuditEvent {
  return {
    seq: row.seq,
    at: new Date(row.at).toISOString(),
    actor: row.actor,
    action: row.action,
    subject: { type: row.subject_type, id: row.subject_id },
    detail: row.detail as Record<string, unknown>,
    prevHash: row.prev_hash,
    hash: row.hash
  }
}

/**
 * Audit events matching `filter`, in seq order, a page at a time (keyset on seq). A subject
 * filter uses the (subject_type, subject_id, seq) index; the others read the trail in seq order.
 */
export async function listAuditEvents (db: Db, filter: AuditEventFilter): Promise<AuditEventPage> {
  let query = db.selectFrom('audit_events').selectAll()
  if (filter.action !== undefined) query = query.where('action', '=', filter.action)
  if (filter.actor !== undefined) query = query.where('actor', '=', filter.actor)
  if (filter.subjectType !== undefined) query = query.where('subject_type', '=', filter.subjectType)
  if (filter.subjectId !== undefined) query = query.where('subject_id', '=', filter.subjectId)
  if (filter.from !== undefined) query = query.where('at', '>=', new Date(filter.from))
  if (filter.to !== undefined) query = query.where('at', '<', new Date(filter.to))
  if (filter.afterSeq !== undefined) query = query.where('seq', '>', filter.afterSeq)
  const rows = await query.orderBy('seq').limit(filter.limit + 1).execute()
  const page = rows.slice(0, filter.limit)
  return {
    events: page.map(toAuditEvent),
    nextAfterSeq: rows.length > filter.limit ? (page.at(-1)?.seq ?? null) : null
  }
}

/** The head of the audit trail (its last event's seq and hash); undefined for an empty trail. */
export async function findAuditHead (db: Db | Transaction<Database>): Promise<{ seq: number, hash: string } | undefined> {
  return db.selectFrom('audit_events').select(['seq', 'hash']).orderBy('seq', 'desc').limit(1).executeTakeFirst()
}

/** The stored hashes of the events at `seqs` (those that exist): seq → hash. */
export async function findAuditHashes (db: Db | Transaction<Database>, seqs: readonly number[]): Promise<Map<number, string>> {
  if (seqs.length === 0) return new Map()
  const rows = await db.selectFrom('audit_events').select(['seq', 'hash']).where('seq', 'in', seqs).execute()
  return new Map(rows.map((r) => [r.seq, r.hash]))
}

/** The detail of every event of `action`, oldest first (for actions that are few: a recovery, a release). */
export async function auditDetailsOf (db: Db, action: string): Promise<Array<Record<string, unknown>>> {
  const rows = await db.selectFrom('audit_events').select('detail').where('action', '=', action).orderBy('seq').execute()
  return rows.map((r) => r.detail as Record<string, unknown>)
}
