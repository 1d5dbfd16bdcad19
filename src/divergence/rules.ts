import { DEFAULT_PARTY_THRESHOLD, DEFAULT_TRIGRAM_THRESHOLD, type CrosswalkLink } from '../matching/index.js'
import { hasLapsed, isFinal, type DecisionContent } from '../records/index.js'
import { matchTransactionItems, matchTransactionParties, type ItemEvidence, type PartyEvidence } from './rule-transaction.js'
import type { ConsultationCitation, DecisionFacts, DivergenceConfig, Finding, RecordRef } from './types.js'

export { evaluateClassificationPair, type ClassificationPairEvidence } from './rule-classification.js'
export type { ItemEvidence, PartyEvidence, PartyInDecision } from './rule-transaction.js'

export const DEFAULT_DIVERGENCE_CONFIG: DivergenceConfig = Object.freeze({
  partyThreshold: DEFAULT_PARTY_THRESHOLD,
  trigramThreshold: DEFAULT_TRIGRAM_THRESHOLD,
  descriptionThreshold: 0.8
})

/** What an undercut or divergent-outcome finding rests on; `consultation` is null for a divergent outcome. */
export type DecisionPairEvidence = {
  party: PartyEvidence
  item: ItemEvidence
  destination: { denial: string, grant: string, same: boolean }
  dates: {
    denial: { decisionDate: string, validUntil: string | null, revokedFrom: string | null }
    grant: { decisionDate: string, validUntil: string | null, revokedFrom: string | null }
    today: string
  }
  consultation: { cited: ConsultationCitation | null, withDenyingAgency: boolean, aboutThisDenial: boolean } | null
}

/**
 * The divergence between two decisions by different agencies, one a denial and the other a
 * grant (in either order), or null. An undercut: the grant decided within the denial's window
 * (on or after its decision date, up to its `validUntil`), both in force on `today` and never
 * revoked, for the same destination. A divergent outcome: the grant came before the denial,
 * any destination, neither revoked. Both need an end user or consignee of one matching one of
 * the other and items related by control entry. Pure.
 */
export function evaluateDecisionPair (a: DecisionFacts, b: DecisionFacts, crosswalks: readonly CrosswalkLink[], config: DivergenceConfig, today: string): Finding | null {
  if (a.issuer === b.issuer || a.content.outcome === b.content.outcome) return null
  const [denial, grant] = a.content.outcome === 'denied' ? [a, b] : [b, a]
  // a revocation, even one effective later, withdraws the decision: the divergence no longer holds
  if (isFinal(denial) || isFinal(grant)) return null

  const kind = kindByTiming(timingOf(denial), timingOf(grant), today)
  if (kind === null) return null
  const grantedFirst = kind === 'divergent-outcome'
  const sameDestination = grant.content.destination === denial.content.destination

  // items first: comparing codes costs far less than scoring names, and most pairs fail on it
  const item = matchTransactionItems(grant.content.items, denial.content.items, crosswalks)
  if (item === null) return null
  const party = matchTransactionParties(grant.content.parties, denial.content.parties, config.partyThreshold)
  if (party === null) return null

  const cited = grant.consultation ?? null
  const consultation = grantedFirst
    ? null
    : {
        cited,
        withDenyingAgency: cited?.agency === denial.issuer,
        aboutThisDenial: cited?.denial.issuer === denial.issuer && cited.denial.recordId === denial.recordId
      }
  const evidence: DecisionPairEvidence = {
    party,
    item,
    destination: { denial: denial.content.destination, grant: grant.content.destination, same: sameDestination },
    dates: { denial: datesOf(denial), grant: datesOf(grant), today },
    consultation
  }
  return {
    kind: grantedFirst ? 'divergent-outcome' : 'undercut',
    severity: consultation === null ? 'info' : consultation.withDenyingAgency && consultation.aboutThisDenial ? 'medium' : 'high',
    first: refOf(denial),
    second: refOf(grant),
    destination: denial.content.destination,
    controlCategory: item.category,
    explanation: explain(denial, grant, evidence),
    evidence
  }
}

/** What the timing rules read of a decision: the columns `records` holds, so detection can apply them before loading any record. */
export interface DecisionTiming {
  decisionDate: string
  destination: string
  validUntil: string | null
}

/**
 * Which divergence a denial and a grant can be by their dates and destinations alone: a
 * divergent outcome when the grant came first (any destination); an undercut when the grant
 * was decided within the denial's window (on or after its decision date, up to `validUntil`)
 * for the same destination, both in force on `today`; otherwise none, whatever their parties
 * and items. Revocations are the caller's to check.
 */
