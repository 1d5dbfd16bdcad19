import { sql, type Transaction } from 'kysely'
import type { Db } from '../db/create-db.js'
import type { Database } from '../db/schema.js'
import type { FeedHead } from './types.js'

/**
 * Locks our feed head row for the rest of `trx`, creating it at seq 0 on first use, so that
 * concurrent publishers take seqs one after another and every `prev` is the true predecessor.
 */
export async function lockFeedHead (trx: Transaction<Database>, issuer: string): Promise<FeedHead> {
  await trx.insertInto('feed_heads').values({ issuer, seq: 0, hash: null })
    .onConflict((oc) => oc.column('issuer').doNothing()).execute()
  const head = await trx.selectFrom('feed_heads').select(['issuer', 'seq', 'hash'])
    .where('issuer', '=', issuer).forUpdate().executeTakeFirstOrThrow()
  return head
}

export async function updateFeedHead (trx: Transaction<Database>, head: FeedHead): Promise<void> {
  await trx.updateTable('feed_heads').set({ seq: head.seq, hash: head.hash }).where('issuer', '=', head.issuer).execute()
}

export async function findFeedHead (db: Db, issuer: string): Promise<FeedHead> {
  const row = await db.selectFrom('feed_heads').select(['issuer', 'seq', 'hash']).where('issuer', '=', issuer).executeTakeFirst()
  return row ?? { issuer, seq: 0, hash: null }
}

/**
 * Entries after `after`, in seq order, already serialised as the JSON array items of a feed
 * page: `{"seq":N,"jws":"…"}`, or the placeholder `{"seq":N,"hash":"…","prev":"…"}` for an
 * entry outside `viewer`'s audience. PostgreSQL concatenates the stored text, so a page
 * crosses into Node as one string, not hundreds of row objects. Every concatenated value is
 * an integer or base64url, so nothing needs escaping.
 */
export async function readFeedItems (db: Db, issuer: string, after: number, limit: number, viewer: string): Promise<{ items: string, last: number | null }> {
  const result = await sql<{ items: string | null, last: number | null }>`
    select string_agg(
      case when jws is not null and (audience is null or ${viewer} = any(audience))
        then '{"seq":' || seq || ',"jws":"' || jws || '"}'
        else '{"seq":' || seq || ',"hash":"' || hash || '","prev":' || coalesce('"' || prev || '"', 'null') || '}'
      end, ',' order by seq) as items,
      max(seq) as last
    from (select seq, jws, hash, prev, audience from feed_entries
          where issuer = ${issuer} and seq > ${after} order by seq limit ${limit}) page`.execute(db)
  const row = result.rows[0]
  return { items: row?.items ?? '', last: row?.last ?? null }
}
