import type { Logger } from 'pino'
import type { Db } from '../db/create-db.js'
import { analyzeQueryTables, estimateHeldRecords } from '../records/index.js'

/** Below this many new rows a table's statistics are left to autovacuum. */
const MIN_GROWTH = 1000

export interface StatisticsRefresher {
  /** Counts entries a page stored; starts an ANALYZE in the background when the tables have doubled. */
  stored (entries: number): void
  /** Waits for an ANALYZE still running, at the end of the round. */
  settle (): Promise<void>
}

/**
 * Keeps the planner's statistics of the query tables in step with a sync round that grows
 * them. Autovacuum analyzes a table once a tenth of it has changed, but only between naps (a
 * minute by default), so an initial sync of a large feed can double the tables many times
 * before it looks; meanwhile the page transaction's queries are planned for tables of a few
 * rows. Measured (docs/performance.md): divergence detection, which joins a page's records
 * to `records` and `record_parties`, took ~490 ms of PostgreSQL CPU per page at 20,000 held
 * records when planned on missing statistics, ~12 ms once analyzed. So the round analyzes
 * the tables each time it has doubled what they held (a geometric series: the total costs
 * about two analyses of the final size), in the background on a connection of its own, so
 * that no page waits for it. A failure (say, a role that may not analyze) is logged and the
 * sync goes on: statistics make the pages faster, not correct.
 */
export async function refreshStatisticsAsTablesGrow (db: Db, log: Logger): Promise<StatisticsRefresher> {
  const held = await estimateHeldRecords(db)
  let grown = 0
  let next = Math.max(MIN_GROWTH, held)
  let running: Promise<void> | undefined
  return {
    stored (entries) {
      grown += entries
      if (grown < next || running !== undefined) return
      next = grown + Math.max(MIN_GROWTH, held + grown)
      running = analyzeQueryTables(db)
        .catch((err: unknown) => { log.warn({ err }, 'could not refresh the statistics of the query tables; autovacuum will') })
        .finally(() => { running = undefined })
    },
    async settle () {
      await running
    }
  }
}
