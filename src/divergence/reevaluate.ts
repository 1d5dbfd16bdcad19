import { sql } from 'kysely'
import type { Db } from '../db/create-db.js'
import type { Clock } from '../lib/clock.js'
import { anyLapsedSql } from '../records/index.js'
import { detectDivergences, type DetectionOutcome } from './detect.js'
import type { DivergenceConfig } from './types.js'

const BATCH = 200

/** The records a divergence `d` is about, as column references. */
const BOTH_RECORDS = [{ issuer: 'd.first_issuer', recordId: 'd.first_record_id' }, { issuer: 'd.second_issuer', recordId: 'd.second_record_id' }]

/** A divergence `d` that still holds although one of its records has lapsed by `today`: what a re-evaluation examines. */
const lapsedWhileHolding = (today: string) => sql<boolean>`d.holds and ${anyLapsedSql(BOTH_RECORDS, today)}`

/** A divergence that a re-evaluation found no longer holds, with the reason recorded in its history. */
export interface ResolvedDivergence { id: string, kind: string, reason: string }

export type ReevaluationOutcome = Omit<DetectionOutcome, 'examined'> & { checked: number, resolvedDivergences: ResolvedDivergence[] }

/**
 * Re-evaluates the divergences that still hold although one of their records lapsed (its
 * `valid_until` passed) since they were last evaluated: nothing writes to a record when it
 * lapses, so this runs at start and daily in the background jobs, and on demand (`cli
 * divergences reevaluate`). Each batch is its own transaction; returns what changed.
 */
export async function reevaluateLapsed (deps: { db: Db, config: DivergenceConfig, clock: Clock }): Promise<ReevaluationOutcome> {
  const total: ReevaluationOutcome = { opened: 0, updated: 0, resolved: 0, checked: 0, resolvedDivergences: [] }
  const today = deps.clock.now().toISOString().slice(0, 10)
  let after = ''
  for (;;) {
    const { rows } = await sql<{ id: string, first_issuer: string, first_record_id: string, second_issuer: string, second_record_id: string }>`
      select d.id, d.first_issuer, d.first_record_id, d.second_issuer, d.second_record_id
      from divergences d
      where ${lapsedWhileHolding(today)} and d.id > ${after === '' ? '00000000-0000-0000-0000-000000000000' : after}::uuid
      order by d.id limit ${BATCH}`.execute(deps.db)
    if (rows.length === 0) break
    after = (rows.at(-1) as { id: string }).id
    const keys = rows.flatMap((r) => [{ issuer: r.first_issuer, recordId: r.first_record_id }, { issuer: r.second_issuer, recordId: r.second_record_id }])
    const ids = rows.map((r) => r.id)
    const { outcome, resolved } = await deps.db.transaction().execute(async (trx) => {
      const outcome = await detectDivergences({ trx, config: deps.config, clock: deps.clock }, keys)
      const { rows: resolved } = outcome.resolved === 0
        ? { rows: [] }
        : await sql<ResolvedDivergence>`
          select d.id, d.kind, t.reason from divergences d
          cross join lateral (select reason from divergence_transitions where divergence_id = d.id order by seq desc limit 1) t
          where d.id = any(${ids}::uuid[]) and not d.holds order by d.id`.execute(trx)
      return { outcome, resolved }
    })
    total.opened += outcome.opened
    total.updated += outcome.updated
    total.resolved += outcome.resolved
    total.checked += rows.length
    total.resolvedDivergences.push(...resolved)
  }
  return total
}

/**
 * How many divergences the next `reevaluateLapsed` will examine: those that still hold although
 * one of their records has lapsed by `today` (the lapse re-evaluation's work waiting).
 */
export async function countAwaitingLapseReevaluation (db: Db, today: string): Promise<number> {
  const { rows } = await sql<{ count: string }>`
    select count(*) as count from divergences d where ${lapsedWhileHolding(today)}`.execute(db)
  return Number(rows[0]?.count ?? 0)
}
