import { randomUUID } from 'node:crypto'
import { sql, type Transaction } from 'kysely'
import { appendAuditEvents, type AuditEventDraft } from '../audit/index.js'
import type { Database } from '../db/schema.js'
import type { Clock } from '../lib/clock.js'
import { codeProbes, crosswalkTargets } from '../matching/index.js'
import {
  classificationsSharingPart, decisionPartiesOf, findCrosswalks, findPartyMatches, hasLapsed, isFinal, loadHeldRecords, type PartyOfDecision, type RecordKey
} from '../records/index.js'
import { TRANSACTION_ROLES } from './rule-transaction.js'
import { evaluateClassificationPair, evaluateDecisionPair, kindByTiming } from './rules.js'
import type { ClassificationFacts, DecisionFacts, DivergenceConfig, Finding } from './types.js'

export interface DetectionContext {
  trx: Transaction<Database>
  config: DivergenceConfig
  clock: Clock
  /** Every changed party searched as screening searches, however many (the backlog's detection); else up to FUZZY_PARTIES, and the rest queued. */
  thorough?: boolean | undefined
}

export interface DetectionOutcome {
  /** Pairs the rules evaluated: candidates from the indexes and divergences already naming a changed record. */
  examined: number
  opened: number
  updated: number
  resolved: number
}

type Facts = ({ kind: 'decision' } & DecisionFacts) | ({ kind: 'classification' } & ClassificationFacts)

const SYSTEM = 'system'

/**
 * Per distinct changed party, at most this many decisions naming a matching party (best match
 * first, then the newest): a bound on one change's cost, far above what real end users gather.
 */
const DETECTION_CANDIDATES = 5_000

/**
 * Up to this many distinct changed parties of one outcome (a publish, an amendment, a push, a
 * sync page's denials), detection searches their names as screening does (`trigram`: typos,
 * added words); beyond it (a sync page's thousand grants, an import), by the same search keys
 * (`same-keys`: names that normalise alike), an index lookup each, and queues the change's
 * decisions (`detection_backlog`) for the background job that detects them again, this many
 * at a time, searched as screening does (`drainDetectionBacklog`). A trigram search costs
 * about 1 ms a probe key the first time a party is looked for (remembered after): a
 * thousand-entry page searched that way inline spent 27 s in it (bench/sync, 2026-12-03).
 */
export const FUZZY_PARTIES = 20

/**
 * Checks the records just written (`changed`: new, amended, revoked or renewed; own or allied)
 * against the records we hold, in the caller's transaction — the one that stores the change.
 * Candidates come from the indexes only: decisions of the opposite outcome naming an end user or
 * consignee that the one party matcher (screening's) matches, classifications of the same part
 * number or a like description (`record_items`); plus every divergence already naming a changed record,
 * re-evaluated. New findings open a divergence; findings that no longer hold resolve theirs;
 * both are recorded in the divergence's history and the audit trail.
 */
