import type { ClassificationContent, DecisionContent } from '../records/schemas.js'

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

export type DivergenceKind = 'undercut' | 'conflicting-classification' | 'divergent-outcome'
export type Severity = 'high' | 'medium' | 'low' | 'info'

/** Thresholds of the rules, from configuration (DIVERGENCE_*). */
export interface DivergenceConfig {
  /** Party score from which two parties are the same end user or consignee. */
  partyThreshold: number
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
