import { sql } from 'kysely'
import type { Db } from '../db/create-db.js'

/** The tables a sync page's transaction grows and then queries (projection, divergence detection). */
// party_name_keys: its trigram indexes are partial by kind, and a planner that believes a kind
// rare scans the table instead (74 keys × 25,000 rows: 6.5 s where the indexes take 0.2)
const QUERY_TABLES = ['records', 'record_parties', 'party_names', 'party_name_keys', 'record_items', 'record_codes', 'crosswalk_links'] as const

/** How many records the planner believes we hold: the count at the last ANALYZE (0 when never analyzed). */
export async function estimateHeldRecords (db: Db): Promise<number> {
  const { rows } = await sql<{ held: number }>`select greatest(reltuples, 0)::bigint as held from pg_class where oid = 'records'::regclass`.execute(db)
  return rows[0]?.held ?? 0
}

/** Refreshes the planner's statistics of `records` and its query tables (ANALYZE), on a connection of `db`. */
export async function analyzeQueryTables (db: Db): Promise<void> {
  await sql`analyze ${sql.join(QUERY_TABLES.map((t) => sql.table(t)))}`.execute(db)
}