export async function detectDivergences (ctx: DetectionContext, changed: readonly RecordKey[]): Promise<DetectionOutcome> {
  const outcome: DetectionOutcome = { examined: 0, opened: 0, updated: 0, resolved: 0 }
  if (changed.length === 0) return outcome
  const changedKeys = unique(changed)
  const today = ctx.clock.now().toISOString().slice(0, 10)
  const pairs = await candidatePairs(ctx, changedKeys, today)
  const existing = await divergencesNaming(ctx.trx, changedKeys)
  for (const d of existing) pairs.set(pairKey(d.first, d.second), [d.first, d.second])
  outcome.examined = pairs.size
  if (pairs.size === 0) return outcome

  const facts = await loadFacts(ctx.trx, unique([...pairs.values()].flat()))
  const codes = [...facts.values()].flatMap((f) => f.kind === 'decision' ? f.content.items.flatMap((i) => i.codes) : f.content.codes)
  const crosswalks = await findCrosswalks(ctx.trx, codes)
  const byKey = new Map(existing.map((d) => [pairKey(d.first, d.second), d]))
  const audit: AuditEventDraft[] = []
  const opening: Array<{ id: string, key: string, finding: Finding }> = []
  const now = ctx.clock.now()

  for (const [key, [x, y]] of pairs) {
    const a = facts.get(recordKey(x))
    const b = facts.get(recordKey(y))
    const finding = a === undefined || b === undefined || a.kind !== b.kind
      ? null
      : a.kind === 'decision' ? evaluateDecisionPair(a, b as DecisionFacts, crosswalks, ctx.config, today) : evaluateClassificationPair(a, b as ClassificationFacts, crosswalks, ctx.config)
    const held = byKey.get(key)
    if (finding !== null && held === undefined) {
      const id = randomUUID()
      opening.push({ id, key, finding })
      audit.push(event(id, 'divergence-detected', { kind: finding.kind, severity: finding.severity, first: finding.first, second: finding.second, explanation: finding.explanation }))
      outcome.opened += 1
    } else if (finding !== null && held !== undefined) {
      const reopened = !held.holds
      await updateDivergence(ctx.trx, held, finding, now, reopened)
      if (reopened) audit.push(event(held.id, 'divergence-transition', { from: held.state, to: 'open', reason: 'holds again after a change to its records' }))
      outcome.updated += 1
    } else if (finding === null && held?.holds === true) {
      const reason = noLongerHolds(a, b, today)
      await resolveDivergence(ctx.trx, held, reason, now)
      audit.push(event(held.id, 'divergence-transition', { from: held.state, to: 'resolved', reason }))
      outcome.resolved += 1
    }
  }
  await openDivergences(ctx.trx, opening, now)
  await appendAuditEvents(ctx.trx, audit, ctx.clock)
  return outcome
}

function event (id: string, action: string, detail: Record<string, unknown>): AuditEventDraft {
  return { actor: SYSTEM, action, subject: { type: 'divergence', id }, detail }
}

/**
 * Pairs (changed record, candidate), keyed by their pair key: decisions of other agencies with
 * the opposite outcome naming an end user or consignee that matches one of a changed
 * decision's — the one party matcher screening runs (`findPartyMatches`: each distinct party
 * scored once; typos, added words and shared identifiers found as an officer screening would
 * find them, for up to FUZZY_PARTIES changed parties; names that normalise alike and shared
 * identifiers beyond) — with an item under a related code, kept when their dates and destinations allow
 * a divergence (`kindByTiming`); and classifications of other agencies with the same part
 * number or a like description. Revoked decisions diverge from nothing: none is a candidate,
 * and a revoked changed record looks for none (the divergences naming it are re-evaluated all
 * the same).
 */
async function candidatePairs (ctx: DetectionContext, changed: readonly RecordKey[], today: string): Promise<Map<string, [RecordKey, RecordKey]>> {
  const { trx } = ctx
  const pairs = new Map<string, [RecordKey, RecordKey]>()
  const add = (x: RecordKey, y: RecordKey) => { pairs.set(pairKey(x, y), [x, y]) }
  const parties = await decisionPartiesOf(trx, changed)
  for (const outcome of ['granted', 'denied'] as const) {
    // the distinct parties of the changed decisions of this outcome, each looked for once
    const owners = new Map<string, PartyOfDecision[]>()
    const ownCodes: Array<{ regime: string, code: string }> = []
    for (const party of parties) {
      if (party.outcome !== outcome) continue
      // one search per distinct party and issuer: it looks for other agencies' decisions alone
      const key = `${party.issuer} ${party.nameHash ?? JSON.stringify(party.party)}`
      owners.set(key, [...(owners.get(key) ?? []), party])
      ownCodes.push(...party.codes)
    }
    if (owners.size === 0) continue
    // the codes their items can be related to: their own, and the far ends of the crosswalks touching them
    const codes = codeProbes([...ownCodes, ...crosswalkTargets(await findCrosswalks(trx, ownCodes))])
    if (codes.length === 0) continue
    const looked = [...owners.values()]
    const fuzzy = ctx.thorough === true || looked.length <= FUZZY_PARTIES
    if (!fuzzy) await queueForDetection(trx, looked.flat(), ctx.clock.now())
    const matches = await findPartyMatches(trx, {
      nearness: fuzzy ? 'trigram' : 'same-keys',
      parties: looked.map((o) => (o[0] as PartyOfDecision).party),
      nameHashes: looked.map((o) => (o[0] as PartyOfDecision).nameHash),
      exceptIssuers: looked.map((o) => (o[0] as PartyOfDecision).issuer),
      threshold: ctx.config.partyThreshold,
      trigramThreshold: ctx.config.trigramThreshold,
      limit: DETECTION_CANDIDATES,
      filter: { outcome: outcome === 'granted' ? 'denied' : 'granted', roles: [...TRANSACTION_ROLES], codes, standing: true }
    })
    for (const row of matches) {
      for (const owner of looked[row.probe] ?? []) {
        if (owner.issuer === row.issuer) continue
        const [denial, grant] = outcome === 'denied' ? [owner, row] : [row, owner]
        if (kindByTiming(denial, grant, today) !== null) add(keyOf(owner), keyOf(row))
      }
    }
  }
  for (const [x, y] of await classificationsSharingPart(trx, changed)) add(x, y)
  return pairs
}

