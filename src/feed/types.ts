/** What a publisher hands to the feed: the record's kind, id and body, and who may see it. */
export interface EntryDraft {
  kind: EntryKind
  /** The record the entry carries; null for a protocol entry (`ProtocolEntryKind`). */
  recordId: string | null
  body: Record<string, unknown>
  /** Agency ids that may read the entry; undefined or empty means every enrolled peer. */
  audience?: string[] | undefined
}

export type EntryKind = RecordEntryKind | ProtocolEntryKind

/** The entries that carry a record or a change of one (docs/records.md). */
export type RecordEntryKind = 'decision' | 'amendment' | 'revocation' | 'renewal' | 'classification' | 'crosswalk'

/** The entries that speak of the feed itself, not of a record: a change of the issuer's keys, the head of its audit trail, an agency it introduces (docs/federation.md). */
export type ProtocolEntryKind = 'key-status' | 'audit-anchor' | 'introduction'

/** Entry kinds that carry no record: a projection of records passes over them. */
export const PROTOCOL_ENTRY_KINDS: ReadonlySet<string> = new Set<ProtocolEntryKind>(['key-status', 'audit-anchor', 'introduction'])

/** The body of an `audit-anchor` entry: the head of the issuer's audit trail when it was written. */
export interface AuditAnchorBody {
  auditSeq: number
  auditHash: string
}

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
  recordId: string | null
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

/** Our head as a publisher locks it: with the key our entries are signed with from it on (null until a rotation names one). */
export interface LockedHead extends FeedHead {
  signingKid: string | null
  hold: string | null
}

export const EVERYONE = '*'
