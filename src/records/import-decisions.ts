import type { Readable } from 'node:stream'
import { appendAuditEvents } from '../audit/index.js'
import { openFeedAppender, type PublishedEntry, type Publisher } from '../feed/index.js'
import { errors, type ProblemDetail } from '../lib/errors.js'
import { signNewRecordsInSlices, storeNewRecords, type NewRecord, type SignedRecords } from './publish-record.js'
import { findReferenceHolders } from './queries.js'
import { readCsvDecisions } from './read-csv.js'
import { readNdjsonDecisions } from './read-ndjson.js'
import { stageImport, type StagedDecision, type StagedImport } from './stage-import.js'
import type { ImportCandidate, RecordsContext } from './types.js'

export type ImportFormat = 'csv' | 'ndjson'

/** The media types an import accepts, and the format each names. */
export const IMPORT_MEDIA_TYPES: Readonly<Record<string, ImportFormat>> = { 'text/csv': 'csv', 'application/x-ndjson': 'ndjson' }
/** An import file's format by its name's extension (the CLI and the web page read files by name). */
export const IMPORT_FORMAT_BY_EXTENSION: Readonly<Record<string, ImportFormat>> = { '.csv': 'csv', '.ndjson': 'ndjson', '.jsonl': 'ndjson' }

/** The import format a Content-Type names (parameters such as charset ignored); UNSUPPORTED_MEDIA_TYPE otherwise. */
export function importFormatOf (contentType: string | undefined): ImportFormat {
  const essence = contentType?.split(';')[0]?.trim().toLowerCase() ?? ''
  return IMPORT_MEDIA_TYPES[essence] ?? raiseUnsupported(contentType)
}

function raiseUnsupported (contentType: string | undefined): never {
  throw errors.unsupportedMediaType(contentType, Object.keys(IMPORT_MEDIA_TYPES))
}

export interface ImportProgress {
  /** Staged decisions read back so far (at most one batch ahead of `imported`). */
  read: number
  /** Decisions published so far, in the open transaction. */
  imported: number
  lastSeq: number
}

export interface ImportOptions {
  /** Decisions signed and inserted per round trip (default 500). */
  batchSize?: number
  /** Problems listed before reading stops (default 1000). */
  maxProblems?: number
  /** Called after each published batch. */
  onBatch?: (progress: ImportProgress) => void
  /** Where the import is staged before it is published: `importStagingDir(config)`. */
  stagingDir: string
}

export interface ImportResult {
  imported: number
  firstSeq: number | null
  lastSeq: number | null
}

/**
 * Imports decisions from a CSV or NDJSON stream (docs/records.md, "Import"): see `importCandidates`.
 * `maxRecordBytes` bounds one CSV record or NDJSON line.
 */
export async function importDecisions (ctx: RecordsContext, source: Readable, format: ImportFormat, options: ImportOptions & { maxRecordBytes: number }): Promise<ImportResult> {
  const candidates = format === 'csv'
    ? readCsvDecisions(source, { maxRecordBytes: options.maxRecordBytes })
    : readNdjsonDecisions(source, { maxLineBytes: options.maxRecordBytes })
  return importCandidates(ctx, candidates, options)
}

/**
 * All or nothing, because a published entry can never be taken back. First the whole input
 * is read and checked into a staging file (`stageImport`), holding nothing in the database
 * however slowly it arrives; only then is the feed head locked, and the staged decisions are
 * signed and published in batches inside ONE transaction. A reference stored by someone else
 * meanwhile still fails the whole import with IMPORT_REJECTED. A stored import is one audit
 * event (`records-imported` by `ctx.actor`, with the count and the seq range), not one per
 * decision. The staged file is read one batch ahead of what is stored: memory holds two
 * batches whatever the file's size.
 */
export async function importCandidates (ctx: RecordsContext, candidates: AsyncIterable<ImportCandidate>, options: ImportOptions): Promise<ImportResult> {
  const staged = await stageImport(ctx, candidates, options)
  try {
    return await publishStaged(ctx, staged, options)
  } finally {
    await staged.dispose()
  }
}

