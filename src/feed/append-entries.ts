import { randomUUID } from 'node:crypto'
import type { Transaction } from 'kysely'
import type { Database } from '../db/schema.js'
import type { Clock } from '../lib/clock.js'
import { sha256Base64url } from '../lib/hash.js'
import { ENTRY_TYP, signCompact, type SigningKey } from '../signing/index.js'
import { lockFeedHead, updateFeedHead } from './queries.js'
import { EVERYONE, type EntryDraft, type EntryPayload, type PublishedEntry } from './types.js'

export interface Publisher {
  issuer: string
  key: SigningKey
  clock: Clock
}

const INSERT_CHUNK = 1000

/**
 * Appends `drafts` to our feed as the next entries, in order, inside the caller's transaction:
 * locks the feed head (so concurrent publishers queue and seqs stay gap-free), signs each
 * payload, chains it to its predecessor by `prev`, inserts the entries and moves the head.
 * Nothing is visible to readers until the caller commits; a rollback leaves no gap.
 */
export async function appendEntries (trx: Transaction<Database>, drafts: readonly EntryDraft[], publisher: Publisher): Promise<PublishedEntry[]> {
  if (drafts.length === 0) return []
  const head = await lockFeedHead(trx, publisher.issuer)
  const publishedAt = publisher.clock.now()
  const time = publishedAt.toISOString()
  let seq = head.seq
  let prev = head.hash
  const entries: PublishedEntry[] = []
  const rows = []
  for (const draft of drafts) {
    seq += 1
    const audience = draft.audience !== undefined && draft.audience.length > 0 ? [...new Set(draft.audience)].sort() : null
    const payload: EntryPayload = {
      v: 1, iss: publisher.issuer, seq, id: randomUUID(), kind: draft.kind, time, aud: audience ?? [EVERYONE], prev, body: draft.body
    }
    const jws = signCompact(payload, publisher.key, ENTRY_TYP)
    const hash = sha256Base64url(jws)
    entries.push({ seq, entryId: payload.id, recordId: draft.recordId, kind: draft.kind, hash, prev, jws, publishedAt })
    rows.push({
      issuer: publisher.issuer,
      seq,
      entry_id: payload.id,
      kind: draft.kind,
      record_id: draft.recordId,
      audience,
      jws,
      hash,
      prev,
      published_at: publishedAt
    })
    prev = hash
  }
  for (let i = 0; i < rows.length; i += INSERT_CHUNK) {
    await trx.insertInto('feed_entries').values(rows.slice(i, i + INSERT_CHUNK)).execute()
  }
  await updateFeedHead(trx, { issuer: publisher.issuer, seq, hash: prev })
  return entries
}