/** Queues the decisions among `records` for the backlog's detection (`drainDetectionBacklog`), once each however often queued. */
export async function queueForDetection (trx: Transaction<Database>, records: readonly RecordKey[], now: Date): Promise<void> {
  // the decisions among them: a classification changed in a large change was detected in full at once
  await sql`insert into detection_backlog (issuer, record_id, queued_at)
    select r.issuer, r.record_id, ${now}::timestamptz
    from jsonb_to_recordset(${JSON.stringify(unique(records.map(keyOf)))}::jsonb) as k("issuer" text, "recordId" uuid)
    join records r on r.issuer = k.issuer and r.record_id = k."recordId" and r.kind = 'decision'
    on conflict (issuer, record_id) do nothing`.execute(trx)
}

function keyOf (p: RecordKey): RecordKey {
  return { issuer: p.issuer, recordId: p.recordId }
}

interface HeldDivergence {
  id: string
  first: RecordKey
  second: RecordKey
  state: string
  holds: boolean
}

async function divergencesNaming (trx: Transaction<Database>, changed: readonly RecordKey[]): Promise<HeldDivergence[]> {
  const { rows } = await sql<{ id: string, first_issuer: string, first_record_id: string, second_issuer: string, second_record_id: string, state: string, holds: boolean }>`
    select d.id, d.first_issuer, d.first_record_id, d.second_issuer, d.second_record_id, d.state, d.holds
    from jsonb_to_recordset(${JSON.stringify(changed)}::jsonb) as k("issuer" text, "recordId" uuid)
    join divergences d on (d.first_issuer = k.issuer and d.first_record_id = k."recordId") or (d.second_issuer = k.issuer and d.second_record_id = k."recordId")
    for update of d`.execute(trx)
  return rows.map((r) => ({
    id: r.id, first: { issuer: r.first_issuer, recordId: r.first_record_id }, second: { issuer: r.second_issuer, recordId: r.second_record_id }, state: r.state, holds: r.holds
  }))
}

async function loadFacts (trx: Transaction<Database>, keys: readonly RecordKey[]): Promise<Map<string, Facts>> {
  const facts = new Map<string, Facts>()
  for (const r of await loadHeldRecords(trx, keys)) {
    const base = { issuer: r.issuer, recordId: r.recordId, version: r.version, revokedFrom: r.revokedFrom }
    if (r.kind === 'decision') {
      const content = r.content
      facts.set(recordKey(r), { kind: 'decision', ...base, content, validUntil: r.validUntil, ...(content.consultation === undefined ? {} : { consultation: content.consultation }) })
    } else if (r.kind === 'classification') {
      facts.set(recordKey(r), { kind: 'classification', ...base, content: r.content })
    }
  }
  return facts
}

