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

export interface FeedRow {
  seq: number
  jws: string | null
  hash: string
  prev: string | null
  visible: boolean
}

/** Entries after `after`, in seq order, each flagged visible or not for `viewer`. */
export async function listFeedRows (db: Db, issuer: string, after: number, limit: number, viewer: string): Promise<FeedRow[]> {
  return db.selectFrom('feed_entries')
    .select(['seq', 'jws', 'hash', 'prev'])
    .select(sql<boolean>`audience is null or ${viewer} = any(audience)`.as('visible'))
    .where('issuer', '=', issuer).where('seq', '>', after)
    .orderBy('seq').limit(limit)
    .execute()
}
