import type { Db } from '../db/create-db.js'
import { checkpointText, signNoteText, type SigningKey } from '../signing/index.js'
import { createPageCache } from './page-cache.js'
import { findFeedHead, readFeedItems } from './queries.js'

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

/**
 * A page of our copy of a peer's feed (`issuer`), for the witness routes: as `issuer` sent it to
 * us, every entry `viewer` may not see a placeholder (`viewer` null: the issuer itself, reading
 * back its own entries, sees every one we hold in full). `cursor` is how far our verified copy
 * goes: the page's head.
 */
export async function readCopyPage (db: Db, issuer: string, query: { after: number, limit: number, viewer: string | null }, cursor: number): Promise<string> {
  const page = await readFeedItems(db, issuer, query.after, Math.max(0, Math.min(query.limit, cursor - query.after)), query.viewer)
  const next = page.last ?? Math.min(query.after, cursor)
  return `{"issuer":"${issuer}","after":${query.after},"next":${next},"headSeq":${cursor},"hasMore":${next < cursor},"entries":[${page.items}]}`
}

/**
 * A signed checkpoint of our feed head (seq and hash), for peers to detect truncation and forks:
 * a C2SP tlog-checkpoint signed note (origin our agency id, size the head seq, hash the head
 * entry's) with our signature line (docs/federation.md section 4). `cosignatures`: lines of
 * witnesses who co-signed this very checkpoint, appended after ours.
 */
export async function signCheckpoint (db: Db, issuer: string, key: SigningKey, cosignatures: (text: string) => Promise<string[]> = async () => []): Promise<{ seq: number, hash: string | null, checkpoint: string }> {
  const head = await findFeedHead(db, issuer)
  const text = checkpointText(issuer, head.seq, head.hash)
  return { seq: head.seq, hash: head.hash, checkpoint: `${text}\n${signNoteText(text, issuer, key)}${(await cosignatures(text)).join('')}` }
}
