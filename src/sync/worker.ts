import { randomBytes } from 'node:crypto'
import { hostname } from 'node:os'
import { findPeer } from '../peers/index.js'
import { backoffDelayMs } from '../lib/backoff.js'
import { ensureSyncRows, leasePeer, quarantinePeer, recordFailure, recordSuccess } from './queries.js'
import { SyncFailure } from './sync-failure.js'
import { syncPeer, type RoundResult, type SyncContext } from './sync-peer.js'

export interface WorkerOptions {
  /** Seconds between rounds for a peer that is up to date. */
  intervalSeconds: number
  backoffBaseMs: number
  backoffCapMs: number
  /** How long the sync job waits, once no peer is due, before it looks again. */
  idleMs: number
}

export const newWorkerId = () => `${hostname()}:${process.pid}:${randomBytes(3).toString('hex')}`

export type RoundOutcome =
  | { peer: string, status: 'synced', result: RoundResult }
  | { peer: string, status: 'backing-off' | 'quarantined' | 'error', code: string, message: string }

/**
 * Leases one due peer (or `agencyId`) and runs a round for it, recording the outcome: success
 * schedules the next round; a transient failure backs off with jitter; a verification
 * failure quarantines the peer. Returns undefined when no peer was leasable.
 */
export async function runOneRound (ctx: SyncContext, options: WorkerOptions, owner: string, agencyId?: string): Promise<RoundOutcome | undefined> {
  const now = ctx.clock.now()
  await ensureSyncRows(ctx.db)
  const lease = await leasePeer(ctx.db, owner, now, new Date(now.getTime() + ctx.leaseSeconds * 1000), agencyId)
  if (lease === undefined) return undefined
  const peer = await findPeer(ctx.db, lease.agency_id)
  if (peer === undefined) return undefined
  const log = ctx.logger.child({ component: 'sync', peer: peer.agencyId })
  try {
    const result = await syncPeer(ctx, peer, owner)
    const done = ctx.clock.now()
    await recordSuccess(ctx.db, owner, peer.agencyId, done, new Date(done.getTime() + options.intervalSeconds * 1000))
    if (result.stored > 0) log.info({ stored: result.stored, cursor: result.cursor, headSeq: result.headSeq }, 'peer synced')
    return { peer: peer.agencyId, status: 'synced', result }
  } catch (err) {
    const done = ctx.clock.now()
    if (err instanceof SyncFailure && err.quarantine) {
      await quarantinePeer(ctx.db, peer.agencyId, { code: err.code, message: err.message, evidence: err.evidence }, done)
      log.error({ code: err.code, reason: err.message }, 'peer quarantined: ingest stopped until an administrator resumes it')
      return { peer: peer.agencyId, status: 'quarantined', code: err.code, message: err.message }
    }
    const failure = err instanceof SyncFailure ? err : undefined
    const code = failure?.code ?? 'SYNC_ERROR'
    const message = err instanceof Error ? err.message : String(err)
    const delay = backoffDelayMs(lease.attempts, { baseMs: options.backoffBaseMs, capMs: options.backoffCapMs, retryAfterSeconds: failure?.retryAfterSeconds })
    try {
      await recordFailure(ctx.db, owner, peer.agencyId, { code, message }, done, new Date(done.getTime() + delay))
    } catch (recordErr) {
      log.error({ err: recordErr }, 'could not record the sync failure; the lease will expire')
    }
    if (failure === undefined) log.error({ err }, 'sync round failed')
    else log.warn({ code, reason: message, retryInMs: Math.round(delay) }, 'sync round failed; backing off')
    return { peer: peer.agencyId, status: failure === undefined ? 'error' : 'backing-off', code, message }
  }
}
