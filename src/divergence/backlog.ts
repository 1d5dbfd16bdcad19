import { sql, type Transaction } from 'kysely'
import type { Db } from '../db/create-db.js'
import type { Database } from '../db/schema.js'
import type { RecordKey } from '../records/index.js'
import type { Clock } from '../lib/clock.js'
import { detectDivergences, FUZZY_PARTIES, type DetectionOutcome } from './detect.js'
import type { DivergenceConfig } from './types.js'

/** What the backlog's detection did: `detectDivergences`' outcome summed, and how many queued decisions it took. */
export type BacklogOutcome = DetectionOutcome & { detected: number }

/** What else examines the queued decisions, in the transaction that takes them off the queue (the alerts' matching). */
export type AlsoOnBacklog = (trx: Transaction<Database>, decisions: readonly RecordKey[]) => Promise<void>

/**
 * Detects again the decisions a large change queued (`detection_backlog`: a sync page or an
 * import with more distinct parties than FUZZY_PARTIES, whose detection searched names that
 * normalise alike only), with every party searched as screening searches (`thorough`): a
 * typo'd end user in a page of a thousand grants is found as an officer screening would find
 * it. Oldest first, FUZZY_PARTIES decisions a transaction, each taken off the queue in the
 * transaction that examined it (`for update skip locked`: two workers share the queue), until
 * the queue is empty or `signal` aborts; `also` examines each batch too, in its transaction.
 * Returns what it did.
 */
export async function drainDetectionBacklog (deps: { db: Db, config: DivergenceConfig, clock: Clock, also?: AlsoOnBacklog | undefined }, signal?: AbortSignal): Promise<BacklogOutcome> {
  const total: BacklogOutcome = { examined: 0, opened: 0, updated: 0, resolved: 0, detected: 0 }
  while (signal?.aborted !== true) {
    const taken = await deps.db.transaction().execute(async (trx) => {
      const { rows } = await sql<{ issuer: string, record_id: string }>`
        delete from detection_backlog where (issuer, record_id) in (
          select issuer, record_id from detection_backlog order by queued_at, issuer, record_id limit ${FUZZY_PARTIES} for update skip locked
        ) returning issuer, record_id`.execute(trx)
      if (rows.length === 0) return 0
      const decisions = rows.map((r) => ({ issuer: r.issuer, recordId: r.record_id }))
      const outcome = await detectDivergences({ trx, config: deps.config, clock: deps.clock, thorough: true }, decisions)
      await deps.also?.(trx, decisions)
      total.examined += outcome.examined
      total.opened += outcome.opened
      total.updated += outcome.updated
      total.resolved += outcome.resolved
      return rows.length
    })
    if (taken === 0) break
    total.detected += taken
  }
  return total
}

/** How many decisions wait in the backlog (the administrators' jobs page). */
export async function countDetectionBacklog (db: Db): Promise<number> {
  const row = await db.selectFrom('detection_backlog').select((eb) => eb.fn.countAll<string>().as('count')).executeTakeFirst()
  return Number(row?.count ?? 0)
}
