import type { Db } from '../db/create-db.js'
import type { Clock } from '../lib/clock.js'
import { CHECKPOINT_TYP, signCompact, type SigningKey } from '../signing/index.js'
import { findFeedHead, readFeedItems } from './queries.js'
import type { CheckpointPayload } from './types.js'

/**
 * One page of our feed for `viewer`, as the JSON text to send. Entries are sent as stored
 * (the JWS is never re-signed or re-serialised); an entry outside the viewer's audience is
 * a placeholder `{seq, hash, prev}`. JWS, hashes and agency ids are base64url or
 * `[a-z0-9-]`, so the text is assembled without escaping (see `readFeedItems`). The cursor is stateless: `next`
 * is the last seq of the page, to pass as `after`.
 */
export async function readFeedPage (db: Db, query: { issuer: string, after: number, limit: number, viewer: string }): Promise<string> {
  const [page, head] = await Promise.all([
    readFeedItems(db, query.issuer, query.after, query.limit, query.viewer),
    findFeedHead(db, query.issuer)
  ])
  const next = page.last ?? Math.min(query.after, head.seq)
  return `{"issuer":"${query.issuer}","after":${query.after},"next":${next},"headSeq":${head.seq},"hasMore":${next < head.seq},"entries":[${page.items}]}`
}

/** A signed checkpoint of our feed head (seq and hash), for peers to detect truncation and forks. */
export async function signCheckpoint (db: Db, issuer: string, key: SigningKey, clock: Clock): Promise<{ seq: number, hash: string | null, jws: string }> {
  const head = await findFeedHead(db, issuer)
  const payload: CheckpointPayload = { v: 1, iss: issuer, seq: head.seq, hash: head.hash, time: clock.now().toISOString() }
  return { seq: head.seq, hash: head.hash, jws: signCompact(payload, key, CHECKPOINT_TYP) }
}
