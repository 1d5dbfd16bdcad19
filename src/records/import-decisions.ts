import { randomUUID } from 'node:crypto'
import type { Readable } from 'node:stream'
import { appendAuditEvents } from '../audit/append-events.js'
import { openFeedAppender, type PublishedEntry, type Publisher } from '../feed/index.js'
import { errors, type ProblemDetail } from '../lib/errors.js'
import { checkDecision } from './check-decision.js'
import { signNewRecordsInSlices, storeNewRecords, type NewRecord, type SignedRecords } from './publish-record.js'
import { findReferenceHolders } from './queries.js'
import { readCsvDecisions } from './read-csv.js'
import { readNdjsonDecisions } from './read-ndjson.js'
import { normaliseAudience } from './to-record.js'
import type { ImportCandidate, RecordsContext } from './types.js'

export type ImportFormat = 'csv' | 'ndjson'

/** The media types an import accepts, and the format each names. */
export const IMPORT_MEDIA_TYPES: Readonly<Record<string, ImportFormat>> = { 'text/csv': 'csv', 'application/x-ndjson': 'ndjson' }

/** The import format a Content-Type names (parameters such as charset ignored); UNSUPPORTED_MEDIA_TYPE otherwise. */
export function importFormatOf (contentType: string | undefined): ImportFormat {
  const essence = contentType?.split(';')[0]?.trim().toLowerCase() ?? ''
  return IMPORT_MEDIA_TYPES[essence] ?? raiseUnsupported(contentType)
}

function raiseUnsupported (contentType: string | undefined): never {
  throw errors.unsupportedMediaType(contentType, Object.keys(IMPORT_MEDIA_TYPES))
}

export interface ImportProgress {
  /** Decisions read from the file so far. */
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
}

export interface ImportResult {
  imported: number
  firstSeq: number | null
  lastSeq: number | null
}

interface Pending {
  locate: (path: string) => string
  record: NewRecord<'decision'>
}

const lineOf = (pointer: string) => Number(/^line (\d+)/.exec(pointer)?.[1] ?? 0)

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
 * All or nothing, because a published entry can never be taken back: every decision is
 * validated as `POST /v1/decisions` would and published in batches inside ONE transaction;
 * if any is bad (schema, dates, a reference used twice in the file or already stored),
 * nothing is stored and IMPORT_REJECTED lists every problem by line (the first
 * `maxProblems`). A stored import is one audit event (`records-imported` by `ctx.actor`, with
 * the count and the seq range), not one per decision. Candidates are pulled one at a time while
 * at most one batch is being published, so memory holds two batches whatever the file's size;
 * besides them, only the references seen so far are kept, to catch duplicates.
 */
