import { sql, type Transaction } from 'kysely'
import type { Db } from '../db/create-db.js'
import type { Database } from '../db/schema.js'
import type { FeedHead } from './types.js'

/**
 * Locks our feed head row for the rest of `trx`, creating it at seq 0 on first use, so that
 * concurrent publishers take seqs one after another and every `prev` is the true predecessor.
 */
export async function lockFeedHead (trx: Transaction<Database>, issuer: string): Promise<FeedHead> {
  const locking = () => trx.selectFrom('feed_heads').select(['issuer', 'seq', 'hash']).where('issuer', '=', issuer).forUpdate()
  const head = await locking().executeTakeFirst()
  if (head !== undefined) return head
  // the first entry ever: create the head (a concurrent first publisher may win), then lock it
  await trx.insertInto('feed_heads').values({ issuer, seq: 0, hash: null }).onConflict((oc) => oc.column('issuer').doNothing()).execute()
  return await locking().executeTakeFirstOrThrow()
}

export async function updateFeedHead (trx: Transaction<Database>, head: FeedHead): Promise<void> {
  await trx.updateTable('feed_heads').set({ seq: head.seq, hash: head.hash }).where('issuer', '=', head.issuer).execute()
}

export async function findFeedHead (db: Db, issuer: string): Promise<FeedHead> {
  const row = await db.selectFrom('feed_heads').select(['issuer', 'seq', 'hash']).where('issuer', '=', issuer).executeTakeFirst()
  return row ?? { issuer, seq: 0, hash: null }
}

/**
 * Whether `viewer` may read a feed entry: its audience is everyone (null) or names the viewer.
 * The one rule of who sees what: the feed sends any other entry as a placeholder, and no
 * other answer to a peer may depend on a record it cannot see. A later version of a record
 * keeps the audience of its first, so its latest entry decides for the whole record.
 */
export function visibleTo (viewer: string) {
  return sql<boolean>`(feed_entries.audience is null or ${viewer} = any(feed_entries.audience))`
}

/**
 * Entries after `after`, in seq order, serialised as the JSON array items of a feed page:
 * `{"seq":N,"jws":"…"}`, or the placeholder `{"seq":N,"hash":"…","prev":"…"}` for an entry
 * outside `viewer`'s audience. The stored JWS text is placed as is: every value concatenated
 * is an integer or base64url, so nothing needs escaping. (Concatenating in PostgreSQL with
 * string_agg was measured slower than this.)
 */
export async function readFeedItems (db: Db, issuer: string, after: number, limit: number, viewer: string): Promise<{ items: string, last: number | null, count: number, public: boolean }> {
  const rows = await db.selectFrom('feed_entries')
    .select(['seq', 'jws', 'hash', 'prev'])
    .select(visibleTo(viewer).as('visible'))
    .select(sql<boolean>`audience is null`.as('public'))
    // seqs are gap-free, so the page is exactly this range: bounding it keeps every plan to
    // `limit` rows, even when statistics are stale after a bulk import
    .where('issuer', '=', issuer).where('seq', '>', after).where('seq', '<=', after + limit)
    .orderBy('seq').limit(limit)
    .execute()
  const items = rows.map((row) => row.visible && row.jws !== null
    ? `{"seq":${row.seq},"jws":"${row.jws}"}`
    : `{"seq":${row.seq},"hash":"${row.hash}","prev":${row.prev === null ? 'null' : `"${row.prev}"`}}`)
  return { items: items.join(','), last: rows.at(-1)?.seq ?? null, count: rows.length, public: rows.every((row) => row.public && row.jws !== null) }
}
