import {
  normaliseCode, preparedPlacedParty, relateCodes, scoreItem, scoreParty, toPartyInput,
  type CodePair, type CrosswalkLink, type ItemMatch, type MatchFeature, type PartyMatch, type PreparedParty
} from '../matching/index.js'
import type { Item, Party, PartyRole } from '../records/index.js'

/** Who receives and uses the goods: the parties that make two decisions one transaction. Agents, purchasers and intermediaries do not. */
export const TRANSACTION_ROLES: ReadonlySet<PartyRole> = new Set(['end_user', 'consignee'])

/** Item relations that count as the same or an overlapping control entry; description-only evidence never does. */
const CODE_RELATION_RANK: Partial<Record<ItemMatch['relation'], number>> = {
  'same-entry': 3, 'crosswalk-equivalent': 2, within: 1, contains: 1
}

export type PartyInDecision = { index: number, role: PartyRole, name: string, country: string }

/** The best matching pair of transaction parties of a grant and a denial, as scored by `scoreParty` (grant as the query). */
export type PartyEvidence = {
  grant: PartyInDecision
  denial: PartyInDecision
  matched: PartyMatch['matched']
  score: number
  threshold: number
  isMatch: boolean
  /** A shared identifier (registration, tax, passport number…) counts even when the names differ, as in screening. */
  sharedIdentifier: boolean
  features: MatchFeature[]
}

/** The best related pair of items (by control entry) of a grant and a denial, as scored by `scoreItem` (grant as the query). */
export type ItemEvidence = {
  grant: { index: number, codes: Item['codes'] }
  denial: { index: number, codes: Item['codes'] }
  /** Of the grant's item to the denial's: `within` means the granted entry lies within the denied one. */
  relation: 'same-entry' | 'crosswalk-equivalent' | 'within' | 'contains'
  score: number
  /** The code pair that relates them: the grant's code, the denial's, and how. */
  codes: { grant: CodePair['query'], denial: CodePair['candidate'], relation: CodePair['relation'], explanation: string }
  /** The crosswalk link the relation goes through, if any. */
  via: CrosswalkLink | null
  /** The denial's entry's control category (normaliseCode), for reports. */
  category: string | null
  explanation: string
}

/**
 * The highest-scoring pair of an end user or consignee of the grant and one of the denial
 * that match: score at or above `threshold`, or a shared identifier. Null when none does.
 */
export function matchTransactionParties (grant: readonly Party[], denial: readonly Party[], threshold: number): PartyEvidence | null {
  const denied: Array<{ index: number, party: Party, prepared: PreparedParty }> = []
  for (const [index, party] of denial.entries()) {
    if (TRANSACTION_ROLES.has(party.role)) denied.push({ index, party, prepared: preparedOf(party) })
  }
  let best: PartyEvidence | null = null
  for (const [index, party] of grant.entries()) {
    if (!TRANSACTION_ROLES.has(party.role) || denied.length === 0) continue
    const prepared = preparedOf(party)
    for (const d of denied) {
      const match = scoreParty(prepared, d.prepared, { threshold })
      const sharedIdentifier = match.features.some((f) => f.feature === 'identifier' && f.contribution > 0)
      if (!match.isMatch && !sharedIdentifier) continue
      if (best !== null && match.score <= best.score) continue
      best = {
        grant: partyIn(index, party),
        denial: partyIn(d.index, d.party),
        matched: match.matched,
        score: match.score,
        threshold,
        isMatch: match.isMatch,
        sharedIdentifier,
        features: match.features
      }
    }
  }
  return best
}

/**
 * The best pair of a grant's item and a denial's item related by control entry (same entry,
 * crosswalk-equivalent, within, contains), ranked in that order, then by item score. Null
 * when no pair is related by code.
 */
export function matchTransactionItems (grant: readonly Item[], denial: readonly Item[], crosswalks: readonly CrosswalkLink[]): ItemEvidence | null {
  let best: { rank: number, grant: number, denial: number, match: ItemMatch } | null = null
  for (const [g, grantItem] of grant.entries()) {
    for (const [d, deniedItem] of denial.entries()) {
      const match = scoreItem(grantItem, deniedItem, crosswalks)
      const rank = CODE_RELATION_RANK[match.relation]
      if (rank === undefined) continue
      if (best !== null && (rank < best.rank || (rank === best.rank && match.score <= best.match.score))) continue
      best = { rank, grant: g, denial: d, match }
    }
  }
  const pair = best?.match.codePairs[0]
  if (best === null || pair === undefined) return null
  return {
    grant: { index: best.grant, codes: grant[best.grant]?.codes ?? [] },
    denial: { index: best.denial, codes: denial[best.denial]?.codes ?? [] },
    relation: best.match.relation as ItemEvidence['relation'],
    score: best.match.score,
    codes: { grant: pair.query, denial: pair.candidate, relation: pair.relation, explanation: pair.explanation },
    via: relateCodes(pair.query, pair.candidate, crosswalks).via ?? null,
    category: normaliseCode(pair.candidate.regime, pair.candidate.code)?.category ?? null,
    explanation: best.match.explanation
  }
}

/**
 * A party as the matcher reads it, prepared once per party object: detection compares a new
 * record's parties with every candidate's, and preparing a name (normalised, transliterated,
 * its keys) costs more than scoring it.
 */
function preparedOf (party: Party): PreparedParty {
  let prepared = preparedParties.get(party)
  if (prepared === undefined) {
    prepared = preparedPlacedParty(toPartyInput(party))
    preparedParties.set(party, prepared)
  }
  return prepared
}

const preparedParties = new WeakMap<Party, PreparedParty>()

function partyIn (index: number, party: Party): PartyInDecision {
  return { index, role: party.role, name: party.name, country: party.country }
}
