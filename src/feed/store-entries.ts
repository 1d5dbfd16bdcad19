import { sql, type Insertable, type RawBuilder, type Transaction } from 'kysely'
import type { Database, FeedEntryTable } from '../db/schema.js'
import { columnList, unnestRows, type Columns } from '../db/unnest-rows.js'

/** A `feed_entries` row as stored: ours as signed, or a peer's as verified (a placeholder has no JWS, id, kind nor time). */
export type FeedEntryRow = Insertable<FeedEntryTable>

/**
 * How an insert of feed entries meets a seq already stored for the issuer. `fail`: our own
 * entries, whose seqs the locked head hands out, so a clash is a fault (a unique violation).
 * `skip`: a peer's entries, which a pull and a push may both bring; the one we hold is kept and
 * the insert returns the seqs it did store, so that the caller can compare the others' hashes.
 */
export type EntryConflict = 'fail' | 'skip'

const ENTRY_COLUMNS: Columns<FeedEntryRow> = [
  ['issuer', 'text'], ['seq', 'bigint'], ['entry_id', 'uuid'], ['kind', 'text'], ['record_id', 'uuid'], ['audience', 'text[]'],
  ['jws', 'text'], ['hash', 'text'], ['prev', 'text'], ['published_at', 'timestamptz']
]

/** Rows per statement of `storeEntries` (a page of a peer's feed is split the same way by its caller). */
const INSERT_CHUNK = 1000

/**
 * The one insert of feed entries, ours and our peers': the rows as one array parameter per
 * column (`unnestRows`), serialised now, so that a caller may build it ahead of the transaction
 * that runs it (the sync worker prepares a page while the previous one is being stored).
 * With `skip`, returns the seqs inserted; with `fail`, nothing.
 */
export function entryInsert (rows: readonly FeedEntryRow[], options: { onConflict: EntryConflict }): RawBuilder<{ seq: number }> {
  const insert = sql`insert into feed_entries ${columnList(ENTRY_COLUMNS)} ${unnestRows(ENTRY_COLUMNS, rows)}`
  return options.onConflict === 'skip'
    ? sql<{ seq: number }>`${insert} on conflict (issuer, seq) do nothing returning seq`
    : sql<{ seq: number }>`${insert}`
}

/** Inserts feed entries in the caller's transaction (`entryInsert`, a statement per 1,000 rows); returns how many were inserted. */
export async function storeEntries (trx: Transaction<Database>, rows: readonly FeedEntryRow[], options: { onConflict: EntryConflict }): Promise<number> {
  let inserted = 0
  for (let i = 0; i < rows.length; i += INSERT_CHUNK) {
    const result = await entryInsert(rows.slice(i, i + INSERT_CHUNK), options).execute(trx)
    inserted += options.onConflict === 'skip' ? result.rows.length : Number(result.numAffectedRows ?? 0n)
  }
  return inserted
}

/**
 * Our entries and the head they end at: the last (or only) statement's worth of rows in the
 * same statement as the head (a data-modifying `with`), so that a publish, whose transaction
 * holds the head lock meanwhile, makes one round trip less while every other publisher waits.
 */
export async function storeEntriesAndHead (trx: Transaction<Database>, rows: readonly FeedEntryRow[], head: { issuer: string, seq: number, hash: string | null }): Promise<void> {
  const last = Math.max(0, rows.length - INSERT_CHUNK)
  await storeEntries(trx, rows.slice(0, last), { onConflict: 'fail' })
  await sql`with stored as (${entryInsert(rows.slice(last), { onConflict: 'fail' })})
    update feed_heads set seq = ${head.seq}, hash = ${head.hash} where issuer = ${head.issuer}`.execute(trx)
}
