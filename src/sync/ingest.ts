import type { Transaction } from 'kysely'
import type { Database } from '../db/schema.js'
import type { VerifiedEntry } from '../feed/index.js'
import { SyncFailure } from './sync-failure.js'

const INSERT_CHUNK = 1000

export type IngestOutcome = { stored: number, cursor: { seq: number, hash: string | null } } | 'cursor-moved'

/**
 * Stores verified entries of `issuer` that continue our copy from `from`, inside the caller's
 * transaction: locks the peer's sync row, checks that the cursor is still `from` (and, for a
 * worker, that it still holds the lease), inserts the entries idempotently on (issuer, seq),
 * projects them, and advances the cursor. Returns 'cursor-moved' when another worker or the
 * inbox got there first: nothing is written and the caller pulls again. Throws FORK_DETECTED
 * when a stored entry has another hash.
 */
export async function ingestEntries (
  trx: Transaction<Database>,
  issuer: string,
  from: { seq: number, hash: string | null },
  entries: readonly VerifiedEntry[],
  options: { leaseOwner: string | null, project: (trx: Transaction<Database>, issuer: string, entries: readonly VerifiedEntry[]) => Promise<void> }
): Promise<IngestOutcome> {
  const row = await trx.selectFrom('peer_sync').select(['cursor_seq', 'cursor_hash', 'lease_owner'])
    .where('agency_id', '=', issuer).forUpdate().executeTakeFirst()
  if (row === undefined || row.cursor_seq !== from.seq || row.cursor_hash !== from.hash) return 'cursor-moved'
  if (options.leaseOwner !== null && row.lease_owner !== options.leaseOwner) return 'cursor-moved'
  if (entries.length === 0) return { stored: 0, cursor: from }

  const rows = entries.map((e) => ({
    issuer,
    seq: e.seq,
    entry_id: e.payload?.id ?? null,
    kind: e.payload?.kind ?? null,
    record_id: typeof e.payload?.body.recordId === 'string' ? e.payload.body.recordId : null,
    audience: e.payload === undefined || e.payload.aud.includes('*') ? null : e.payload.aud,
    jws: e.jws ?? null,
    hash: e.hash,
    prev: e.prev,
    published_at: e.payload?.time ?? null
  }))
  let stored = 0
  for (let i = 0; i < rows.length; i += INSERT_CHUNK) {
    const chunk = rows.slice(i, i + INSERT_CHUNK)
    const inserted = await trx.insertInto('feed_entries').values(chunk)
      .onConflict((oc) => oc.columns(['issuer', 'seq']).doNothing()).returning('seq').execute()
    stored += inserted.length
    if (inserted.length < chunk.length) await checkHeldEntries(trx, issuer, chunk, new Set(inserted.map((r) => r.seq)))
  }
  await options.project(trx, issuer, entries)
  const last = entries[entries.length - 1] as VerifiedEntry
  await trx.updateTable('peer_sync').set((eb) => ({
    cursor_seq: last.seq, cursor_hash: last.hash, entries_ingested: eb('entries_ingested', '+', entries.length)
  })).where('agency_id', '=', issuer).execute()
  return { stored, cursor: { seq: last.seq, hash: last.hash } }
}

async function checkHeldEntries (trx: Transaction<Database>, issuer: string, chunk: Array<{ seq: number, hash: string }>, inserted: Set<number>) {
  const held = chunk.filter((r) => !inserted.has(r.seq))
  const stored = await trx.selectFrom('feed_entries').select(['seq', 'hash']).where('issuer', '=', issuer)
    .where('seq', 'in', held.map((r) => r.seq)).execute()
  const byseq = new Map(stored.map((r) => [r.seq, r.hash]))
  for (const entry of held) {
    if (byseq.get(entry.seq) !== entry.hash) {
      throw new SyncFailure('FORK_DETECTED', `entry ${entry.seq} differs from the one we hold`, { evidence: { seq: entry.seq, heldHash: byseq.get(entry.seq), receivedHash: entry.hash } })
    }
  }
}
