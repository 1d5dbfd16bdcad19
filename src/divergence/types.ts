import { Type } from '@sinclair/typebox'
import { sql, type RawBuilder } from 'kysely'
import type { DivergenceTable } from '../db/schema.js'
import type { ClassificationContent, DecisionContent } from '../records/index.js'

/** A record as the rules see it: who issued it, which version, and its signed content. */
export interface RecordRef {
  issuer: string
  recordId: string
  version: number
}

/** A decision with the lifecycle facts the content alone does not carry. */
export interface DecisionFacts extends RecordRef {
  content: DecisionContent
  /** The effective date of its revocation, if revoked. */
  revokedFrom: string | null
  /** `validUntil` as stored (a denial's review window end; a grant's validity). */
  validUntil: string | null
  /** The consultation a grant cites (its content's `consultation`). */
  consultation?: ConsultationCitation
}

/** A grant's citation of a consultation: with which agency, about which of its denials. */
export interface ConsultationCitation {
  agency: string
  denial: { issuer: string, recordId: string }
  /** The consulted agency's answer, as the grant cites it (`none`: no answer by the deadline). */
  answer?: string
}

export interface ClassificationFacts extends RecordRef {
  content: ClassificationContent
  revokedFrom: string | null
}

// The kinds, severities and states of a divergence, and its lifecycle: one list each. The
// columns of db/schema.ts type them too; `satisfies` checks each list against its column (db
// sits below and cannot import them), and test/divergence/lists.test.ts checks them against
// the check constraints of the migrated database (migrations keep their literals: history).

/** What a rule found, most serious first (the demo ranks by this order). */
export const DIVERGENCE_KINDS = ['undercut', 'conflicting-classification', 'divergent-outcome'] as const satisfies ReadonlyArray<DivergenceTable['kind']>
export type DivergenceKind = typeof DIVERGENCE_KINDS[number]
export const DivergenceKind = Type.Union(DIVERGENCE_KINDS.map((kind) => Type.Literal(kind)))

/** How serious a finding is, most serious first. */
export const SEVERITIES = ['high', 'medium', 'low', 'info'] as const satisfies ReadonlyArray<DivergenceTable['severity']>
export type Severity = typeof SEVERITIES[number]
export const Severity = Type.Union(SEVERITIES.map((severity) => Type.Literal(severity)))

/** Where a divergence is in its lifecycle (TRANSITIONS). */
export const DIVERGENCE_STATES = ['open', 'acknowledged', 'justified', 'dismissed', 'escalated', 'resolved'] as const satisfies ReadonlyArray<DivergenceTable['state']>
export type DivergenceState = typeof DIVERGENCE_STATES[number]
export const DivergenceState = Type.Union(DIVERGENCE_STATES.map((state) => Type.Literal(state)))

/** The changes an auditor may make; `resolved` is also reached by `system` when a divergence stops holding. */
export const TRANSITIONS: Readonly<Record<DivergenceState, readonly DivergenceState[]>> = {
  open: ['acknowledged', 'resolved'],
  acknowledged: ['justified', 'dismissed', 'escalated', 'resolved'],
  escalated: ['justified', 'dismissed', 'resolved'],
  justified: ['resolved'],
  dismissed: ['resolved'],
  resolved: []
}

/** Awaiting an auditor's outcome: the states in which the report counts a divergence as outstanding. */
export const OUTSTANDING_STATES = ['open', 'acknowledged', 'escalated'] as const satisfies readonly DivergenceState[]

/**
 * The divergence (the `divergences` row `alias`) still holds: its rule holds on the records as
 * they are now, and it is not resolved. A justified or dismissed one still holds: an auditor's
 * outcome does not end the disagreement between the records; a renewal keeps it alive, a
 * revocation resolves it.
 */
export function stillHoldsSql (alias: string): RawBuilder<boolean> {
  return sql<boolean>`${sql.ref(`${alias}.holds`)} and ${sql.ref(`${alias}.state`)} <> ${sql.lit('resolved' satisfies DivergenceState)}`
}

/** Thresholds of the rules, from configuration (DIVERGENCE_*). */
export interface DivergenceConfig {
  /** Party score from which two parties are the same end user or consignee. */
  partyThreshold: number
  /** pg_trgm word similarity from which a distinct party is scored at all: detection's candidates are screening's. */
  trigramThreshold: number
  /** Description similarity from which two classified items are the same item when part numbers are missing. */
  descriptionThreshold: number
}

/**
 * What a rule found about a pair of records. `first` is the denial (undercut, divergent
 * outcome) or the earlier classification; `second` the grant or the later classification.
 * `explanation` is what an auditor reads; `evidence` the match details behind it.
 */
export interface Finding {
  kind: DivergenceKind
  severity: Severity
  first: RecordRef
  second: RecordRef
  destination: string | null
  /** The control category of the related entries (e.g. '3', 'ML10'), for reports. */
  controlCategory: string | null
  explanation: string
  evidence: Record<string, unknown>
}
