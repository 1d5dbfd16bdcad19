import { sql, type Expression, type ExpressionBuilder, type RawBuilder, type Selectable, type SqlBool, type Transaction } from 'kysely'
import { cursorField, cursorShape, decodeCursor, encodeCursor } from '../lib/cursor.js'
import { appendAuditEvents } from '../audit/index.js'
import type { Db } from '../db/create-db.js'
import type { Database, DivergenceTable } from '../db/schema.js'
import type { Clock } from '../lib/clock.js'
import { errors } from '../lib/errors.js'
import { findPeerJwks } from '../peers/index.js'
import { findHeldRecord, listRecordEntries } from '../records/index.js'
import type { KeyRing } from '../signing/index.js'
import { addTransition } from './detect.js'
import { OUTSTANDING_STATES, SEVERITIES, stillHoldsSql, TRANSITIONS, type DivergenceKind, type DivergenceState, type Severity } from './types.js'

export type { DivergenceState }

export interface DivergenceFilter {
  kind?: DivergenceKind | undefined
  state?: DivergenceState | undefined
  severity?: Severity | undefined
  agency?: string | undefined
  destination?: string | undefined
  controlCategory?: string | undefined
  from?: string | undefined
  to?: string | undefined
  limit: number
  cursor?: string | undefined
}

type Row = Selectable<DivergenceTable>

/** The cursor of the listing (lib/cursor.ts): after the row's (detected at, id). */
const CURSOR = cursorShape<[detectedAt: Date, id: string]>('dv', cursorField.isoInstant, cursorField.uuid)

function summaryOf (row: Row) {
  return {
    id: row.id,
    kind: row.kind,
    severity: row.severity,
    state: row.state,
    holds: row.holds,
    destination: row.destination,
    controlCategory: row.control_category,
    explanation: row.explanation,
    first: { issuer: row.first_issuer, recordId: row.first_record_id, version: row.first_version },
    second: { issuer: row.second_issuer, recordId: row.second_record_id, version: row.second_version },
    detectedAt: new Date(row.detected_at).toISOString(),
    updatedAt: new Date(row.updated_at).toISOString(),
    resolvedAt: row.resolved_at === null ? null : new Date(row.resolved_at).toISOString()
  }
}
export type DivergenceSummary = ReturnType<typeof summaryOf>

/** The conditions of a filter (all but its page), for the listing and the counts alike. */
function filtered (eb: ExpressionBuilder<Database, 'divergences'>, filter: Omit<DivergenceFilter, 'limit' | 'cursor'>): Expression<SqlBool> {
  const conditions: Array<Expression<SqlBool>> = []
  if (filter.kind !== undefined) conditions.push(eb('kind', '=', filter.kind))
  if (filter.state !== undefined) conditions.push(eb('state', '=', filter.state))
  if (filter.severity !== undefined) conditions.push(eb('severity', '=', filter.severity))
  if (filter.agency !== undefined) conditions.push(eb.or([eb('first_issuer', '=', filter.agency), eb('second_issuer', '=', filter.agency)]))
  if (filter.destination !== undefined) conditions.push(eb('destination', '=', filter.destination))
  if (filter.controlCategory !== undefined) conditions.push(eb('control_category', '=', filter.controlCategory))
  if (filter.from !== undefined) conditions.push(eb('detected_at', '>=', new Date(`${filter.from}T00:00:00Z`)))
  if (filter.to !== undefined) conditions.push(eb('detected_at', '<', new Date(Date.parse(`${filter.to}T00:00:00Z`) + 86_400_000))) // UTC days, as the report
  return eb.and(conditions)
}

/** Divergences, newest first, filtered; `nextCursor` continues after the last one. */
export async function listDivergences (db: Db, filter: DivergenceFilter): Promise<{ divergences: DivergenceSummary[], nextCursor: string | null }> {
  let query = db.selectFrom('divergences').selectAll().where((eb) => filtered(eb, filter))
  if (filter.cursor !== undefined) {
    const [at, id] = decodeCursor(filter.cursor, CURSOR)
    query = query.where((eb) => eb.or([eb('detected_at', '<', at), eb.and([eb('detected_at', '=', at), eb('id', '>', id)])]))
  }
  const rows = await query.orderBy('detected_at', 'desc').orderBy('id').limit(filter.limit + 1).execute()
  const page = rows.slice(0, filter.limit) as Row[]
  const last = page.at(-1)
  return {
    divergences: page.map(summaryOf),
    nextCursor: rows.length > filter.limit && last !== undefined ? encodeCursor(CURSOR, [new Date(last.detected_at), last.id]) : null
  }
}