async function publishStaged (ctx: RecordsContext, staged: StagedImport, options: ImportOptions): Promise<ImportResult> {
  const batchSize = options.batchSize ?? 500
  const key = await ctx.keyRing.current()
  const publisher: Publisher = { issuer: ctx.issuer, key, clock: ctx.clock, keyRing: ctx.keyRing }
  return ctx.db.transaction().execute(async (trx) => {
    const appender = await openFeedAppender(trx, publisher)
    const problems: ProblemDetail[] = []
    const progress = { read: 0, imported: 0, firstSeq: null as number | null, lastSeq: null as number | null, lastHash: null as string | null }

    // Stored decisions holding a reference of `batch` (other than the ones just inserted from it): stored meanwhile by another request.
    async function reportTaken (batch: StagedDecision[]) {
      const holders = await findReferenceHolders(trx, ctx.issuer, batch.map((d) => d.content.reference))
      for (const decision of batch) {
        const holder = holders.get(decision.content.reference)
        if (holder !== undefined && holder !== decision.recordId) {
          problems.push({ pointer: decision.referenceAt, detail: `a decision with reference "${decision.content.reference}" was stored while this file was being imported; amend it instead` })
        }
      }
    }

    async function store (batch: StagedDecision[], signed: SignedRecords | undefined) {
      if (signed === undefined || problems.length > 0) return
      const inserted = await storeNewRecords(trx, appender, ctx.issuer, signed)
      if (inserted !== batch.length) return reportTaken(batch)
      await ctx.onStored?.(trx, batch.map((d) => ({ issuer: ctx.issuer, recordId: d.recordId })))
      progress.imported += batch.length
      progress.firstSeq ??= (signed.entries[0] as PublishedEntry).seq
      const last = signed.entries.at(-1) as PublishedEntry
      progress.lastSeq = last.seq
      progress.lastHash = last.hash
      options.onBatch?.({ read: progress.read, imported: progress.imported, lastSeq: progress.lastSeq })
    }

    let batch: StagedDecision[] = []
    let inFlight: Promise<void> = Promise.resolve()
    let signing: Promise<unknown> = Promise.resolve()
    // Signs the batch now, while the previous one is still being stored, and queues its store
    // behind that one: signing, reading and the database overlap, and memory holds two batches.
    const flush = () => {
      if (batch.length === 0) return
      const next = batch
      batch = []
      // batches are signed one after another (seqs stay in order), each while the one before is stored
      const signed = problems.length > 0
        ? Promise.resolve(undefined)
        : signing.then(() => signNewRecordsInSlices(appender, publisher, next.map(toNewRecord)))
      signing = signed.catch(() => {})
      inFlight = inFlight.then(async () => store(next, await signed))
      inFlight.catch(() => {}) // awaited before the next flush and at the end
    }
    try {
      for await (const decision of staged.read()) {
        progress.read++
        batch.push(decision)
        if (batch.length >= batchSize) {
          const previous = inFlight
          flush()
          await previous
          if (problems.length > 0) break
        }
      }
      flush()
      await inFlight
      if (problems.length === 0) {
        await appender.finish()
        const { imported: count, firstSeq, lastSeq, lastHash } = progress
        await appendAuditEvents(trx, [{
          actor: ctx.actor,
          action: 'records-imported',
          subject: { type: 'import', id: `${firstSeq}-${lastSeq}` },
          detail: { kind: 'decision', count, firstSeq, lastSeq, lastEntryHash: lastHash, problems: 0 }
        }], ctx.clock)
      }
    } finally {
      await inFlight.catch(() => {}) // no query may outlive the transaction
    }
    if (problems.length > 0) {
      throw errors.importRejected(`nothing was imported (an import is all or nothing): ${problems.length} of its references were stored by another request meanwhile`, problems)
    }
    return { imported: progress.imported, firstSeq: progress.firstSeq, lastSeq: progress.lastSeq }
  })
}

const toNewRecord = (decision: StagedDecision): NewRecord<'decision'> =>
  ({ kind: 'decision', recordId: decision.recordId, content: decision.content, audience: decision.audience })
