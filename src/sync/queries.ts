import { sql, type Selectable, type Transaction } from 'kysely'
import type { Db } from '../db/create-db.js'
import type { Database, PeerSyncTable } from '../db/schema.js'
import { activePeerIdsQuery, enrolledAgencyIdsSql, peerStatusesQuery, updatePeerStatus } from '../peers/index.js'

export type SyncRow = Selectable<PeerSyncTable>

/** Creates the sync row of every enrolled peer that has none yet. */
export async function ensureSyncRows (db: Db): Promise<void> {
  await sql`insert into peer_sync (agency_id) ${enrolledAgencyIdsSql()} on conflict do nothing`.execute(db)
}

export async function findSyncRow (db: Db | Transaction<Database>, agencyId: string): Promise<SyncRow | undefined> {
  return db.selectFrom('peer_sync').selectAll().where('agency_id', '=', agencyId).executeTakeFirst()
}

/**
 * Leases one active peer that is due (or `agencyId`, due or not, when given) to `owner` until
 * `until`, skipping rows another worker is leasing right now (SKIP LOCKED) and leases held
 * by others that have not expired. Returns undefined when there is nothing to lease.
 */
export async function leasePeer (db: Db, owner: string, now: Date, until: Date, agencyId?: string): Promise<SyncRow | undefined> {
  const candidate = db.selectFrom('peer_sync as s').innerJoin(activePeerIdsQuery(db).as('p'), 'p.agency_id', 's.agency_id')
    .select('s.agency_id')
    .where((eb) => eb.or([eb('s.lease_owner', 'is', null), eb('s.lease_owner', '=', owner), eb('s.lease_expires_at', '<', now)]))
    .$if(agencyId === undefined, (qb) => qb.where('s.next_attempt_at', '<=', now))
    .$if(agencyId !== undefined, (qb) => qb.where('s.agency_id', '=', agencyId as string))
    .orderBy('s.next_attempt_at').limit(1)
    .forUpdate('s').skipLocked()
  return db.updateTable('peer_sync')
    .set({ lease_owner: owner, lease_expires_at: until, last_attempt_at: now })
    .where('agency_id', '=', (eb) => eb.selectFrom(candidate.as('c')).select('c.agency_id'))
    .returningAll().executeTakeFirst()
}

/** Extends our lease; false when it was lost (expired and taken by another worker). */
export async function renewLease (db: Db, owner: string, agencyId: string, until: Date): Promise<boolean> {
  const result = await db.updateTable('peer_sync').set({ lease_expires_at: until })
    .where('agency_id', '=', agencyId).where('lease_owner', '=', owner).executeTakeFirst()
  return Number(result.numUpdatedRows) === 1
}

export async function recordSuccess (db: Db, owner: string, agencyId: string, now: Date, nextAttemptAt: Date): Promise<void> {
  await db.updateTable('peer_sync').set({
    lease_owner: null,
    lease_expires_at: null,
    attempts: 0,
    next_attempt_at: nextAttemptAt,
    last_success_at: now,
    last_error_code: null,
    last_error: null,
    last_error_at: null
  }).where('agency_id', '=', agencyId).where('lease_owner', '=', owner).execute()
}

export async function recordFailure (db: Db, owner: string, agencyId: string, failure: { code: string, message: string }, now: Date, nextAttemptAt: Date): Promise<void> {
  await db.updateTable('peer_sync').set((eb) => ({
    lease_owner: null,
    lease_expires_at: null,
    attempts: eb('attempts', '+', 1),
    next_attempt_at: nextAttemptAt,
    last_error_code: failure.code,
    last_error: failure.message.slice(0, 2000),
    last_error_at: now
  })).where('agency_id', '=', agencyId).where('lease_owner', '=', owner).execute()
}

/** Stops ingest from the peer: status quarantined with the reason, evidence kept, lease released. */
export async function quarantinePeer (db: Db, agencyId: string, failure: { code: string, message: string, evidence: Record<string, unknown> | undefined }, now: Date): Promise<void> {
  await db.transaction().execute(async (trx) => {
    await updatePeerStatus(trx, agencyId, 'quarantined', `${failure.code}: ${failure.message}`.slice(0, 2000), { at: now })
    await trx.updateTable('peer_sync').set((eb) => ({
      lease_owner: null,
      lease_expires_at: null,
      last_error_code: failure.code,
      last_error: failure.message.slice(0, 2000),
      last_error_at: now,
      verification_failures: eb('verification_failures', '+', 1),
      quarantine_evidence: JSON.stringify(failure.evidence ?? {})
    })).where('agency_id', '=', agencyId).execute()
  })
}