/** How many divergences there are of each kind in each state (pairs with none left out), under the other conditions of a filter: the queue's counts. */
export async function countDivergences (db: Db, filter: Omit<DivergenceFilter, 'limit' | 'cursor' | 'kind' | 'state'>): Promise<Array<{ kind: DivergenceKind, state: DivergenceState, count: number }>> {
  const rows = await db.selectFrom('divergences').select(['kind', 'state', (eb) => eb.fn.countAll<string>().as('n')])
    .where((eb) => filtered(eb, filter)).groupBy(['kind', 'state']).execute()
  return rows.map((row) => ({ kind: row.kind, state: row.state, count: Number(row.n) }))
}

/**
 * How many divergences await an auditor (OUTSTANDING_STATES), by state and severity (the
 * metrics); every pair, 0 included.
 */
export async function countOutstandingDivergences (db: Db): Promise<Array<{ state: DivergenceState, severity: Severity, count: number }>> {
  const rows = await db.selectFrom('divergences').select(['state', 'severity', (eb) => eb.fn.countAll<string>().as('n')])
    .where('state', 'in', OUTSTANDING_STATES).groupBy(['state', 'severity']).execute()
  const counts = new Map(rows.map((r) => [`${r.state} ${r.severity}`, Number(r.n)]))
  return OUTSTANDING_STATES.flatMap((state) => SEVERITIES.map((severity) => ({ state, severity, count: counts.get(`${state} ${severity}`) ?? 0 })))
}

/**
 * One divergence with everything an auditor needs to check it offline: both records as they
 * are now, every signed entry of each (JWS), the keys of their issuers (JWKS), the match
 * explanation and evidence, and the full history of its states.
 */
export async function getDivergence (deps: { db: Db, self: string, keyRing: Pick<KeyRing, 'jwks'> }, id: string) {
  const row = await deps.db.selectFrom('divergences').selectAll().where('id', '=', id).executeTakeFirst()
  if (row === undefined) throw errors.notFound(`divergence ${id}`)
  const history = await deps.db.selectFrom('divergence_transitions').selectAll().where('divergence_id', '=', id).orderBy('seq').execute()
  const side = async (issuer: string, recordId: string, version: number) => {
    const record = await findHeldRecord(deps.db, issuer, recordId)
    const entries = await listRecordEntries(deps.db, issuer, recordId)
    const jwks = issuer === deps.self
      ? await deps.keyRing.jwks()
      : await findPeerJwks(deps.db, issuer) ?? { keys: [] }
    return {
      issuer,
      recordId,
      version,
      currentVersion: record?.version ?? null,
      kind: record?.kind ?? null,
      content: record?.content ?? null,
      revokedFrom: record?.revokedFrom ?? null,
      validUntil: record?.validUntil ?? null,
      entries: entries.map((e) => ({ seq: e.seq, kind: e.kind, hash: e.hash, jws: e.jws })),
      issuerKeys: jwks
    }
  }
  const summary = summaryOf(row as Row)
  return {
    ...summary,
    evidence: row.evidence as Record<string, unknown>,
    records: {
      first: await side(row.first_issuer, row.first_record_id, row.first_version),
      second: await side(row.second_issuer, row.second_record_id, row.second_version)
    },
    history: history.map((h) => ({ seq: h.seq, from: h.from_state as DivergenceState | null, to: h.to_state as DivergenceState, actor: h.actor, reason: h.reason, at: new Date(h.at).toISOString() }))
  }
}

/**
 * Moves a divergence to `to` for `actor` (an auditor), with the reason, the history entry and
 * the audit event in one transaction. Refuses a change the lifecycle does not allow
 * (INVALID_TRANSITION) and names the states it allows.
 */
export async function transitionDivergence (deps: { db: Db, clock: Clock }, id: string, actor: string, to: DivergenceState, reason: string) {
  return deps.db.transaction().execute(async (trx) => transitionIn(trx, deps.clock, id, actor, to, reason))
}

