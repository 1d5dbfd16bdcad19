import type { RawBuilder, Transaction } from 'kysely'
import type { Database } from '../db/schema.js'
import { timeSlices } from '../lib/time-slices.js'
import {
  atPlaceOf, isPartyHit, placeParty, preparedPlacedParty, preparedWrittenParty, scoreParty, type PartyInput, type PartyMatch, type PreparedParty
} from '../matching/index.js'
import {
  decisionsNamingParties, decisionsNamingPartiesAndOthers, findNearParties, partyProbe, type NameOfProbe, type Nearness, type PartyDecision, type PartyDecisionFilter
} from './candidates.js'

/** Scoring hands the event loop back this often: hundreds of candidates must not hold up a health probe. */
const SCORING_SLICE_MS = 10

/** Parties looked for among the decisions we hold, and how. */
export interface PartyMatchSearch {
  parties: readonly PartyInput[]
  /** The party scorer's threshold: a name at or above it (or a shared identifier) is a hit. */
  threshold: number
  /** pg_trgm's word similarity threshold: which distinct parties are scored at all. */
  trigramThreshold: number
  /** Per looked-for party: how many distinct parties are scored (nearest first), and how many decisions are returned. */
  limit: number
  /** How near a distinct name must be to be scored (`trigram` unless said; `same-keys` needs `nameHashes`). */
  nearness?: Nearness | undefined
  /** The distinct names of `parties` when they are stored ones (detection's changed parties). */
  nameHashes?: ReadonlyArray<string | null> | undefined
  /** Per party, an agency whose decisions it does not look for (detection: the changed party's own). */
  exceptIssuers?: ReadonlyArray<string | null> | undefined
  /** With it, parties of that country only (the officers' search). */
  country?: string | undefined
  filter: PartyDecisionFilter
}

/** A decision naming a party that matches a looked-for one, with the match. */
export interface MatchedDecisionParty extends PartyDecision {
  /** The looked-for party's index in `PartyMatchSearch.parties` (also `probe`). */
  probe: number
  match: PartyMatch
}

/**
 * The one party matcher over the decisions we hold, for screening, the officers' search, the
 * undercut warning and divergence detection alike. The distinct party names trigram-near each
 * looked-for party or sharing an identifier (`findNearParties`) are scored once each, at their
 * best: as if in the looked-for party's own country and at its address (no decision's party of
 * that name can score higher, so none is lost). The decisions naming those that are hits
 * (`isPartyHit`) are then read, filtered, the best `limit` per looked-for party, and each
 * decision's party scored as written, with its country and address (`scoreParty`, each
 * distinct written party once); the hits are returned. The same pair gets the same candidates
 * and the same score whichever path asks.
 */
export async function findPartyMatches (trx: Transaction<Database>, search: PartyMatchSearch, prepared?: readonly PreparedParty[]): Promise<MatchedDecisionParty[]> {
  const { hitNames, filter, scoreAt } = await matchNames(trx, search, prepared)
  return scoredMatches(await decisionsNamingParties(trx, hitNames, filter, search.limit), scoreAt)
}

/** The decisions per looked-for party that name a party matching it and were not returned, by outcome. */
export interface OtherDecisions { probe: number, granted: number, denied: number }

/**
 * `findPartyMatches` of the decisions that also pass `listedOnly`, and per looked-for party a
 * count by outcome of the other decisions naming a party that matches it (failing
 * `listedOnly`, or beyond the limit): each decision's party scored as written as for the
 * matches, counted without being loaded. Screening lists the decisions that bear on the
 * application and counts the rest.
 */
export async function findPartyMatchesAndOthers (
  trx: Transaction<Database>, search: PartyMatchSearch, listedOnly: RawBuilder<boolean>, prepared?: readonly PreparedParty[]
): Promise<{ matches: MatchedDecisionParty[], others: OtherDecisions[] }> {
  const { hitNames, filter, scoreAt } = await matchNames(trx, search, prepared)
  const { listed, others } = await decisionsNamingPartiesAndOthers(trx, hitNames, filter, listedOnly, search.limit)
  const counted = search.parties.map(() => ({ granted: new Set<string>(), denied: new Set<string>() }))
  for (const place of others) {
    if (!isPartyHit(scoreAt(place))) continue
    const into = counted[place.probe]?.[place.outcome]
    for (const decision of place.decisions) into?.add(decision)
  }
  return {
    matches: await scoredMatches(listed, scoreAt),
    others: counted.map((c, probe) => ({ probe, granted: c.granted.size, denied: c.denied.size }))
  }
}

type ScoreAt = (at: { probe: number, nameHash: string, country: string | null, address: string | null }) => PartyMatch

/**
 * The distinct names near each looked-for party that are hits at their best (in its country and
 * at its address), and how a name scores as a decision places it (each place once).
 */
async function matchNames (trx: Transaction<Database>, search: PartyMatchSearch, prepared?: readonly PreparedParty[]) {
  const probes = search.parties.map((party, i) => partyProbe(party, { nameHash: search.nameHashes?.[i], exceptIssuer: search.exceptIssuers?.[i] }))
  const filter = { ...search.filter, partyCountry: search.country }
  const queries = search.parties.map((party, i) => prepared?.[i] ?? preparedPlacedParty(party))
  const near = await findNearParties(trx, probes, { trigramThreshold: search.trigramThreshold, limit: search.limit, nearness: search.nearness, namedBy: filter })
  const names = new Map<string, PartyInput>()
  const hitNames: NameOfProbe[] = []
  const pause = timeSlices(SCORING_SLICE_MS)
  for (const candidate of near) {
    await pause()
    const looked = search.parties[candidate.probe] as PartyInput
    const query = queries[candidate.probe] as PreparedParty
    const best = scoreParty(query, atPlaceOf(preparedWrittenParty(candidate.party), query), { threshold: search.threshold })
    if (!isPartyHit(best)) continue
    names.set(candidate.nameHash, candidate.party)
    hitNames.push({ probe: candidate.probe, nameHash: candidate.nameHash, score: best.score, country: looked.country ?? null, exceptIssuer: search.exceptIssuers?.[candidate.probe] ?? null })
  }
  const scored = new Map<string, PartyMatch>()
  const scoreAt: ScoreAt = (at) => {
    const key = `${at.probe} ${at.nameHash} ${JSON.stringify([at.country, at.address])}`
    let match = scored.get(key)
    if (match === undefined) {
      const party = placeParty(preparedWrittenParty(names.get(at.nameHash) as PartyInput), at)
      match = scoreParty(queries[at.probe] as PreparedParty, party, { threshold: search.threshold })
      scored.set(key, match)
    }
    return match
  }
  return { hitNames, filter, scoreAt }
}

/** The decisions whose party, scored as written, is a hit. */
async function scoredMatches (decisions: readonly PartyDecision[], scoreAt: ScoreAt): Promise<MatchedDecisionParty[]> {
  const pause = timeSlices(SCORING_SLICE_MS)
  const matches: MatchedDecisionParty[] = []
  for (const decision of decisions) {
    await pause()
    const match = scoreAt(decision)
    if (isPartyHit(match)) matches.push({ ...decision, match })
  }
  return matches
}