export async function saveCheckpoint (db: Db, agencyId: string, checkpoint: { seq: number, hash: string | null, note: string }): Promise<void> {
  await db.updateTable('peer_sync').set({ head_seq: checkpoint.seq, head_hash: checkpoint.hash, head_checkpoint: checkpoint.note })
    .where('agency_id', '=', agencyId)
    .where((eb) => eb.or([eb('head_seq', 'is', null), eb('head_seq', '<=', checkpoint.seq)]))
    .execute()
}

export type PeerState = 'active' | 'backing_off' | 'quarantined' | 'disabled' | 'removed'

export interface PeerHealth {
  agencyId: string
  state: PeerState
  statusReason: string | null
  cursor: number
  headSeq: number | null
  lag: number | null
  lastAttemptAt: Date | null
  lastSuccessAt: Date | null
  lastErrorCode: string | null
  lastError: string | null
  lastErrorAt: Date | null
  nextAttemptAt: Date | null
  entriesIngested: number
  verificationFailures: number
  quarantineEvidence: Record<string, unknown> | null
  /** Rounds failed in a row since the last success (0 when the last round succeeded). */
  failedAttempts: number
  /** The worker running a round for this peer now, and until when its lease holds; null when none is. */
  leaseOwner: string | null
  leaseExpiresAt: Date | null
}

/** Sync health of every enrolled peer (or one), for administrators and metrics. */
export async function listPeerHealth (db: Db, agencyId?: string): Promise<PeerHealth[]> {
  const rows = await db.selectFrom(peerStatusesQuery(db).as('p')).leftJoin('peer_sync as s', 's.agency_id', 'p.agency_id')
    .select(['p.agency_id', 'p.status', 'p.status_reason', 's.cursor_seq', 's.head_seq', 's.last_attempt_at', 's.last_success_at',
      's.last_error_code', 's.last_error', 's.last_error_at', 's.next_attempt_at', 's.attempts', 's.entries_ingested',
      's.verification_failures', 's.quarantine_evidence', 's.lease_owner', 's.lease_expires_at'])
    .$if(agencyId !== undefined, (qb) => qb.where('p.agency_id', '=', agencyId as string))
    .orderBy('p.agency_id').execute()
  return rows.map((r) => {
    const cursor = r.cursor_seq ?? 0
    // the last round failed and a retry is scheduled: not healthy, whether or not the retry is due yet
    const backingOff = (r.attempts ?? 0) > 0
    return {
      agencyId: r.agency_id,
      state: r.status === 'active' ? (backingOff ? 'backing_off' : 'active') : r.status,
      statusReason: r.status_reason,
      cursor,
      headSeq: r.head_seq ?? null,
      lag: r.head_seq === null || r.head_seq === undefined ? null : Math.max(0, r.head_seq - cursor),
      lastAttemptAt: r.last_attempt_at ?? null,
      lastSuccessAt: r.last_success_at ?? null,
      lastErrorCode: r.last_error_code ?? null,
      lastError: r.last_error ?? null,
      lastErrorAt: r.last_error_at ?? null,
      nextAttemptAt: r.next_attempt_at ?? null,
      entriesIngested: r.entries_ingested ?? 0,
      verificationFailures: r.verification_failures ?? 0,
      quarantineEvidence: r.quarantine_evidence ?? null,
      failedAttempts: r.attempts ?? 0,
      leaseOwner: r.lease_owner ?? null,
      leaseExpiresAt: r.lease_expires_at ?? null
    }
  })
}

/** Lifts a quarantine (or a backoff) after an administrator acted, in the caller's transaction: the next round starts now; false for a disabled peer. */
export async function resumePeerSync (trx: Transaction<Database>, agencyId: string, now: Date): Promise<boolean> {
  if (!await updatePeerStatus(trx, agencyId, 'active', null, { at: now, except: ['disabled', 'removed'] })) return false
  await trx.updateTable('peer_sync').set({ attempts: 0, next_attempt_at: now, quarantine_evidence: null, lease_owner: null, lease_expires_at: null })
    .where('agency_id', '=', agencyId).execute()
  return true
}

/**
 * Forgets what syncing with peer `agencyId` left, in the caller's transaction (a removal that
 * purges its records): its pushed entries waiting in the inbox, its sync row, the records of it
 * waiting for witnesses, and the witness views in which it is the subject or the witness.
 */
export async function forgetPeerSync (trx: Transaction<Database>, agencyId: string): Promise<{ inboxPending: number, witnessViews: number }> {
  const inbox = await trx.deleteFrom('inbox_pending').where('issuer', '=', agencyId).executeTakeFirst()
  await trx.deleteFrom('unwitnessed_records').where('issuer', '=', agencyId).execute()
  await trx.deleteFrom('peer_sync').where('agency_id', '=', agencyId).execute()
  const views = await trx.deleteFrom('witness_views').where((eb) => eb.or([eb('subject', '=', agencyId), eb('witness', '=', agencyId)])).executeTakeFirst()
  return { inboxPending: Number(inbox.numDeletedRows), witnessViews: Number(views.numDeletedRows) }
}
