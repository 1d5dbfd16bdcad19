import { randomUUID } from 'node:crypto'
import { sql, type Transaction } from 'kysely'
import { appendAuditEvents, type AuditEventDraft } from '../audit/append-events.js'
import type { Database } from '../db/schema.js'
import type { Clock } from '../lib/clock.js'
import type { ClassificationContent, DecisionContent } from '../records/schemas.js'
import { findCrosswalks } from '../screening/find-candidates.js'
import { exactKeyProbes, unqualified } from '../screening/match-keys.js'
import { evaluateClassificationPair, evaluateDecisionPair } from './rules.js'
import type { ClassificationFacts, DecisionFacts, DivergenceConfig, Finding } from './types.js'

export interface DetectionContext {
  trx: Transaction<Database>
  config: DivergenceConfig
  clock: Clock
}

export interface DetectionOutcome {
  opened: number
  updated: number
  resolved: number
}

interface RecordKey { issuer: string, recordId: string }
type Facts = ({ kind: 'decision' } & DecisionFacts) | ({ kind: 'classification' } & ClassificationFacts)

const SYSTEM = 'system'

/**
 * Checks the records just written (`changed`: new, amended, revoked or renewed; own or allied)
 * against the records we hold, in the caller's transaction — the one that stores the change.
 * Candidates come from the indexes only: decisions with an end user or consignee sharing an
 * exact name key or an identifier (`record_parties`), classifications of the same part number
 * (`record_items`); plus every divergence already naming a changed record, re-evaluated. New
 * findings open a divergence; findings that no longer hold resolve theirs; both are recorded in
 * the divergence's history and the audit trail.
 */
