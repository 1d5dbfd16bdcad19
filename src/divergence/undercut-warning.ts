import type { Transaction } from 'kysely'
import type { MatchingConfig } from '../config.js'
import type { Database } from '../db/schema.js'
import type { UndercutConflict } from '../lib/errors.js'
import { toPartyInput } from '../matching/index.js'
import { findCrosswalks, findPartyMatches, findStandingDenials, type DecisionContent, type RecordKey } from '../records/index.js'
import { TRANSACTION_ROLES } from './rule-transaction.js'
import { evaluateDecisionPair } from './rules.js'
import type { DecisionFacts, DivergenceConfig } from './types.js'

/** Stands for the grant not stored yet, in the rule's finding. */
const PROPOSED = '00000000-0000-0000-0000-000000000000'

export interface Conflict extends UndercutConflict {
  /** The grant's consultation citation is about this denial, with its issuer. */
  covered: boolean
}

/**
 * The allied denials in force that `grant` (a decision not stored yet, dates defaulted) would
 * undercut, as the undercut rule itself judges them with the grant as it would be stored, so
 * the warning and the divergence detection later agree. Candidates come from the one party
 * matcher (`findPartyMatches`: the allies' denials naming an end user or consignee that
 * matches one of the grant's), the one screening runs.
 */
export async function findUndercutConflicts (
  trx: Transaction<Database>,
  deps: { self: string, matching: MatchingConfig, divergence: DivergenceConfig, today: string },
  grant: DecisionContent
): Promise<Conflict[]> {
  if (grant.outcome !== 'granted') return []
  const candidates = new Map<string, RecordKey>()
  const found = await findPartyMatches(trx, {
    parties: grant.parties.filter((p) => TRANSACTION_ROLES.has(p.role)).map(toPartyInput),
    threshold: deps.divergence.partyThreshold,
    trigramThreshold: deps.matching.trigramThreshold,
    limit: deps.matching.candidates,
    filter: { outcome: 'denied', roles: [...TRANSACTION_ROLES], scope: { self: deps.self, includeOwn: false } }
  })
  for (const key of found) candidates.set(`${key.issuer}/${key.recordId}`, { issuer: key.issuer, recordId: key.recordId })
  if (candidates.size === 0) return []
  const standing = await findStandingDenials(trx, [...candidates.values()])
  if (standing.length === 0) return []
  const denials: DecisionFacts[] = standing.map((r) => ({ issuer: r.issuer, recordId: r.recordId, version: r.version, content: r.content, revokedFrom: r.revokedFrom, validUntil: r.validUntil }))
  const codes = [grant, ...denials.map((d) => d.content)].flatMap((c) => c.items.flatMap((i) => i.codes))
  const crosswalks = await findCrosswalks(trx, codes)
  const proposed: DecisionFacts = {
    issuer: deps.self,
    recordId: PROPOSED,
    version: 1,
    content: grant,
    revokedFrom: null,
    validUntil: grant.validUntil ?? null,
    ...(grant.consultation === undefined ? {} : { consultation: grant.consultation })
  }
  return denials.flatMap((denial) => {
    const finding = evaluateDecisionPair(denial, proposed, crosswalks, deps.divergence, deps.today)
    if (finding?.kind !== 'undercut') return []
    const cited = grant.consultation
    return [{
      issuer: denial.issuer,
      recordId: denial.recordId,
      reference: denial.content.reference,
      decisionDate: denial.content.decisionDate,
      validUntil: denial.validUntil,
      explanation: finding.explanation,
      covered: cited !== undefined && cited.agency === denial.issuer && cited.denial.issuer === denial.issuer && cited.denial.recordId === denial.recordId
    }]
  }).sort((a, b) => a.issuer.localeCompare(b.issuer) || a.decisionDate.localeCompare(b.decisionDate))
}
