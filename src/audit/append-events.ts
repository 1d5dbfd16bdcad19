import { sql, type Transaction } from 'kysely'
import type { Database } from '../db/schema.js'
import { canonicalize } from '../lib/canonical-json.js'
import type { Clock } from '../lib/clock.js'
import { sha256Base64url } from '../lib/hash.js'

/** Something that happened, as an auditor reads it: who did what, to what, with which detail. */
export interface AuditEventDraft {
  actor: string
  action: string
  subject: { type: string, id: string }
  detail: Record<string, unknown>
}

/** Serialises every writer of the trail, so that seqs stay gap-free and each event names the hash of the one before. */
const AUDIT_LOCK = 0x617564 // "aud"

/**
 * Appends events to the audit trail in the caller's transaction, the one that makes the change
 * they record: both commit or neither. Each event's hash is the SHA-256 of the RFC 8785 form
 * of `{seq, at, actor, action, subject, detail, prev}`, so the trail is a hash chain an
 * auditor can check from the first event (`verifyAuditChain`).
 */
export async function appendAuditEvents (trx: Transaction<Database>, drafts: readonly AuditEventDraft[], clock: Clock): Promise<void> {
  if (drafts.length === 0) return
  await sql`select pg_advisory_xact_lock(${AUDIT_LOCK})`.execute(trx)
  const last = await trx.selectFrom('audit_events').select(['seq', 'hash']).orderBy('seq', 'desc').limit(1).executeTakeFirst()
  let seq = last?.seq ?? 0
  let prev = last?.hash ?? null
  const at = clock.now().toISOString()
  const rows = drafts.map((draft) => {
    seq += 1
    const hash = auditHash({ seq, at, actor: draft.actor, action: draft.action, subject: draft.subject, detail: draft.detail, prev })
    const row = { seq, at, actor: draft.actor, action: draft.action, subject_type: draft.subject.type, subject_id: draft.subject.id, detail: JSON.stringify(draft.detail), prev_hash: prev, hash }
    prev = hash
    return row
  })
  await trx.insertInto('audit_events').values(rows).execute()
}

export function auditHash (event: { seq: number, at: string, actor: string, action: string, subject: { type: string, id: string }, detail: unknown, prev: string | null }): string {
  return sha256Base64url(canonicalize(event))
}
