import { sql, type Transaction } from 'kysely'
import type { Db } from '../db/create-db.js'
import type { Database } from '../db/schema.js'
import { trigramNeighbours } from './trigram-neighbours.js'

/** Denied names searched per transaction at startup (`keepAllDeniedNeighbours`): ~7 ms each. */
const STARTUP_BATCH = 200

/**
 * Keeps the trigram neighbours of the names first denied (`denied_names` not yet
 * `neighbours_kept`; among `nameHashes` when given, else any, `limit` at most): every distinct
 * name with a search key that one of the denied name's keys is word-similar to at `threshold`,
 * found as detection looks for a denial's name (`trigramNeighbours`, so the search is the one
 * detection makes of the same party, remembered: it costs it once), and stored in
 * `party_name_neighbours` at that threshold, for a large change to read by name (`findNearParties`
 * with `nearness: 'stored'`). Names new to us find their denied neighbours in the trigger that
 * stores them (migration 202612050900). A name another transaction is keeping is skipped. Sets
 * the trigram threshold for the rest of `trx`. Returns how many denied names were kept.
 */
export async function keepDeniedNeighbours (
  trx: Transaction<Database>, options: { threshold: number, nameHashes?: readonly string[] | undefined, limit: number }
): Promise<number> {
  if (options.nameHashes?.length === 0) return 0
  const among = options.nameHashes === undefined ? sql`` : sql`and d.name_hash = any(${options.nameHashes}::uuid[])`
  const { rows: pending } = await sql<{ name_hash: string, name_keys: string }>`
    select d.name_hash, n.name_keys from denied_names d join party_names n on n.name_hash = d.name_hash
    where not d.neighbours_kept ${among}
    order by d.name_hash limit ${options.limit}
    for update of d skip locked`.execute(trx)
  if (pending.length === 0) return 0
  await sql`select set_config('pg_trgm.word_similarity_threshold', ${String(options.threshold)}, true)`.execute(trx)
  // the keys in the order `partySearchKeys` gives them (`name_keys` joins them so): detection's probe of the same party
  const near = await trigramNeighbours(trx, pending.map((p) => p.name_keys.split(' / ').filter((k) => k !== '')), { threshold: options.threshold, ranked: Number.MAX_SAFE_INTEGER })
  const denied = pending.map((p) => p.name_hash)
  await sql`
    insert into party_name_neighbours (name_hash, denied_hash, similarity)
    select f.name_hash, (${denied}::uuid[])[f.probe + 1], ${options.threshold}
    from unnest(${near.map((n) => n.nameHash)}::uuid[], ${near.map((n) => n.probe)}::int[]) as f(name_hash, probe)
    where f.name_hash <> (${denied}::uuid[])[f.probe + 1]
    on conflict (name_hash, denied_hash) do nothing`.execute(trx)
  await sql`update denied_names set neighbours_kept = true where name_hash = any(${denied}::uuid[])`.execute(trx)
  return pending.length
}

/**
 * `keepDeniedNeighbours` of every denied name still lacking them (after the migration that
 * made the table, or a key refresh that renamed every name), a batch per transaction. Returns
 * how many were kept.
 */
export async function keepAllDeniedNeighbours (db: Db, threshold: number): Promise<number> {
  let total = 0
  for (;;) {
    const kept = await db.transaction().execute((trx) => keepDeniedNeighbours(trx, { threshold, limit: STARTUP_BATCH }))
    if (kept === 0) return total
    total += kept
  }
}
