import type { Readable } from 'node:stream'
import * as records from '../records/index.js'
import type {
  ClassificationInput, ContentByKind, CrosswalkInput, ImportCandidate, ImportFormat, ImportOptions, ImportResult, PublishedRecord, RecordChange, RecordKind
} from '../records/index.js'
import { recordsContextOf, type UseCaseContext } from './context.js'

// Our records' writes other than recording and amending a decision (record-decision.ts): each
// is the records capability's operation run with `recordsContextOf`, so detection runs in its
// transaction and urgent entries are pushed after it commits, whichever face asked.

/** Records our classification of an item (or "not listed") and publishes it. */
export async function publishClassification (ctx: UseCaseContext, actor: string, input: ClassificationInput): Promise<PublishedRecord<'classification'>> {
  return records.publishClassification(recordsContextOf(ctx, actor), input)
}

/** Records a crosswalk between codes of two regimes and publishes it. */
export async function publishCrosswalk (ctx: UseCaseContext, actor: string, input: CrosswalkInput): Promise<PublishedRecord<'crosswalk'>> {
  return records.publishCrosswalk(recordsContextOf(ctx, actor), input)
}

/** Publishes a corrected version of a classification or crosswalk (decisions: `amendDecision`, which also warns of undercuts). */
export async function amendRecord<K extends Exclude<RecordKind, 'decision'>> (ctx: UseCaseContext, actor: string, kind: K, recordId: string,
  change: RecordChange & { content: ContentByKind[K] }): Promise<PublishedRecord<K>> {
  return records.amendRecord(recordsContextOf(ctx, actor), kind, recordId, change)
}

/** Revokes one of our records from `effectiveDate` (default today); every peer that saw it receives the revocation. */
export async function revokeRecord<K extends RecordKind> (ctx: UseCaseContext, actor: string, kind: K, recordId: string,
  change: RecordChange & { effectiveDate?: string | undefined }): Promise<PublishedRecord<K>> {
  return records.revokeRecord(recordsContextOf(ctx, actor), kind, recordId, change)
}

/** Renews a decision at review until `validUntil` (a denial's default: the review window from today). */
export async function renewDecision (ctx: UseCaseContext, actor: string, recordId: string,
  change: RecordChange & { validUntil?: string | undefined }): Promise<PublishedRecord<'decision'>> {
  return records.renewDecision(recordsContextOf(ctx, actor), recordId, change)
}

/**
 * Imports decisions from a CSV or NDJSON stream, all or nothing (docs/records.md, "Import"),
 * with detection in each batch's statements. Imported decisions are historical: no undercut
 * warning stops them (detection opens their divergences) and none is pushed (peers pull them).
 */
export async function importDecisions (ctx: UseCaseContext, actor: string, source: Readable, format: ImportFormat,
  options: ImportOptions & { maxRecordBytes: number }): Promise<ImportResult> {
  return records.importDecisions(recordsContextOf(ctx, actor), source, format, options)
}

/** `importDecisions` of decisions already read (the demo's real data). */
export async function importCandidates (ctx: UseCaseContext, actor: string, candidates: AsyncIterable<ImportCandidate>, options: ImportOptions): Promise<ImportResult> {
  return records.importCandidates(recordsContextOf(ctx, actor), candidates, options)
}
