import type { Transaction } from 'kysely'
import type { MatchingConfig } from '../config.js'
import type { Db } from '../db/create-db.js'
import type { Database } from '../db/schema.js'
import type { Clock } from '../lib/clock.js'
import { atPlaceOf, isPartyHit, preparedPlacedParty, preparedWrittenParty, scoreParty, toPartyInput, type PartyMatch, type PreparedParty } from '../matching/index.js'
import { anyNotInForceSql, lifecycleOf, loadHeldDecisions, partyProbe, todayOf, type HeldDecision, type Party, type RecordKey } from '../records/index.js'
import { bestPartyMatch, screenApplicationAgainst, type ScreeningOptions } from '../screening/index.js'
import { alertsAboutRecords, raiseAlerts, type AlertFinding } from './alerts.js'
import type { DeliveryRouting } from './deliveries.js'
import { caseHitFinding, openCasesAmong } from './cases.js'
import { AGENCY_OWNER, watchedPartiesAmong } from './watched-parties.js'
import { findWatchedNear, subjectsNamed } from './watch-index.js'
import type { WatchedPartyView } from './schemas.js'

export interface ArrivalMatchingContext {
  trx: Transaction<Database>
  /** Our agency: what is allied is the others'. */
  self: string
  matching: MatchingConfig
  clock: Clock
  /** Where new alerts are delivered beyond the pages and the API. */
  routing: DeliveryRouting
}

/** What matching the arrivals did: the open cases and watched parties examined, the alerts raised, and those updated. */
export interface ArrivalOutcome { cases: number, watched: number, raised: number }

/** A case's hits are screening's that name one of its parties, our own decisions among them (an earlier case of ours like this one). */
const CASE_SCREENING: ScreeningOptions & { partyHitsOnly: boolean } = { includeOwn: true, includeInactive: false, includeSuppressed: false, partyHitsOnly: true }

/**
 * Matches the records just stored (`changed`: new, amended, revoked, renewed; ours or an
 * ally's) against the open cases and the watched parties, in the caller's transaction (the one
 * that stores them), and raises an alert for each new hit naming a party of the case. The
 * candidates come from the watch indexes only, never a scan of the cases: the distinct watched
 * names near one of the records' parties (`findWatchedNear`) that the scorer finds a hit at
 * their best, and the cases and watched parties carrying them (`subjectsNamed`); and those
 * already alerted about a changed record (to be assessed again). Each candidate case is screened against its
 * candidate records by screening's own assessment (`screenApplicationAgainst`: the same scorer,
 * the same "essentially identical", the same dispositions suppressing a hit); only hits whose
 * party matched are alerted (a denial of the same entry to the same destination naming another
 * party is a screening hit, listed when the officer screens, but alerting it would tell every
 * open case of a common entry and destination of every such denial: 800 alerts for 20 denials
 * in bench/alerts). A watched party is a hit for any allied decision in force naming it
 * (`isPartyHit`). An alert whose record was revoked, lapsed or is no longer a hit is marked as
 * no longer holding.
 */
