import { sql, type Transaction } from 'kysely'
import type { Database } from '../db/schema.js'
import type { MatchingConfig } from '../config.js'
import {
  codeProbes, crosswalkTargets, isPartyHit, normaliseName, placeParty, prepareParty, preparedPlacedParty, preparedWrittenParty, scoreItem, scoreParty, toPartyInput,
  type CrosswalkLink, type ItemMatch, type PreparedParty
} from '../matching/index.js'
import { timeSlices } from '../lib/time-slices.js'
import {
  bearingOnApplicationSql, findCrosswalks, findItemCandidates, findPartyMatchesAndOthers, lifecycleOf, loadHeldDecisions,
  type CandidateScope, type DecisionContent, type HeldDecision, type MatchedDecisionParty, type Party, type RecordKey
} from '../records/index.js'
import type { Application, ApplicationItem, Hit, PartyTally, PriorDisposition, ScreeningOptions } from './schemas.js'

/** Item relations that count as "the same or an overlapping control entry". */
const CODE_RELATIONS: ReadonlySet<string> = new Set(['same-entry', 'within', 'contains', 'crosswalk-equivalent'])
const RELATION_RANK: Record<ItemMatch['relation'], number> = {
  'same-entry': 5, 'crosswalk-equivalent': 4, within: 3, contains: 3, 'description-only': 1, unrelated: 0
}
const SUPPRESSING: ReadonlySet<string> = new Set(['not-identical', 'false-positive'])
/** Scoring hands the event loop back this often: hundreds of candidates must not hold up a health probe. */
const SCORING_SLICE_MS = 10

export interface ScreeningContext {
  trx: Transaction<Database>
  self: string
  matching: MatchingConfig
}

/** The key under which a disposition of a hit is remembered for "the same party next time". */
export function partyKeyOf (party: Pick<Party, 'name'> | undefined): string {
  return party === undefined ? '' : normaliseName(party.name)
}

/** What one screening of an application found: the hits it lists, those suppressed, and per party of ours the other decisions it counted. */
export interface ApplicationScreening {
  hits: Hit[]
  suppressed: Hit[]
  parties: PartyTally[]
}

/**
 * Screens one application against the decisions we hold. Per party of ours, the one party
 * matcher (`findPartyMatchesAndOthers`) lists the decisions naming a party that matches it
 * and bearing on the application (`bearingOnApplicationSql`: denials in force, decisions in
 * force to the same destination with an item under a related entry) and counts the others
 * by outcome; denials to the same destination under a related entry are listed whoever they
 * name. Each listed decision is assessed with its best party match as the matcher scored it
 * and its best item pair. Returns the hits ranked, those an earlier disposition suppressed
 * apart, and the counts.
 */
export async function screenApplication (ctx: ScreeningContext, application: Application, date: string, options: ScreeningOptions): Promise<ApplicationScreening> {
  const scope: CandidateScope = { self: ctx.self, includeOwn: options.includeOwn, includeFormerPeers: options.includeFormerPeers === true }
  const threshold = options.threshold ?? ctx.matching.partyThreshold
  const codes = application.items.flatMap((item) => item.codes)
  const crosswalks = await findCrosswalks(ctx.trx, codes)
  const related = [...codes, ...crosswalkTargets(crosswalks)]
  const parties = application.parties.map(toPartyInput)
  const { matches, others } = await findPartyMatchesAndOthers(ctx.trx, {
    parties,
    threshold,
    trigramThreshold: ctx.matching.trigramThreshold,
    limit: ctx.matching.candidates,
    filter: { scope }
  }, bearingOnApplicationSql({ destination: application.destination, codes: codeProbes(related) }, date, options.includeInactive), parties.map(prepareParty))
  const candidates = new Map<string, RecordKey>()
  const bestMatch = new Map<string, MatchedDecisionParty>()
  for (const match of matches) {
    const key = `${match.issuer}/${match.recordId}`
    candidates.set(key, { issuer: match.issuer, recordId: match.recordId })
    const best = bestMatch.get(key)
    if (best === undefined || match.match.score > best.match.score) bestMatch.set(key, match)
  }
  for (const k of await findItemCandidates(ctx.trx, scope, related, application.destination, ctx.matching.candidates)) candidates.set(`${k.issuer}/${k.recordId}`, k)
  const tallies = application.parties.map((party, i): PartyTally => ({
    applicationParty: i, name: party.name, listed: 0, others: { granted: others[i]?.granted ?? 0, denied: others[i]?.denied ?? 0 }
  }))
  if (candidates.size === 0) return { hits: [], suppressed: [], parties: tallies }

  const records = await loadHeldDecisions(ctx.trx, [...candidates.values()])
  const { hits, suppressed } = await assessAll(ctx.trx, ctx.self, application, records, (r) => bestMatch.get(`${r.issuer}/${r.recordId}`), crosswalks, date, options)
  for (const hit of hits) if (hit.party !== null) (tallies[hit.party.applicationParty] as PartyTally).listed++
  return { hits, suppressed, parties: tallies }
}

