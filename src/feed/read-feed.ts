import type { Db } from '../db/create-db.js'
import type { Clock } from '../lib/clock.js'
import { CHECKPOINT_TYP, signCompact, type SigningKey } from '../signing/index.js'
import { createPageCache } from './page-cache.js'
import { findFeedHead, readFeedItems } from './queries.js'
import type { CheckpointPayload } from './types.js'

export type FeedPageReader = (query: { after: number, limit: number, viewer: string }) => Promise<string>

/**
 * Reads pages of `issuer`'s feed for a viewer, as the JSON text to send. Entries are sent as
 * stored (the JWS is never re-signed or re-serialised); an entry outside the viewer's audience
 * is a placeholder `{seq, hash, prev}`. JWS, hashes and agency ids are base64url or
 * `[a-z0-9-]`, so the text is assembled without escaping (see `readFeedItems`). The cursor is
 * stateless: `next` is the last seq of the page, to pass as `after`. Full pages with no
 * audience-restricted entry are the same for every peer and never change: they are kept in a
 * cache of `cacheBytes`, so N peers reading one page cost one database read.
 */
export function createFeedPageReader (db: Db, issuer: string, cacheBytes: number): FeedPageReader {
  const cache = createPageCache(cacheBytes)
  return async ({ after, limit, viewer }) => {
    const key = `${after}:${limit}`
    const cached = cache.get(key)
    const [page, head] = await Promise.all([
      cached === undefined ? readFeedItems(db, issuer, after, limit, viewer) : { items: cached, last: after + limit, count: limit, public: true },
      findFeedHead(db, issuer)
    ])
    if (cached === undefined && page.public && page.count === limit) cache.set(key, page.items)
    const next = page.last ?? Math.min(after, head.seq)
    return `{"issuer":"${issuer}","after":${after},"next":${next},"headSeq":${head.seq},"hasMore":${next < head.seq},"entries":[${page.items}]}`
  }
}

/** A signed checkpoint of our feed head (seq and hash), for peers to detect truncation and forks. */
export async function signCheckpoint (db: Db, issuer: string, key: SigningKey, clock: Clock): Promise<{ seq: number, hash: string | null, jws: string }> {
  const head = await findFeedHead(db, issuer)
  const payload: CheckpointPayload = { v: 1, iss: issuer, seq: head.seq, hash: head.hash, time: clock.now().toISOString() }
  return { seq: head.seq, hash: head.hash, jws: signCompact(payload, key, CHECKPOINT_TYP) }
}