export function kindByTiming (denial: DecisionTiming, grant: DecisionTiming, today: string): 'undercut' | 'divergent-outcome' | null {
  if (grant.decisionDate < denial.decisionDate) return 'divergent-outcome'
  const withinWindow = denial.validUntil === null || grant.decisionDate <= denial.validUntil
  return grant.destination === denial.destination && withinWindow && !hasLapsed(denial, today) && !hasLapsed(grant, today) ? 'undercut' : null
}

function timingOf (decision: DecisionFacts): DecisionTiming {
  return { decisionDate: decision.content.decisionDate, destination: decision.content.destination, validUntil: decision.validUntil }
}

function datesOf (decision: DecisionFacts) {
  return { decisionDate: decision.content.decisionDate, validUntil: decision.validUntil, revokedFrom: decision.revokedFrom }
}

function refOf (record: RecordRef): RecordRef {
  return { issuer: record.issuer, recordId: record.recordId, version: record.version }
}

/**
 * e.g. 'bravo granted B-17 on 2026-03-01 to "Gazprom Bank" (end user) in RU for uk 3A001a1, within
 * alpha's denial A-3 of 2026-01-15 in force until 2029-01-15 for the same entry (wassenaar 3.A.1.a.1)
 * to "GAZPROMBANK OAO" (end user) in RU; names: … (score 1.00); items: …; no consultation with alpha cited.'
 */
function explain (denial: DecisionFacts, grant: DecisionFacts, evidence: DecisionPairEvidence): string {
  const { party, item, destination, consultation } = evidence
  const granted = `${grant.issuer} granted ${grant.content.reference} on ${grant.content.decisionDate} ` +
    `to ${showParty(grant.content, party.grant.index)} for ${item.codes.grant.regime} ${item.codes.grant.code}`
  const entry = entryPhrase(item)
  const names = `names: ${showNames(party)}`
  const items = `items: ${item.codes.explanation}`
  if (consultation === null) {
    return `${granted}, before ${denial.issuer} denied ${denial.content.reference} on ${denial.content.decisionDate} ${entry} ` +
      `to ${showParty(denial.content, party.denial.index)}: ` +
      `${destination.same ? 'the same destination' : `the destinations differ (${destination.grant}, ${destination.denial})`}, ` +
      `and the grant came first, so it is not an undercut; ${names}; ${items}.`
  }
  const window = denial.validUntil === null ? 'in force with no end date' : `in force until ${denial.validUntil}`
  return `${granted}, within ${denial.issuer}'s denial ${denial.content.reference} of ${denial.content.decisionDate} ${window} ` +
    `${entry} to ${showParty(denial.content, party.denial.index)}; ${names}; ${items}; ${consultationPhrase(denial, consultation)}` +
    `${grant.content.undercutOverride === undefined ? '' : `; recorded over the undercut warning: "${grant.content.undercutOverride.reason}"`}.`
}

function entryPhrase (item: ItemEvidence): string {
  const denied = `${item.codes.denial.regime} ${item.codes.denial.code}`
  switch (item.relation) {
    case 'same-entry': return `for the same entry (${denied})`
    case 'crosswalk-equivalent': return `for the equivalent entry ${denied}`
    case 'within': return `for the wider entry ${denied}`
    case 'contains': return `for ${denied} (a sub-entry of the granted one)`
  }
}

function showParty (decision: DecisionContent, index: number): string {
  const party = decision.parties[index]
  return `"${party?.name ?? '?'}" (${party?.role.replace('_', ' ') ?? '?'}) in ${decision.destination}`
}

function showNames (party: PartyEvidence): string {
  const { queryName, candidateName, candidateNameKind } = party.matched
  const notes = party.features
    .filter((f) => f.feature === 'name' || f.contribution !== 0)
    .map((f) => f.feature === 'name' ? `${f.note}` : `${f.note} (${String(f.value)}) ${f.contribution > 0 ? '+' : ''}${f.contribution.toFixed(2)}`)
  return `"${queryName}" ~ ${candidateNameKind === 'alias' ? 'alias ' : ''}"${candidateName}" (${notes.join('; ')}; score ${party.score.toFixed(2)})`
}

function consultationPhrase (denial: DecisionFacts, consultation: NonNullable<DecisionPairEvidence['consultation']>): string {
  const { cited, withDenyingAgency, aboutThisDenial } = consultation
  if (cited === null) return `no consultation with ${denial.issuer} cited`
  const answer = cited.answer === undefined ? '' : cited.answer === 'none' ? ' (no answer by its deadline)' : ` (answer: ${cited.answer})`
  const what = `the grant cites a consultation with ${cited.agency} about ${cited.denial.issuer}'s denial ${cited.denial.recordId}${answer}`
  return withDenyingAgency && aboutThisDenial ? what : `${what}, not with ${denial.issuer} about this denial`
}
