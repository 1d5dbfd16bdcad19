import { randomUUID } from 'node:crypto'
import type { Transaction } from 'kysely'
import type { Database } from '../db/schema.js'
import type { Clock } from '../lib/clock.js'
import { errors } from '../lib/errors.js'
import { sha256Base64url } from '../lib/hash.js'
import { ENTRY_TYP, signCompact, type SigningKey } from '../signing/index.js'
import { lockFeedHead, updateFeedHead } from './queries.js'
import { storeEntries, storeEntriesAndHead, type FeedEntryRow } from './store-entries.js'
import { EVERYONE, type EntryDraft, type EntryPayload, type PublishedEntry } from './types.js'

export interface Publisher {
  issuer: string
  /** The key to sign with, read before the transaction: if a rotation made another current meanwhile, `keyRing` gives that one. */
  key: SigningKey
  clock: Clock
  keyRing?: { current: (db: Transaction<Database>) => Promise<SigningKey> } | undefined
}

/**
 * Appends to our feed inside one transaction, in two steps that may overlap: `sign` (CPU
 * only: the chain advances in memory from the locked head) and `store` (the inserts). A bulk
 * import signs its next batch while the previous one is being stored. `finish` moves the head;
 * `storeAndFinish` does both for the last (or only) rows in one statement.
 */
export interface FeedAppender {
  sign (drafts: readonly EntryDraft[]): { entries: PublishedEntry[], rows: FeedEntryRow[] }
  store (rows: readonly FeedEntryRow[]): Promise<void>
  finish (): Promise<void>
  storeAndFinish (rows: readonly FeedEntryRow[]): Promise<void>
}

/**
 * Locks our feed head for the rest of `trx` (so concurrent publishers queue and seqs stay
 * gap-free) and returns an appender continuing from it. Nothing is visible to readers until
 * the caller commits; a rollback leaves no gap.
 */
export async function openFeedAppender (trx: Transaction<Database>, given: Publisher): Promise<FeedAppender> {
  const head = await lockFeedHead(trx, given.issuer)
  if (head.hold !== null) throw errors.feedRecoveryPending(head.hold)
  const publisher = await withSigningKey(trx, given, head.signingKid)
  let seq = head.seq
  let prev = head.hash
  return {
    sign (drafts) {
      const publishedAt = publisher.clock.now()
      const time = publishedAt.toISOString()
      const entries: PublishedEntry[] = []
      const rows: FeedEntryRow[] = []
      for (const draft of drafts) {
        seq += 1
        const audience = draft.audience !== undefined && draft.audience.length > 0 ? [...new Set(draft.audience)].sort() : null
        const payload: EntryPayload = {
          v: 1, iss: publisher.issuer, seq, id: randomUUID(), kind: draft.kind, time, aud: audience ?? [EVERYONE], prev, body: draft.body
        }
        const jws = signCompact(payload, publisher.key, ENTRY_TYP)
        const hash = sha256Base64url(jws)
        entries.push({ seq, entryId: payload.id, recordId: draft.recordId, kind: draft.kind, hash, prev, jws, publishedAt })
        rows.push({ issuer: publisher.issuer, seq, entry_id: payload.id, kind: draft.kind, record_id: draft.recordId, audience, jws, hash, prev, published_at: publishedAt })
        prev = hash
      }
      return { entries, rows }
    },
    async store (rows) {
      await storeEntries(trx, rows, { onConflict: 'fail' })
    },
    async finish () {
      await updateFeedHead(trx, { issuer: publisher.issuer, seq, hash: prev })
    },
    async storeAndFinish (rows) {
      await storeEntriesAndHead(trx, rows, { issuer: publisher.issuer, seq, hash: prev })
    }
  }
}

/**
 * The publisher with the key our entries are signed with now: a rotation names the new key on
 * the head it holds locked (`setFeedSigningKey`), so a publish that read the key before the
 * rotation committed signs with the new one, never with the key the rotation retired.
 */
async function withSigningKey (trx: Transaction<Database>, publisher: Publisher, signingKid: string | null): Promise<Publisher> {
  if (signingKid === null || signingKid === publisher.key.kid) return publisher
  if (publisher.keyRing === undefined) throw new Error(`our entries are signed with key ${signingKid} now, not ${publisher.key.kid}, and no key ring was given to read it`)
  const key = await publisher.keyRing.current(trx)
  if (key.kid !== signingKid) throw new Error(`our feed head names key ${signingKid}, but the current key is ${key.kid}`)
  return { ...publisher, key }
}

/**
 * Appends `drafts` to our feed as the next entries, in order, inside the caller's transaction:
 * lock the head, sign, chain each entry to its predecessor by `prev`, insert, move the head.
 */
export async function appendEntries (trx: Transaction<Database>, drafts: readonly EntryDraft[], publisher: Publisher): Promise<PublishedEntry[]> {
  if (drafts.length === 0) return []
  const appender = await openFeedAppender(trx, publisher)
  const { entries, rows } = appender.sign(drafts)
  await appender.storeAndFinish(rows)
  return entries
}