/**
 * Screens one application against `records` only (decisions just stored, whichever way they
 * were found), as `screenApplication` would list them: each decision's parties scored as
 * written against each party of ours by the one scorer (`scoreParty`, a hit as `isPartyHit`
 * says), the best kept, then the same assessment and the same earlier dispositions. What the
 * alerts use to tell whether a record that just arrived is a hit for an open case; with
 * `partyHitsOnly`, only the hits whose party matched (nothing is read for the other records).
 */
export async function screenApplicationAgainst (
  ctx: ScreeningContext, application: Application, date: string, options: ScreeningOptions & { partyHitsOnly?: boolean }, records: readonly HeldDecision[]
): Promise<Pick<ApplicationScreening, 'hits' | 'suppressed'>> {
  const threshold = options.threshold ?? ctx.matching.partyThreshold
  const ours = application.parties.map((party) => preparedPlacedParty(toPartyInput(party)))
  const matched = new Map(records.filter((r) => (options.includeOwn || r.issuer !== ctx.self) && (options.includeFormerPeers === true || r.formerPeer !== true)).map((r) => [r, bestPartyMatch(ours, r, threshold)]))
  // with partyHitsOnly, a record naming none of our parties is no hit: nothing more is read for it
  const held = [...matched].filter(([, match]) => options.partyHitsOnly !== true || match !== undefined).map(([r]) => r)
  if (held.length === 0) return { hits: [], suppressed: [] }
  const crosswalks = await findCrosswalks(ctx.trx, application.items.flatMap((item) => item.codes))
  const screened = await assessAll(ctx.trx, ctx.self, application, held, (r) => matched.get(r), crosswalks, date, options)
  return options.partyHitsOnly === true ? { hits: screened.hits.filter((h) => h.party !== null), suppressed: screened.suppressed.filter((h) => h.party !== null) } : screened
}

/** A party of ours matched to a decision's party: which of ours (`probe`), which of theirs (`ordinal`), and how. */
export type PartyMatchOf = Pick<MatchedDecisionParty, 'probe' | 'ordinal' | 'match'>

/**
 * The best hit between `ours` (prepared, in their own place) and the decision's parties, each
 * scored as written (its country, its address) by the one scorer: a hit as `isPartyHit` says,
 * or undefined. Screening a case against arriving records and the watch list share it.
 */
export function bestPartyMatch (ours: readonly PreparedParty[], record: HeldDecision, threshold: number): PartyMatchOf | undefined {
  let best: PartyMatchOf | undefined
  record.content.parties.forEach((theirs, ordinal) => {
    const candidate = placeParty(preparedWrittenParty(toPartyInput(theirs)), theirs)
    ours.forEach((query, probe) => {
      const match = scoreParty(query, candidate, { threshold })
      if (isPartyHit(match) && (best === undefined || match.score > best.match.score)) best = { probe, ordinal, match }
    })
  })
  return best
}