/** The columns of a divergence that come from its finding. */
function columnsOf (finding: Finding) {
  return {
    kind: finding.kind,
    first_issuer: finding.first.issuer,
    first_record_id: finding.first.recordId,
    first_version: finding.first.version,
    second_issuer: finding.second.issuer,
    second_record_id: finding.second.recordId,
    second_version: finding.second.version,
    severity: finding.severity,
    destination: finding.destination,
    control_category: finding.controlCategory,
    explanation: finding.explanation,
    evidence: JSON.stringify(finding.evidence)
  }
}

/** Inserts new divergences, each with its first transition, a few statements for all of them (a new denial may open many). */
async function openDivergences (trx: Transaction<Database>, opening: ReadonlyArray<{ id: string, key: string, finding: Finding }>, now: Date): Promise<void> {
  for (let i = 0; i < opening.length; i += OPEN_CHUNK) {
    const chunk = opening.slice(i, i + OPEN_CHUNK)
    await trx.insertInto('divergences').values(chunk.map(({ id, key, finding }) => ({
      id, pair_key: key, ...columnsOf(finding), state: 'open' as const, holds: true, detected_at: now, updated_at: now, resolved_at: null
    }))).execute()
    await trx.insertInto('divergence_transitions').values(chunk.map(({ id, finding }) => ({
      divergence_id: id, seq: 1, from_state: null, to_state: 'open', actor: SYSTEM, reason: finding.explanation, at: now
    }))).execute()
  }
}

/** Divergences per insert: ~20 parameters each, far below PostgreSQL's 65,535 per statement. */
const OPEN_CHUNK = 500

async function updateDivergence (trx: Transaction<Database>, held: HeldDivergence, finding: Finding, now: Date, reopen: boolean): Promise<void> {
  await trx.updateTable('divergences').set({
    ...columnsOf(finding),
    updated_at: now,
    ...(reopen ? { holds: true, state: 'open' as const, resolved_at: null } : {})
  }).where('id', '=', held.id).execute()
  if (reopen) await addTransition(trx, held.id, held.state, 'open', SYSTEM, 'holds again after a change to its records', now)
}

async function resolveDivergence (trx: Transaction<Database>, held: HeldDivergence, reason: string, now: Date): Promise<void> {
  await trx.updateTable('divergences').set({ holds: false, state: 'resolved', resolved_at: now, updated_at: now }).where('id', '=', held.id).execute()
  await addTransition(trx, held.id, held.state, 'resolved', SYSTEM, reason, now)
}

/** Appends a state change to a divergence's history (the caller holds the divergence's row lock). */
export async function addTransition (trx: Transaction<Database>, id: string, from: string | null, to: string, actor: string, reason: string, at: Date): Promise<void> {
  const last = await trx.selectFrom('divergence_transitions').select((eb) => eb.fn.max('seq').as('seq')).where('divergence_id', '=', id).executeTakeFirst()
  await trx.insertInto('divergence_transitions').values({ divergence_id: id, seq: Number(last?.seq ?? 0) + 1, from_state: from, to_state: to, actor, reason, at }).execute()
}

/** Why a divergence stopped holding, in the words an auditor reads in its history. */
function noLongerHolds (a: Facts | undefined, b: Facts | undefined, today: string): string {
  for (const f of [a, b]) {
    if (f === undefined) continue
    const what = `${f.issuer}'s ${f.kind === 'decision' ? (f.content.outcome === 'denied' ? 'denial' : 'grant') : 'classification'} ${f.kind === 'decision' ? f.content.reference : f.recordId}`
    if (isFinal(f)) return `${what} was revoked (from ${f.revokedFrom})`
    if (f.kind === 'decision' && hasLapsed(f, today)) return `${what} lapsed on ${f.validUntil}`
  }
  return 'the records, as amended, no longer diverge'
}

export function pairKey (x: RecordKey, y: RecordKey): string {
  const [p, q] = [recordKey(x), recordKey(y)].sort()
  return `${p as string}|${q as string}`
}

function recordKey (k: RecordKey): string {
  return `${k.issuer}/${k.recordId}`
}

function unique (keys: readonly RecordKey[]): RecordKey[] {
  return [...new Map(keys.map((k) => [recordKey(k), k])).values()]
}
