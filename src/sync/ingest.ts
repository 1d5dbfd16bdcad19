import type { RawBuilder, Transaction } from 'kysely'
import type { Database } from '../db/schema.js'
import { entryInsert, findEntryHashes, type EntryPayload, type VerifiedEntry } from '../feed/index.js'
import { findPeer, keyPolicyOf } from '../peers/index.js'
import { KEY_STATUS_KIND, KeyPolicy, peekJws } from '../signing/index.js'
import { SyncFailure } from './sync-failure.js'

const INSERT_CHUNK = 1000

/**
 * What storing a peer's verified entries does beyond keeping them (projection, detection), in
 * two steps: `Projector` does the work that needs no database (rows, match keys, serialised
 * statements) and returns the `Projection` that writes it in the storing transaction.
 */
export type Projector = (issuer: string, entries: readonly VerifiedEntry[]) => Promise<Projection>
export type Projection = (trx: Transaction<Database>) => Promise<{ skipped: Array<{ seq: number, why: string }> }>

/** Verified entries of one issuer ready to store: their insert statements built and their projection prepared (`prepareEntries`). */
export interface PreparedEntries {
  issuer: string
  entries: readonly VerifiedEntry[]
  inserts: ReadonlyArray<{ statement: RawBuilder<{ seq: number }>, rows: ReadonlyArray<{ seq: number, hash: string }> }>
  projection: Projection
}

export type IngestOutcome = { stored: number, cursor: { seq: number, hash: string | null }, skipped: Array<{ seq: number, why: string }> } | 'cursor-moved'

/**
 * Stores verified entries of `issuer` that continue our copy from `from`, inside the caller's
 * transaction: locks the peer's sync row, checks that the cursor is still `from` (and, for a
 * worker, that it still holds the lease), inserts the entries idempotently on (issuer, seq),
 * projects them, advances the cursor, then takes in pushed entries waiting in the inbox that
 * now continue the chain. Returns 'cursor-moved' when another worker or the inbox got there
 * first: nothing is written and the caller pulls again. Throws FORK_DETECTED when an entry
 * we hold, or one waiting in the inbox, has another hash for the same seq.
 */
export async function ingestEntries (
  trx: Transaction<Database>,
  from: { seq: number, hash: string | null },
  prepared: PreparedEntries,
  options: { leaseOwner: string | null, project: Projector }
): Promise<IngestOutcome> {
  const issuer = prepared.issuer
  const row = await trx.selectFrom('peer_sync').select(['cursor_seq', 'cursor_hash', 'lease_owner'])
    .where('agency_id', '=', issuer).forUpdate().executeTakeFirst()
  if (row === undefined || row.cursor_seq !== from.seq || row.cursor_hash !== from.hash) return 'cursor-moved'
  if (options.leaseOwner !== null && row.lease_owner !== options.leaseOwner) return 'cursor-moved'
  const first = await storePrepared(trx, prepared)
  const drained = await drainInbox(trx, issuer, first.cursor ?? from, options.project)
  return {
    stored: first.stored + drained.stored,
    cursor: drained.cursor ?? first.cursor ?? from,
    skipped: [...first.skipped, ...drained.skipped]
  }
}

/** The `feed_entries` row of a verified entry of `issuer`: a peer's, or one of ours recovered from a peer. */
export function entryRow (issuer: string, e: VerifiedEntry) {
  return {
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
  }
}

/**
 * Builds what storing verified entries takes that needs no database: the entries' insert
 * statements (parameters serialised) and their projection (`project`). The sync worker runs it
 * for a page while the previous page is being stored, so that only the database's work stays
 * in the transaction.
 */
export async function prepareEntries (issuer: string, entries: readonly VerifiedEntry[], project: Projector): Promise<PreparedEntries> {
  const inserts = []
  for (let i = 0; i < entries.length; i += INSERT_CHUNK) {
    const rows = entries.slice(i, i + INSERT_CHUNK).map((e) => entryRow(issuer, e))
    inserts.push({ statement: entryInsert(rows, { onConflict: 'skip' }), rows })
  }
  return { issuer, entries, inserts, projection: await project(issuer, entries) }
}

