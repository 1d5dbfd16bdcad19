/** What a publisher hands to the feed: the record's kind, id and body, and who may see it. */
export interface EntryDraft {
  kind: EntryKind
  recordId: string
  body: Record<string, unknown>
  /** Agency ids that may read the entry; undefined or empty means every enrolled peer. */
  audience?: string[] | undefined
}

export type EntryKind = 'decision' | 'amendment' | 'revocation' | 'renewal' | 'classification' | 'crosswalk'

/**
 * The signed payload of a feed entry (protocol v1). `prev` is the SHA-256 (base64url) of the
 * previous entry's JWS, null for seq 1; `aud` is `["*"]` for every peer.
 */
export interface EntryPayload {
  v: 1
  iss: string
  seq: number
  id: string
  kind: EntryKind
  time: string
  aud: string[]
  prev: string | null
  body: Record<string, unknown>
}

export interface PublishedEntry {
  seq: number
  entryId: string
  recordId: string
  kind: EntryKind
  hash: string
  prev: string | null
  jws: string
  publishedAt: Date
}

export interface FeedHead {
  issuer: string
  seq: number
  hash: string | null
}

export interface CheckpointPayload {
  v: 1
  iss: string
  seq: number
  hash: string | null
  time: string
}

export const EVERYONE = '*'
