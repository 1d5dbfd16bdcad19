import type { Transaction } from 'kysely'
import type { Database } from '../db/schema.js'
import type { Db } from '../db/create-db.js'
import type { EntryKind, PublishedEntry } from '../feed/index.js'
import type { Clock } from '../lib/clock.js'
import type { KeyRing } from '../signing/index.js'
import type { ClassificationContent, CrosswalkContent, DecisionContent } from './schemas.js'

export type RecordKind = 'decision' | 'classification' | 'crosswalk'

/** Computed when read, with the clock: never stored, so a record lapses without a write. */
export type Lifecycle = 'in_force' | 'revoked' | 'lapsed'

export interface ContentByKind {
  decision: DecisionContent
  classification: ClassificationContent
  crosswalk: CrosswalkContent
}

/** The current version of one of our records. */
export interface OwnRecord<K extends RecordKind = RecordKind> {
  recordId: string
  kind: K
  version: number
  lifecycle: Lifecycle
  /** The first day a revocation takes effect; null while not revoked. */
  revokedFrom: string | null
  /** Agency ids that see the record; empty: every enrolled peer. */
  audience: string[]
  content: ContentByKind[K]
  latestSeq: number
  createdAt: Date
  updatedAt: Date
}

/** Where a version landed in our feed. */
export interface EntryRef {
  seq: number
  hash: string
  entryId: string
}

export interface PublishedRecord<K extends RecordKind = RecordKind> {
  record: OwnRecord<K>
  entry: EntryRef
}

/** One version of a record, read back from its signed feed entry. */
export interface RecordVersion extends EntryRef {
  version: number
  kind: EntryKind
  publishedAt: Date
  /** The signed entry body, exactly as published. */
  body: Record<string, unknown>
}

/** What publishing needs; `keyRing.current()` is called before a transaction opens, never inside one. */
export interface RecordsContext {
  db: Db
  issuer: string
  /**
   * Who makes the change, as the audit trail names them: the officer's token subject, or
   * `cli:<os user>` / `demo` for the command line and the demo.
   */
  actor: string
  clock: Clock
  keyRing: Pick<KeyRing, 'current'>
  denialReviewYears: number
  /** Told of each entry published one by one, after its transaction committed (e.g. to push it to peers). */
  onPublished?: ((entry: PublishedEntry) => void) | undefined
  /**
   * Told of the records a transaction wrote (new, amended, revoked, renewed), inside that
   * transaction, before it commits: divergence detection runs here, so a change and what it
   * diverges from are stored together or not at all.
   */
  onStored?: ((trx: Transaction<Database>, records: Array<{ issuer: string, recordId: string }>) => Promise<unknown>) | undefined
}

export interface RecordChange {
  /** The version the change applies to: a stale one is refused (RECORD_SUPERSEDED). */
  version: number
  reason: string
}

/** One decision read from an import file, before validation. */
export interface ImportCandidate {
  /** The file line the decision starts on (1-based; a CSV header is line 1). */
  line: number
  /** The decision as read; undefined when it could not be read at all (see `problems`). */
  value?: unknown
  /** What went wrong reading it: pointers already name the line, e.g. "line 17: item_quantity". */
  problems?: Array<{ pointer: string, detail: string }>
  /** Names the place in the file of a path in `value`; default `line N: /path`. */
  locate?: (path: string) => string
}
