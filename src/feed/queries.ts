import { sql, type RawBuilder, type Transaction } from 'kysely'
import type { Db } from '../db/create-db.js'
import type { Database } from '../db/schema.js'
import { peekJws } from '../signing/index.js'
import type { FeedHead, LockedHead } from './types.js'

/**
 * Locks our feed head row for the rest of `trx`, creating it at seq 0 on first use, so that
 * concurrent publishers take seqs one after another and every `prev` is the true predecessor.
 */
export async function lockFeedHead (trx: Transaction<Database>, issuer: string): Promise<LockedHead> {
  const locking = () => trx.selectFrom('feed_heads').select(['issuer', 'seq', 'hash', 'signing_kid as signingKid', 'hold']).where('issuer', '=', issuer).forUpdate()
  const head = await locking().executeTakeFirst()
  if (head !== undefined) return head
  // the first entry ever: create the head (a concurrent first publisher may win), then lock it
  await trx.insertInto('feed_heads').values({ issuer, seq: 0, hash: null }).onConflict((oc) => oc.column('issuer').doNothing()).execute()
  return await locking().executeTakeFirstOrThrow()
}

/** Holds our feed (nothing is appended) with the reason, or lets it go on (`null`); creates the head row when there is none. */
export async function setFeedHold (db: Db | Transaction<Database>, issuer: string, hold: string | null): Promise<void> {
  await db.insertInto('feed_heads').values({ issuer, seq: 0, hash: null, hold })
    .onConflict((oc) => oc.column('issuer').doUpdateSet({ hold })).execute()
}

/** Why our feed is held, if it is. */
export async function findFeedHold (db: Db, issuer: string): Promise<string | null> {
  return (await db.selectFrom('feed_heads').select('hold').where('issuer', '=', issuer).executeTakeFirst())?.hold ?? null
}

/** Names the key our entries are signed with from now on, in the transaction (holding the head's lock) that changes it. */
export async function setFeedSigningKey (trx: Transaction<Database>, issuer: string, kid: string): Promise<void> {
  await trx.updateTable('feed_heads').set({ signing_kid: kid }).where('issuer', '=', issuer).execute()
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
 * keeps the audience of its first, so its latest entry decides for the whole record
 * (`currentEntry(…).visibleTo`).
 */
export function visibleTo (viewer: string) {
  return audienceAdmits(sql.ref('feed_entries.audience'), viewer)
}

function audienceAdmits (audience: RawBuilder<unknown>, viewer: string) {
  return sql<boolean>`(${audience} is null or ${viewer} = any(${audience}))`
}

/**
 * The feed entry that carries a record's current version (the one at its `latest_seq`), for a
 * query on `records` (as `recordAlias`) to join as `alias`, and what such a query may read of
 * it: its entry id, when we stored it, its JWS protected header (base64url, for its kid; null
 * for a placeholder, never a record's current entry) and whether `viewer` may see it.
 */
export function currentEntry (recordAlias: string, alias = 'current_entry') {
  const column = (name: string) => sql.ref(`${alias}.${name}`)
  return {
    join: sql`join feed_entries as ${sql.id(alias)} on ${column('issuer')} = ${sql.ref(`${recordAlias}.issuer`)} and ${column('seq')} = ${sql.ref(`${recordAlias}.latest_seq`)}`,
    entryId: sql<string | null>`${column('entry_id')}`,
    storedAt: sql<Date>`${column('stored_at')}`,
    header: sql<string | null>`split_part(${column('jws')}, '.', 1)`,
    visibleTo: (viewer: string) => audienceAdmits(column('audience'), viewer)
  }
}

/** The issuers of the feeds we publish (column `issuer`: us, once we published), as a subquery for a caller to compose. */
export function ownFeedIssuersSql (): RawBuilder<{ issuer: string }> {
  return sql<{ issuer: string }>`select issuer from feed_heads`
}

/** The stored hash of an issuer's entry (ours or a peer's), to compare with checkpoints and pushed entries. */
export async function findEntryHash (db: Db | Transaction<Database>, issuer: string, seq: number): Promise<string | undefined> {
  const row = await db.selectFrom('feed_entries').select('hash').where('issuer', '=', issuer).where('seq', '=', seq).executeTakeFirst()
  return row?.hash
}

/** The stored hashes of an issuer's entries at `seqs` (those we hold): seq → hash, one query. */
export async function findEntryHashes (db: Db | Transaction<Database>, issuer: string, seqs: readonly number[]): Promise<Map<number, string>> {
  const rows = await db.selectFrom('feed_entries').select(['seq', 'hash']).where('issuer', '=', issuer)
    .where('seq', 'in', seqs).execute()
  return new Map(rows.map((r) => [r.seq, r.hash]))
}

/** The entries of one kind in an issuer's feed (a protocol kind: few), oldest first, with their signed payload's body. */
export async function ownEntriesOfKind (db: Db | Transaction<Database>, issuer: string, kind: string): Promise<Array<{ seq: number, publishedAt: Date | null, body: unknown }>> {
  const rows = await db.selectFrom('feed_entries').select(['seq', 'published_at', 'jws'])
    .where('issuer', '=', issuer).where('kind', '=', kind).orderBy('seq').execute()
  return rows.map((r) => ({ seq: r.seq, publishedAt: r.published_at, body: r.jws === null ? undefined : (peekJws(r.jws)?.payload as { body?: unknown } | undefined)?.body }))
}

/** Every entry of one record in an issuer's feed, oldest first: the record's versions as stored. */
export async function entriesOfRecord (db: Db, issuer: string, recordId: string) {
  return db.selectFrom('feed_entries')
    .select(['seq', 'entry_id', 'kind', 'hash', 'jws', 'published_at'])
    .where('issuer', '=', issuer).where('record_id', '=', recordId)
    .orderBy('seq').execute()
}

/**
 * Entries after `after`, in seq order, serialised as the JSON array items of a feed page:
 * `{"seq":N,"jws":"…"}`, or the placeholder `{"seq":N,"hash":"…","prev":"…"}` for an entry
 * outside `viewer`'s audience. The stored JWS text is placed as is: every value concatenated
 * is an integer or base64url, so nothing needs escaping. (Concatenating in PostgreSQL with
 * string_agg was measured slower than this.)
 */
export async function readFeedItems (db: Db, issuer: string, after: number, limit: number, viewer: string | null): Promise<{ items: string, last: number | null, count: number, public: boolean }> {
  const rows = await db.selectFrom('feed_entries')
    .select(['seq', 'jws', 'hash', 'prev'])
    .select(viewer === null ? sql<boolean>`true`.as('visible') : visibleTo(viewer).as('visible'))
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

/**
 * Deletes every entry of a peer's feed we hold, and its head if we kept one, in the caller's
 * transaction (a removal that purges the peer's records; never our own feed). Returns how many entries.
 */
export async function deleteFeedEntriesOf (trx: Transaction<Database>, issuer: string): Promise<number> {
  const result = await trx.deleteFrom('feed_entries').where('issuer', '=', issuer).executeTakeFirst()
  await trx.deleteFrom('feed_heads').where('issuer', '=', issuer).execute()
  return Number(result.numDeletedRows)
}