/** Each record assessed with its best party match, the earlier dispositions applied; ranked, the suppressed apart. */
async function assessAll (
  trx: Transaction<Database>, self: string, application: Application, records: readonly HeldDecision[], matchOf: (record: HeldDecision) => PartyMatchOf | undefined,
  crosswalks: CrosswalkLink[], date: string, options: ScreeningOptions
): Promise<Pick<ApplicationScreening, 'hits' | 'suppressed'>> {
  if (records.length === 0) return { hits: [], suppressed: [] }
  const dispositions = await latestDispositions(trx, records.map((r) => ({ issuer: r.issuer, recordId: r.recordId })))
  const hits: Hit[] = []
  const pause = timeSlices(SCORING_SLICE_MS)
  for (const record of records) {
    await pause()
    const hit = assess(record, self, application, matchOf(record), crosswalks, date, options)
    if (hit === undefined) continue
    const prior = dispositions.get(`${record.issuer}/${record.recordId}/${hit.party === null ? '' : partyKeyOf(application.parties[hit.party.applicationParty])}`)
    hits.push({ ...hit, disposition: prior ?? null, suppressed: prior !== undefined && SUPPRESSING.has(prior.disposition) })
  }
  hits.sort(byRank)
  return { hits: hits.filter((h) => !h.suppressed), suppressed: hits.filter((h) => h.suppressed) }
}

function assess (
  record: HeldDecision, self: string, application: Application, matched: PartyMatchOf | undefined, crosswalks: CrosswalkLink[], date: string, options: ScreeningOptions
): Omit<Hit, 'disposition' | 'suppressed'> | undefined {
  const decision = record.content
  const lifecycle = lifecycleOf(record, date)
  if (decision.outcome === 'denied' && lifecycle !== 'in_force' && !options.includeInactive) return undefined
  const party = matched === undefined
    ? null
    : { ...matched.match, applicationParty: matched.probe, candidateParty: matched.ordinal, candidateRole: decision.parties[matched.ordinal]?.role ?? '' }
  const item = bestItem(application.items, decision, crosswalks)
  const sameDestination = decision.destination === application.destination
  const codeRelated = item !== null && CODE_RELATIONS.has(item.relation)
  // a shared identifier (registration, tax, passport number…) is a hit even when the names differ: the matcher weighs it, we never drop it
  const partyMatched = party !== null
  if (!partyMatched && !(decision.outcome === 'denied' && codeRelated && sameDestination)) return undefined

  const decidedBefore = decision.decisionDate <= date
  const inForce = lifecycle === 'in_force'
  const essentiallyIdentical = partyMatched && codeRelated && sameDestination && inForce
  const own = record.issuer === self
  return {
    hitId: `${record.issuer}/${record.recordId}/${partyMatched ? party.applicationParty : '-'}`,
    record: {
      issuer: record.issuer,
      recordId: record.recordId,
      own,
      reference: decision.reference,
      outcome: decision.outcome,
      decisionDate: decision.decisionDate,
      validUntil: record.validUntil,
      revokedFrom: record.revokedFrom,
      destination: decision.destination,
      version: record.version,
      lifecycle,
      signature: { status: own ? 'own' : 'verified', entrySeq: record.latestSeq, kid: record.kid, storedAt: record.storedAt.toISOString() }
    },
    party: partyMatched ? party : null,
    item,
    destination: { application: application.destination, candidate: decision.destination, same: sameDestination },
    timeWindow: {
      inForce,
      decidedBefore,
      explanation: inForce
        ? `in force on ${date}${record.validUntil === null ? '' : ` (until ${record.validUntil})`}`
        : lifecycle === 'revoked' ? `revoked from ${String(record.revokedFrom)}` : `lapsed after ${String(record.validUntil)}`
    },
    assessment: {
      essentiallyIdentical,
      score: round(0.55 * (partyMatched ? party.score : 0) + 0.3 * (item?.score ?? 0) + 0.15 * (sameDestination ? 1 : 0)),
      summary: summaryOf({ partyMatched, codeRelated, sameDestination, inForce, item, outcome: decision.outcome })
    }
  }
}