export async function alertOnArrivals (ctx: ArrivalMatchingContext, changed: readonly RecordKey[]): Promise<ArrivalOutcome> {
  const outcome: ArrivalOutcome = { cases: 0, watched: 0, raised: 0 }
  const records = await loadHeldDecisions(ctx.trx, changed)
  if (records.length === 0) return outcome
  const today = todayOf(ctx.clock)
  const indexOf = new Map(records.map((r, i) => [keyOf(r), i]))
  const forCases = new Candidates()
  const forWatches = new Candidates()

  // the records' distinct parties, each looked for once among the watched ones
  const parties = new Map<string, { party: Party, records: number[] }>()
  records.forEach((record, i) => {
    for (const party of record.content.parties) {
      const key = JSON.stringify([party.name, party.aliases, party.identifiers])
      const held = parties.get(key) ?? { party, records: [] }
      held.records.push(i)
      parties.set(key, held)
    }
  })
  const distinct = [...parties.values()]
  const near = await findWatchedNear(ctx.trx, distinct.map((d) => partyProbe(d.party)), ctx.matching.trigramThreshold)
  // each watched name near a record's party scored once, at its best (as if in the watched
  // party's place, as screening scores a distinct name: no case carrying it can score higher);
  // only the subjects carrying a name that is a hit are read
  const written = distinct.map((d) => preparedWrittenParty(toPartyInput(d.party)))
  const queries = new Map<string, PreparedParty>()
  const hitProbes = new Map<string, Set<number>>()
  for (const n of near) {
    const query = queries.get(n.nameHash) ?? preparedPlacedParty(n.party)
    queries.set(n.nameHash, query)
    if (!isPartyHit(scoreParty(query, atPlaceOf(written[n.probe] as PreparedParty, query), { threshold: ctx.matching.partyThreshold }))) continue
    hitProbes.set(n.nameHash, (hitProbes.get(n.nameHash) ?? new Set()).add(n.probe))
  }
  for (const subject of await subjectsNamed(ctx.trx, [...hitProbes.keys()])) {
    for (const probe of hitProbes.get(subject.nameHash) ?? []) {
      for (const i of distinct[probe]?.records ?? []) (subject.type === 'case' ? forCases : forWatches).add(subject.id, i)
    }
  }
  // what was alerted about these records is assessed again
  const alerted = await alertsAboutRecords(ctx.trx, records, ['case-hit', 'watch-hit'])
  for (const a of alerted) {
    const i = indexOf.get(keyOf(a))
    if (i !== undefined) (a.kind === 'case-hit' ? forCases : forWatches).add(a.subject.id, i)
  }

  const findings: AlertFinding[] = []
  const screening = { trx: ctx.trx, self: ctx.self, matching: ctx.matching }
  for (const c of await openCasesAmong(ctx.trx, forCases.subjects())) {
    outcome.cases++
    const candidates = forCases.recordsOf(c.id).map((i) => records[i] as HeldDecision)
    const { hits, suppressed } = await screenApplicationAgainst(screening, c.application, today, CASE_SCREENING, candidates)
    findings.push(...hits.map((hit) => caseHitFinding(c, hit)))
    const still = new Set(hits.map((h) => keyOf(h.record)))
    const quiet = new Set(suppressed.map((h) => keyOf(h.record)))
    for (const a of alerted) {
      if (a.kind !== 'case-hit' || a.subject.id !== c.id || still.has(keyOf(a))) continue
      const record = records[indexOf.get(keyOf(a)) ?? -1]
      if (record !== undefined) findings.push(noLongerHolding(a.findingKey, record, today, quiet.has(keyOf(a)) ? 'an officer\'s disposition suppressed it' : undefined))
    }
  }
  for (const watched of await watchedPartiesAmong(ctx.trx, forWatches.subjects())) {
    outcome.watched++
    for (const i of forWatches.recordsOf(watched.id)) {
      const record = records[i] as HeldDecision
      const findingKey = `watch-hit ${watched.id} ${keyOf(record)}`
      const match = record.issuer === ctx.self ? undefined : bestPartyMatch([watchedQuery(watched)], record, ctx.matching.partyThreshold)
      if (match !== undefined && lifecycleOf(record, today) === 'in_force') findings.push(watchHitFinding(findingKey, watched, record, match))
      else if (alerted.some((a) => a.findingKey === findingKey)) findings.push(noLongerHolding(findingKey, record, today))
    }
  }
  outcome.raised = (await raiseAlerts(ctx.trx, findings, ctx.clock, ctx.routing)).length
  return outcome
}

/** Candidate records per subject (a case, a watched party), by their index among the changed records. */
class Candidates {
  private readonly bySubject = new Map<string, Set<number>>()
  add (subject: string, record: number): void {
    const held = this.bySubject.get(subject) ?? new Set<number>()
    held.add(record)
    this.bySubject.set(subject, held)
  }