export async function detectDivergences (ctx: DetectionContext, changed: readonly RecordKey[]): Promise<DetectionOutcome> {
  const outcome: DetectionOutcome = { opened: 0, updated: 0, resolved: 0 }
  if (changed.length === 0) return outcome
  const changedKeys = unique(changed)
  const pairs = await candidatePairs(ctx.trx, changedKeys)
  const existing = await divergencesNaming(ctx.trx, changedKeys)
  for (const d of existing) pairs.set(pairKey(d.first, d.second), [d.first, d.second])
  if (pairs.size === 0) return outcome

  const facts = await loadFacts(ctx.trx, unique([...pairs.values()].flat()))
  const codes = [...facts.values()].flatMap((f) => f.kind === 'decision' ? f.content.items.flatMap((i) => i.codes) : f.content.codes)
  const crosswalks = await findCrosswalks(ctx.trx, codes)
  const today = ctx.clock.now().toISOString().slice(0, 10)
  const byKey = new Map(existing.map((d) => [pairKey(d.first, d.second), d]))
  const audit: AuditEventDraft[] = []
  const now = ctx.clock.now()

  for (const [key, [x, y]] of pairs) {
    const a = facts.get(recordKey(x))
    const b = facts.get(recordKey(y))
    const finding = a === undefined || b === undefined || a.kind !== b.kind
      ? null
      : a.kind === 'decision' ? evaluateDecisionPair(a, b as DecisionFacts, crosswalks, ctx.config, today) : evaluateClassificationPair(a, b as ClassificationFacts, crosswalks, ctx.config)
    const held = byKey.get(key)
    if (finding !== null && held === undefined) {
      const id = await openDivergence(ctx.trx, key, finding, now)
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
  await appendAuditEvents(ctx.trx, audit, ctx.clock)
  return outcome
}

function event (id: string, action: string, detail: Record<string, unknown>): AuditEventDraft {
  return { actor: SYSTEM, action, subject: { type: 'divergence', id }, detail }
}

/**
 * Pairs (changed record, candidate) found through the indexes, keyed by their pair key:
 * decisions of other agencies with an end user or consignee sharing an exact key (one GIN
 * probe with the changed parties' keys qualified by every other issuer), and classifications
 * of other agencies with the same part number.
 */
async function candidatePairs (trx: Transaction<Database>, changed: readonly RecordKey[]): Promise<Map<string, [RecordKey, RecordKey]>> {
  const pairs = new Map<string, [RecordKey, RecordKey]>()
  const add = (x: RecordKey, y: RecordKey) => { pairs.set(pairKey(x, y), [x, y]) }
  const keys = JSON.stringify(changed)
  const parties = await sql<{ issuer: string, record_id: string, exact_keys: string[] }>`
    select c.issuer, c.record_id, c.exact_keys
    from jsonb_to_recordset(${keys}::jsonb) as k("issuer" text, "recordId" uuid)
    join record_parties c on c.issuer = k.issuer and c.record_id = k."recordId" and c.role in ('end_user', 'consignee')`.execute(trx)
  if (parties.rows.length > 0) {
    const issuers = await knownIssuers(trx)
    const owners = new Map<string, RecordKey[]>() // bare key → changed records holding it
    const probes = new Set<string>()
    for (const party of parties.rows) {
      const others = issuers.filter((i) => i !== party.issuer)
      for (const probe of exactKeyProbes(party.exact_keys, others)) probes.add(probe)
      for (const key of party.exact_keys) {
        const bare = unqualified(key)
        owners.set(bare, [...(owners.get(bare) ?? []), { issuer: party.issuer, recordId: party.record_id }])
      }
    }
    if (probes.size > 0) {
      const { rows } = await sql<{ issuer: string, record_id: string, exact_keys: string[] }>`
        select p.issuer, p.record_id, p.exact_keys from record_parties p
        join records r on r.issuer = p.issuer and r.record_id = p.record_id and r.kind = 'decision'
        where p.exact_keys && ${[...probes]}::text[] and p.role in ('end_user', 'consignee')`.execute(trx)
      for (const row of rows) {
        const candidate = { issuer: row.issuer, recordId: row.record_id }
        for (const key of row.exact_keys) {
          for (const owner of owners.get(unqualified(key)) ?? []) if (owner.issuer !== candidate.issuer) add(owner, candidate)
        }
      }
    }
  }
  const { rows: items } = await sql<{ c_issuer: string, c_record_id: string, issuer: string, record_id: string }>`
    select distinct c.issuer as c_issuer, c.record_id as c_record_id, i.issuer, i.record_id
    from jsonb_to_recordset(${keys}::jsonb) as k("issuer" text, "recordId" uuid)
    join record_items c on c.issuer = k.issuer and c.record_id = k."recordId" and c.part_key is not null
    join records cr on cr.issuer = c.issuer and cr.record_id = c.record_id and cr.kind = 'classification'
    join record_items i on i.part_key = c.part_key and i.issuer <> c.issuer
    join records r on r.issuer = i.issuer and r.record_id = i.record_id and r.kind = 'classification'`.execute(trx)
  for (const r of items) add({ issuer: r.c_issuer, recordId: r.c_record_id }, { issuer: r.issuer, recordId: r.record_id })
  return pairs
}

/** Every agency whose records we may hold: us and our enrolled peers (only their feeds are ingested). */
async function knownIssuers (trx: Transaction<Database>): Promise<string[]> {
  const { rows } = await sql<{ issuer: string }>`
    select agency_id as issuer from peers
    union select issuer from feed_heads`.execute(trx)
  return rows.map((r) => r.issuer)
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
  const { rows } = await sql<{ issuer: string, record_id: string, kind: string, version: number, body: unknown, revoked_from: string | null, valid_until: string | null }>`
    select r.issuer, r.record_id, r.kind, r.version, r.body, r.revoked_from, r.valid_until
    from jsonb_to_recordset(${JSON.stringify(keys)}::jsonb) as k("issuer" text, "recordId" uuid)
    join records r on r.issuer = k.issuer and r.record_id = k."recordId"`.execute(trx)
  const facts = new Map<string, Facts>()
  for (const r of rows) {
    const base = { issuer: r.issuer, recordId: r.record_id, version: r.version, revokedFrom: r.revoked_from }
    if (r.kind === 'decision') {
      const content = r.body as DecisionContent & { consultation?: DecisionFacts['consultation'] }
      facts.set(recordKey({ issuer: r.issuer, recordId: r.record_id }), { kind: 'decision', ...base, content, validUntil: r.valid_until, ...(content.consultation === undefined ? {} : { consultation: content.consultation }) })
    } else if (r.kind === 'classification') {
      facts.set(recordKey({ issuer: r.issuer, recordId: r.record_id }), { kind: 'classification', ...base, content: r.body as ClassificationContent })
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

async function openDivergence (trx: Transaction<Database>, key: string, finding: Finding, now: Date): Promise<string> {
  const id = randomUUID()
  await trx.insertInto('divergences').values({
    id, pair_key: key, ...columnsOf(finding), state: 'open', holds: true, detected_at: now, updated_at: now, resolved_at: null
  }).execute()
  await trx.insertInto('divergence_transitions').values({ divergence_id: id, seq: 1, from_state: null, to_state: 'open', actor: SYSTEM, reason: finding.explanation, at: now }).execute()
  return id
}

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
    if (f.revokedFrom !== null) return `${what} was revoked (from ${f.revokedFrom})`
    if (f.kind === 'decision' && f.validUntil !== null && f.validUntil < today) return `${what} lapsed on ${f.validUntil}`
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