/** Inserts, projects and moves the cursor; the chain was verified by the caller. */
async function storePrepared (trx: Transaction<Database>, { issuer, entries, inserts, projection }: PreparedEntries) {
  if (entries.length === 0) return { stored: 0, cursor: undefined, skipped: [] }
  let stored = 0
  for (const { statement, rows } of inserts) {
    const { rows: inserted } = await statement.execute(trx)
    stored += inserted.length
    if (inserted.length < rows.length) await checkHeldEntries(trx, issuer, rows, new Set(inserted.map((r) => r.seq)))
  }
  const { skipped } = await projection(trx)
  const last = entries[entries.length - 1] as VerifiedEntry
  await trx.updateTable('peer_sync').set((eb) => ({
    cursor_seq: last.seq, cursor_hash: last.hash, entries_ingested: eb('entries_ingested', '+', entries.length)
  })).where('agency_id', '=', issuer).execute()
  return { stored, cursor: { seq: last.seq, hash: last.hash }, skipped }
}

/**
 * Pushed entries wait in `inbox_pending` until the chain reaches them. Those now behind the
 * cursor must equal what we hold (else a fork) and are dropped; those that continue it are
 * stored, one after another. Their signatures were verified when they arrived; the status of
 * the key that signed each is checked again now, since the entries stored before it may have
 * retired or revoked that key.
 */
async function drainInbox (trx: Transaction<Database>, issuer: string, from: { seq: number, hash: string | null }, project: Projector) {
  let cursor = from
  let stored = 0
  const skipped: Array<{ seq: number, why: string }> = []
  const behind = await trx.deleteFrom('inbox_pending').where('issuer', '=', issuer).where('seq', '<=', cursor.seq)
    .returning(['seq', 'hash']).execute()
  if (behind.length > 0) {
    await checkHeldEntries(trx, issuer, behind, new Set())
  }
  let policy: KeyPolicy | undefined
  for (;;) {
    const next = await trx.deleteFrom('inbox_pending').where('issuer', '=', issuer).where('seq', '=', cursor.seq + 1)
      .returning(['seq', 'hash', 'jws']).executeTakeFirst()
    if (next === undefined) break
    const peeked = peekJws(next.jws)
    const payload = peeked?.payload as EntryPayload
    // the peer's key statuses as stored now (the entries stored before may have changed them), read once, then moved on entry by entry
    const keys: KeyPolicy = policy ?? await findPeer(trx, issuer).then((peer) => peer === undefined ? new KeyPolicy() : keyPolicyOf(peer))
    policy = keys
    const fault = peeked?.kid === undefined ? undefined : keys.fault(peeked.kid, payload)
    if (payload.kind === KEY_STATUS_KIND) keys.observe(next.seq, payload.body)
    if (fault !== undefined) {
      throw new SyncFailure(fault === 'key-revoked' ? 'KEY_REVOKED' : 'KEY_RETIRED', `pushed entry ${next.seq} is signed with key ${String(peeked?.kid)}, which ${issuer} ${fault === 'key-revoked' ? 'revoked' : 'retired'} before it`, { evidence: { seq: next.seq, entry: next.jws } })
    }
    if (payload.prev !== cursor.hash) {
      throw new SyncFailure('CHAIN_BROKEN', `pushed entry ${next.seq}: prev does not match the hash of entry ${cursor.seq}`, { evidence: { seq: next.seq, entry: next.jws } })
    }
    const result = await storePrepared(trx, await prepareEntries(issuer, [{ seq: next.seq, hash: next.hash, prev: payload.prev, jws: next.jws, payload }], project))
    stored += result.stored
    skipped.push(...result.skipped)
    cursor = { seq: next.seq, hash: next.hash }
  }
  return { stored, cursor: cursor === from ? undefined : cursor, skipped }
}

async function checkHeldEntries (trx: Transaction<Database>, issuer: string, candidates: ReadonlyArray<{ seq: number, hash: string }>, inserted: Set<number>) {
  const held = candidates.filter((r) => !inserted.has(r.seq))
  if (held.length === 0) return
  const bySeq = await findEntryHashes(trx, issuer, held.map((r) => r.seq))
  for (const entry of held) {
    if (bySeq.get(entry.seq) !== entry.hash) {
      throw new SyncFailure('FORK_DETECTED', `two different entries for seq ${entry.seq}`, { evidence: { seq: entry.seq, heldHash: bySeq.get(entry.seq) ?? null, otherHash: entry.hash } })
    }
  }
}