export async function importCandidates (ctx: RecordsContext, candidates: AsyncIterable<ImportCandidate>, options: ImportOptions = {}): Promise<ImportResult> {
  const batchSize = options.batchSize ?? 500
  const maxProblems = options.maxProblems ?? 1000
  const key = await ctx.keyRing.current()
  const publisher: Publisher = { issuer: ctx.issuer, key, clock: ctx.clock }
  return ctx.db.transaction().execute(async (trx) => {
    const appender = await openFeedAppender(trx, publisher)
    const problems: ProblemDetail[] = []
    let capped = false
    const report = (pointer: string, detail: string) => {
      if (problems.length < maxProblems) problems.push({ pointer, detail })
      else capped = true
    }
    const referenceLines = new Map<string, number>()
    const progress = { read: 0, imported: 0, firstSeq: null as number | null, lastSeq: null as number | null, lastHash: null as string | null }

    // Stored decisions holding a reference of `batch` (other than the ones just inserted from it) are row problems.
    async function reportTaken (batch: Pending[], why: string) {
      const holders = await findReferenceHolders(trx, ctx.issuer, batch.map((p) => p.record.content.reference))
      for (const { locate, record } of batch) {
        const holder = holders.get(record.content.reference)
        if (holder !== undefined && holder !== record.recordId) report(locate('/reference'), `a decision with reference "${record.content.reference}" ${why}; amend it instead`)
      }
    }

    // Once anything failed nothing more is stored: the rest is only checked, to list every problem.
    async function store (batch: Pending[], signed: SignedRecords | undefined) {
      if (signed === undefined || problems.length > 0 || capped) return reportTaken(batch, 'is already stored')
      const inserted = await storeNewRecords(trx, appender, ctx.issuer, signed)
      if (inserted !== batch.length) return reportTaken(batch, 'is already stored')
      await ctx.onStored?.(trx, batch.map((p) => ({ issuer: ctx.issuer, recordId: p.record.recordId })))
      progress.imported += batch.length
      progress.firstSeq ??= (signed.entries[0] as PublishedEntry).seq
      const last = signed.entries.at(-1) as PublishedEntry
      progress.lastSeq = last.seq
      progress.lastHash = last.hash
      options.onBatch?.({ read: progress.read, imported: progress.imported, lastSeq: progress.lastSeq })
    }

    let batch: Pending[] = []
    let inFlight: Promise<void> = Promise.resolve()
    let signing: Promise<unknown> = Promise.resolve()
    // Signs the batch now, while the previous one is still being stored, and queues its store
    // behind that one: signing, reading and the database overlap, and memory holds two batches.
    const flush = () => {
      if (batch.length === 0) return
      const next = batch
      batch = []
      // batches are signed one after another (seqs stay in order), each while the one before is stored
      const signed = problems.length > 0 || capped
        ? Promise.resolve(undefined)
        : signing.then(() => signNewRecordsInSlices(appender, publisher, next.map((p) => p.record)))
      signing = signed.catch(() => {})
      inFlight = inFlight.then(async () => store(next, await signed))
      inFlight.catch(() => {}) // awaited before the next flush and at the end
    }
    try {
      for await (const candidate of candidates) {
        progress.read++
        for (const p of candidate.problems ?? []) report(p.pointer, p.detail)
        if (capped) break
        if (candidate.value === undefined) continue
        const locate = candidate.locate ?? ((path: string) => `line ${candidate.line}: ${path === '' ? '/' : path}`)
        const checked = checkDecision(candidate.value, ctx.denialReviewYears)
        const readingProblems = new Set((candidate.problems ?? []).map((p) => p.pointer))
        if (!checked.ok) {
          for (const p of checked.problems) {
            const pointer = locate(p.path)
            if (!readingProblems.has(pointer)) report(pointer, p.detail) // already said why, where it was read
          }
          continue
        }
        if (readingProblems.size > 0) continue
        const reference = checked.decision.reference
        const earlier = referenceLines.get(reference)
        if (earlier !== undefined) {
          report(locate('/reference'), `"${reference}" is already the reference of the decision on line ${earlier}`)
          continue
        }
        referenceLines.set(reference, candidate.line)
        batch.push({ locate, record: { kind: 'decision', recordId: randomUUID(), content: checked.decision, audience: normaliseAudience(checked.audience) } })
        if (batch.length >= batchSize) {
          const previous = inFlight
          flush()
          await previous
        }
      }
      flush()
      await inFlight
      if (problems.length === 0 && progress.imported > 0) {
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
      problems.sort((a, b) => lineOf(a.pointer) - lineOf(b.pointer))
      const listed = capped ? `the first ${maxProblems} are listed and reading stopped there` : `${problems.length} listed`
      throw errors.importRejected(`nothing was imported (an import is all or nothing): the file has problems, ${listed}`, problems)
    }
    if (progress.imported === 0) throw errors.importRejected('nothing was imported: the file holds no decisions', [{ pointer: 'line 1', detail: 'no decisions found' }])
    return { imported: progress.imported, firstSeq: progress.firstSeq, lastSeq: progress.lastSeq }
  })
}