  subjects (): string[] { return [...this.bySubject.keys()] }
  recordsOf (subject: string): number[] { return [...(this.bySubject.get(subject) ?? [])].sort((a, b) => a - b) }
}

/** A watched party as the scorer reads it, in its own country when it has one. */
function watchedQuery (watched: WatchedPartyView): PreparedParty {
  return preparedPlacedParty({ name: watched.name, aliases: watched.aliases, country: watched.country, identifiers: watched.identifiers.map((id) => ({ type: id.scheme, value: id.value })) })
}

function watchHitFinding (findingKey: string, watched: WatchedPartyView, record: HeldDecision, hit: { ordinal: number, match: PartyMatch }): AlertFinding {
  const decision = record.content
  const party = decision.parties[hit.ordinal] as Party
  return {
    kind: 'watch-hit',
    findingKey,
    recipient: watched.owner === AGENCY_OWNER ? { user: null, role: 'officer' } : { user: watched.owner, role: null },
    subject: { type: 'watched-party', id: watched.id },
    record: { issuer: record.issuer, recordId: record.recordId, version: record.version },
    holds: true,
    title: `${record.issuer}'s ${decision.outcome === 'denied' ? 'denial' : 'grant'} ${decision.reference} names the watched party ${watched.name}`,
    explanation: `${party.name} (${party.role}, ${party.country}) in a decision of ${decision.decisionDate} to ${decision.destination}: ${hit.match.explanation}`,
    detail: {
      record: { issuer: record.issuer, recordId: record.recordId, version: record.version, reference: decision.reference, outcome: decision.outcome, decisionDate: decision.decisionDate, destination: decision.destination },
      party: { ordinal: hit.ordinal, role: party.role, name: party.name, country: party.country },
      match: hit.match
    }
  }
}

/** An alert about `record` that no longer holds, and why. */
function noLongerHolding (findingKey: string, record: HeldDecision, today: string, why?: string): AlertFinding {
  const lifecycle = lifecycleOf(record, today)
  const explanation = why ??
    (lifecycle === 'revoked' ? `no longer holds: ${record.issuer} revoked it from ${String(record.revokedFrom)}` : lifecycle === 'lapsed' ? `no longer holds: it lapsed after ${String(record.validUntil)}` : 'no longer holds: as amended, it is no longer a hit')
  return {
    kind: findingKey.startsWith('case-hit') ? 'case-hit' : 'watch-hit',
    findingKey,
    recipient: { user: null, role: null },
    subject: { type: '', id: '' },
    record: { issuer: record.issuer, recordId: record.recordId, version: record.version },
    holds: false,
    title: '',
    explanation: explanation.startsWith('no longer holds') ? explanation : `no longer holds: ${explanation}`,
    detail: null
  }
}

function keyOf (k: { issuer: string, recordId: string }): string {
  return `${k.issuer}/${k.recordId}`
}

/**
 * Assesses again the records of the alerts still holding whose record is no longer in force
 * today (lapsed, or revoked from a day now past: neither writes anything on the day), in one
 * transaction: they no longer hold. The daily lapse job runs it with the divergences'.
 * Returns how many records were assessed again.
 */
export async function reassessLapsedAlerts (deps: Omit<ArrivalMatchingContext, 'trx'> & { db: Db }): Promise<number> {
  const today = todayOf(deps.clock)
  return deps.db.transaction().execute(async (trx) => {
    const rows = await trx.selectFrom('alerts as a').select(['a.issuer', 'a.record_id']).distinct()
      .where('a.holds', '=', true).where('a.record_id', 'is not', null)
      .where(anyNotInForceSql([{ issuer: 'a.issuer', recordId: 'a.record_id' }], today))
      .execute()
    const records = rows.flatMap((r) => r.issuer === null || r.record_id === null ? [] : [{ issuer: r.issuer, recordId: r.record_id }])
    if (records.length > 0) await alertOnArrivals({ ...deps, trx }, records)
    return records.length
  })
}
