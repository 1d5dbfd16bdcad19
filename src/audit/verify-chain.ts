import type { Db } from '../db/create-db.js'
import { auditHash } from './append-events.js'
import { toAuditEvent, type AuditEvent } from './list-events.js'

/**
 * Why an event breaks the chain: its stored hash is not the hash of its content
 * (`hash-mismatch`), it does not name the hash of the event before it (`broken-link`), or the
 * event with this seq is missing (`gap`).
 */
export type ChainFault = 'hash-mismatch' | 'broken-link' | 'gap'

/** The first event that breaks the chain; verification stops there. */
export interface ChainBreak {
  seq: number
  reason: ChainFault
  detail: string
}

interface ChainHead {
  /** Events found intact. */
  checked: number
  /** The last intact event (before `fromSeq` when none was checked; null for an empty trail). */
  lastSeq: number | null
  lastHash: string | null
}

/** `ok`: every event from `fromSeq` on is intact and linked; otherwise `firstBad` says where and why not. */
export type ChainVerification = (ChainHead & { ok: true }) | (ChainHead & { ok: false, firstBad: ChainBreak })

export interface VerifyOptions {
  /** The first seq to check (default 1); its link is checked against the stored hash of the event before it. */
  fromSeq?: number | undefined
  /** Events read per query (default 1000): memory holds one batch, whatever the trail's length. */
  batch?: number | undefined
}

/**
 * Reads the audit trail in seq order, a batch at a time, and checks that seqs follow each other
 * without gaps, that each event names the hash of the one before (null for seq 1), and that each
 * stored hash is `auditHash` of the event's content. Stops at the first event that fails. A
 * deletion at the end of the trail leaves no gap: compare `lastSeq`/`lastHash` with a head
 * recorded earlier to catch it.
 */
export async function verifyAuditChain (db: Db, options: VerifyOptions = {}): Promise<ChainVerification> {
  const fromSeq = options.fromSeq ?? 1
  const batch = options.batch ?? 1000
  let lastSeq: number | null = null
  let lastHash: string | null = null
  if (fromSeq > 1) {
    const anchor = await db.selectFrom('audit_events').select(['seq', 'hash']).where('seq', '=', fromSeq - 1).executeTakeFirst()
    if (anchor === undefined) {
      return { ok: false, checked: 0, lastSeq, lastHash, firstBad: { seq: fromSeq - 1, reason: 'gap', detail: `event ${fromSeq - 1}, which event ${fromSeq} links to, is missing` } }
    }
    lastSeq = anchor.seq
    lastHash = anchor.hash
  }
  let checked = 0
  for (;;) {
    const after = lastSeq ?? fromSeq - 1
    const rows = await db.selectFrom('audit_events').selectAll().where('seq', '>', after).orderBy('seq').limit(batch).execute()
    for (const row of rows) {
      const fault = faultOf(toAuditEvent(row), lastSeq ?? fromSeq - 1, lastHash)
      if (fault !== undefined) return { ok: false, checked, lastSeq, lastHash, firstBad: fault }
      checked += 1
      lastSeq = row.seq
      lastHash = row.hash
    }
    if (rows.length < batch) return { ok: true, checked, lastSeq, lastHash }
  }
}

function faultOf (event: AuditEvent, previousSeq: number, previousHash: string | null): ChainBreak | undefined {
  const expected = previousSeq + 1
  if (event.seq !== expected) {
    const missing = event.seq - expected === 1 ? `event ${expected} is missing` : `events ${expected} to ${event.seq - 1} are missing`
    return { seq: expected, reason: 'gap', detail: `${missing}: the next event is ${event.seq}` }
  }
  if (event.prevHash !== previousHash) {
    return { seq: event.seq, reason: 'broken-link', detail: `prevHash is ${event.prevHash ?? 'null'}, but the event before it hashes to ${previousHash ?? 'null (none)'}` }
  }
  const recomputed = auditHash({ seq: event.seq, at: event.at, actor: event.actor, action: event.action, subject: event.subject, detail: event.detail, prev: event.prevHash })
  if (recomputed !== event.hash) {
    return { seq: event.seq, reason: 'hash-mismatch', detail: `the stored hash is ${event.hash}, but the event's content hashes to ${recomputed}: the event or its hash was changed after it was written` }
  }
  return undefined
}