function summaryOf (a: { partyMatched: boolean, codeRelated: boolean, sameDestination: boolean, inForce: boolean, item: ItemMatch | null, outcome: string }): string {
  const parts = [
    a.partyMatched ? 'party matches' : 'no party match',
    a.codeRelated ? `item ${a.item?.relation ?? ''}` : a.item?.relation === 'description-only' ? 'item alike by description only' : 'no related item',
    a.sameDestination ? 'same destination' : 'another destination',
    a.inForce ? 'in force' : 'not in force'
  ]
  const verdict = a.partyMatched && a.codeRelated && a.sameDestination && a.inForce ? `Essentially identical to an allied ${a.outcome === 'denied' ? 'denial' : 'grant'}` : 'Not essentially identical'
  return `${verdict}: ${parts.join(', ')}.`
}

function bestItem (ours: ApplicationItem[], decision: DecisionContent, crosswalks: CrosswalkLink[]): (ItemMatch & { applicationItem: number, candidateItem: number }) | null {
  let best: (ItemMatch & { applicationItem: number, candidateItem: number }) | null = null
  ours.forEach((our, i) => {
    decision.items.forEach((their, j) => {
      const match = scoreItem(our, their, crosswalks)
      const better = best === null || RELATION_RANK[match.relation] > RELATION_RANK[best.relation] ||
        (RELATION_RANK[match.relation] === RELATION_RANK[best.relation] && match.score > best.score)
      if (better) best = { ...match, applicationItem: i, candidateItem: j }
    })
  })
  return best
}

/** Essentially identical first, then denials in force, then by score; ties in a stable order. */
function byRank (a: Hit, b: Hit): number {
  const key = (h: Hit) => [h.assessment.essentiallyIdentical ? 1 : 0, h.record.outcome === 'denied' && h.timeWindow.inForce ? 1 : 0, h.assessment.score]
  const [ka, kb] = [key(a), key(b)]
  for (let i = 0; i < ka.length; i++) if (ka[i] !== kb[i]) return (kb[i] as number) - (ka[i] as number)
  return a.hitId < b.hitId ? -1 : a.hitId > b.hitId ? 1 : 0
}

/** The latest disposition per (record, party key) for the candidates, from any screening. */
async function latestDispositions (trx: Transaction<Database>, keys: RecordKey[]): Promise<Map<string, PriorDisposition>> {
  const { rows } = await sql<{ issuer: string, record_id: string, party_key: string, screening_id: string, hit_id: string, disposition: PriorDisposition['disposition'], reason: string, officer: string, decided_at: Date }>`
    select distinct on (d.issuer, d.record_id, d.party_key) d.issuer, d.record_id, d.party_key, d.screening_id, d.hit_id, d.disposition, d.reason, d.officer, d.decided_at
    from jsonb_to_recordset(${JSON.stringify(keys)}::jsonb) as k("issuer" text, "recordId" uuid)
    join hit_dispositions d on d.issuer = k.issuer and d.record_id = k."recordId"
    order by d.issuer, d.record_id, d.party_key, d.decided_at desc, d.id`.execute(trx)
  return new Map(rows.map((r) => [`${r.issuer}/${r.record_id}/${r.party_key}`, {
    screeningId: r.screening_id, hitId: r.hit_id, disposition: r.disposition, reason: r.reason, officer: r.officer, decidedAt: r.decided_at.toISOString()
  }]))
}

function round (x: number): number {
  return Math.round(Math.min(1, Math.max(0, x)) * 1000) / 1000
}
