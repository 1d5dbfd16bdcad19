import { lifecycleOf } from './lifecycle.js'
import type { RecordRow } from './queries.js'
import type { ClassificationContent, DecisionContent } from './schemas.js'
import type { ContentByKind, OwnRecord, RecordKind } from './types.js'

/**
 * A `records.body` read as the content of its `kind`: the one place the jsonb column is given
 * its type. Every writer stores content checked against its kind's schema (publishing,
 * amendment and import validate it; projection stores a peer's content only once
 * `isValidContent` passed), so the row's kind says the shape.
 */
export function contentOf<K extends RecordKind> (_kind: K, body: unknown): ContentByKind[K] {
  return body as ContentByKind[K]
}

/** The one mapping from a `records` row to the domain record, lifecycle computed for `today`. */
export function toOwnRecord (row: RecordRow, today: string): OwnRecord {
  return {
    recordId: row.record_id,
    kind: row.kind,
    version: row.version,
    lifecycle: lifecycleOf({ revokedFrom: row.revoked_from, validUntil: row.valid_until }, today),
    revokedFrom: row.revoked_from,
    audience: row.audience ?? [],
    content: contentOf(row.kind, row.body),
    latestSeq: row.latest_seq,
    createdAt: row.created_at,
    updatedAt: row.updated_at
  }
}

/**
 * The columns officers filter on, taken from the content. `decision_date` is a
 * classification's date for classifications; crosswalks have none.
 */
export function filterColumnsOf<K extends RecordKind> (kind: K, content: ContentByKind[K]) {
  if (kind === 'decision') {
    const decision = content as DecisionContent
    return {
      reference: decision.reference,
      outcome: decision.outcome,
      destination: decision.destination,
      decision_date: decision.decisionDate,
      valid_until: decision.validUntil ?? null
    } satisfies Partial<RecordRow>
  }
  return {
    reference: null,
    outcome: null,
    destination: null,
    decision_date: kind === 'classification' ? (content as ClassificationContent).classificationDate : null,
    valid_until: null
  } satisfies Partial<RecordRow>
}

/** Audience as stored and signed: sorted, without duplicates; null (every peer) when empty. */
export function normaliseAudience (audience: readonly string[] | null | undefined): string[] | null {
  return audience === undefined || audience === null || audience.length === 0 ? null : [...new Set(audience)].sort()
}