/** `transitionDivergence` in the caller's transaction. */
async function transitionIn (trx: Transaction<Database>, clock: Clock, id: string, actor: string, to: DivergenceState, reason: string) {
  const row = await trx.selectFrom('divergences').select(['state']).where('id', '=', id).forUpdate().executeTakeFirst()
  if (row === undefined) throw errors.notFound(`divergence ${id}`)
  const allowed = TRANSITIONS[row.state]
  if (!allowed.includes(to)) {
    throw errors.invalidTransition(`a divergence in state "${row.state}" cannot move to "${to}"${allowed.length === 0 ? ' (it is resolved)' : `; it can move to ${allowed.join(', ')}`}`)
  }
  const now = clock.now()
  await trx.updateTable('divergences').set({ state: to, updated_at: now, ...(to === 'resolved' ? { resolved_at: now } : {}) }).where('id', '=', id).execute()
  await addTransition(trx, id, row.state, to, actor, reason, now)
  await appendAuditEvents(trx, [{ actor, action: 'divergence-transition', subject: { type: 'divergence', id }, detail: { from: row.state, to, reason } }], clock)
  return { id, from: row.state, to, actor, reason, at: now.toISOString() }
}

/**
 * Resolves every divergence not yet resolved that names a record of `issuer` (as first or
 * second), for `actor` with `reason`, in the caller's transaction: each through the same
 * transition, history entry and audit event as `transitionDivergence`. What a removal that
 * purges a peer's records does before they go. Returns the ids resolved.
 */
export async function resolveDivergencesNaming (trx: Transaction<Database>, clock: Clock, issuer: string, actor: string, reason: string): Promise<string[]> {
  const rows = await trx.selectFrom('divergences').select('id')
    .where((eb) => eb.or([eb('first_issuer', '=', issuer), eb('second_issuer', '=', issuer)]))
    .where('state', '!=', 'resolved').orderBy('id').execute()
  for (const { id } of rows) await transitionIn(trx, clock, id, actor, 'resolved', reason)
  return rows.map((r) => r.id)
}

/**
 * How many divergences naming a record (as first or second) still hold (`stillHoldsSql`): a
 * correlated subquery over the caller's columns of the record's issuer and id.
 */
export function countStillHoldingSql (record: { issuer: RawBuilder<unknown>, recordId: RawBuilder<unknown> }): RawBuilder<number> {
  return sql<number>`(select count(*)::int from divergences d where ${stillHoldsSql('d')}
    and ((d.first_issuer = ${record.issuer} and d.first_record_id = ${record.recordId}) or (d.second_issuer = ${record.issuer} and d.second_record_id = ${record.recordId})))`
}

/** Which divergences a report or an export covers: detected in [start, end), of a kind, naming an agency, for a destination. */
export interface DivergenceScope {
  start?: Date | undefined
  end?: Date | undefined
  kind?: DivergenceKind | undefined
  agency?: string | undefined
  destination?: string | undefined
}

/**
 * The day the divergence arose, as SQL over a `divergences` row: its later decision's date (of
 * the denial and the grant), or its later classification's; null for a row whose evidence
 * has neither. What a report counts by month, rather than the day a sync detected it.
 */
export const decidedOnSql = sql<string | null>`coalesce(
  greatest(evidence->'dates'->'denial'->>'decisionDate', evidence->'dates'->'grant'->>'decisionDate'),
  greatest(evidence->'first'->>'classificationDate', evidence->'second'->>'classificationDate'))`

/**
 * The divergences in `scope`, as a query the caller selects and aggregates from (the reports'
 * sections, the CSV export): the one way another folder reads the table. Pass a transaction to
 * read several sections from one snapshot.
 */
export function divergencesInScope (db: Db | Transaction<Database>, scope: DivergenceScope) {
  let query = db.selectFrom('divergences')
  if (scope.start !== undefined) query = query.where('detected_at', '>=', scope.start)
  if (scope.end !== undefined) query = query.where('detected_at', '<', scope.end)
  if (scope.kind !== undefined) query = query.where('kind', '=', scope.kind)
  if (scope.agency !== undefined) {
    const agency = scope.agency
    query = query.where((eb) => eb.or([eb('first_issuer', '=', agency), eb('second_issuer', '=', agency)]))
  }
  if (scope.destination !== undefined) query = query.where('destination', '=', scope.destination)
  return query
}
