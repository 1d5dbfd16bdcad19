import { randomUUID } from 'node:crypto'
import { sql, type Selectable, type Transaction } from 'kysely'
import { appendAuditEvents } from '../audit/index.js'
import type { Db } from '../db/create-db.js'
import type { CaseTable, Database } from '../db/schema.js'
import type { Clock } from '../lib/clock.js'
import { cursorField, cursorShape, decodeCursor, keysetPage } from '../lib/cursor.js'
import { errors } from '../lib/errors.js'
import type { Application, Hit } from '../screening/index.js'
import { alertsAbout, raiseAlerts, type AlertFinding } from './alerts.js'
import type { CaseQuery, CaseSummary, CaseView } from './schemas.js'
import { indexWatchedParties, unindexWatched } from './watch-index.js'

/** A case as the matching reads it. */
export interface OpenCase { id: string, reference: string, officer: string, application: Application }

/**
 * Opens a case for `officer`: the application watched from now on (its parties and codes kept
 * searchable, `indexWatchedParties`) and the hits of the screening it opens
 * with kept as its first, already read (the officer has seen them). In the audit trail.
 */
export async function openCase (
  trx: Transaction<Database>, clock: Clock, officer: string, input: { reference: string, application: Application, screeningId: string, hits: readonly Hit[] }
): Promise<string> {
  const id = randomUUID()
  const now = clock.now()
  await trx.insertInto('cases').values({
    id, reference: input.reference, officer, application: JSON.stringify(input.application), state: 'open', screening_id: input.screeningId, opened_at: now
  }).execute()
  await indexWatchedParties(trx, { type: 'case', id }, input.application.parties)
  const opened: OpenCase = { id, reference: input.reference, officer, application: input.application }
  await raiseAlerts(trx, input.hits.map((hit) => ({ ...caseHitFinding(opened, hit), acknowledgedBy: officer })), clock)
  await appendAuditEvents(trx, [{
    actor: officer, action: 'case-opened', subject: { type: 'case', id }, detail: { reference: input.reference, screeningId: input.screeningId, hits: input.hits.length }
  }], clock)
  return id
}

/** The alert of a hit for a case: one per case and record, whatever party or item made it a hit. */
export function caseHitFinding (c: OpenCase, hit: Hit): AlertFinding {
  const what = `${hit.record.own ? 'our' : `${hit.record.issuer}'s`} ${hit.record.outcome === 'denied' ? 'denial' : 'grant'} ${hit.record.reference}`
  return {
    kind: 'case-hit',
    findingKey: `case-hit ${c.id} ${hit.record.issuer}/${hit.record.recordId}`,
    recipient: { user: c.officer, role: null },
    subject: { type: 'case', id: c.id },
    record: { issuer: hit.record.issuer, recordId: hit.record.recordId, version: hit.record.version },
    holds: true,
    title: `${hit.assessment.essentiallyIdentical ? 'Essentially identical: ' : ''}${what} is a hit for case ${c.reference}`,
    explanation: [hit.assessment.summary, hit.party?.explanation, hit.item?.explanation].filter((e) => e !== undefined && e !== '').join(' '),
    detail: hit
  }
}

/** The open cases among `ids`, locked against closing while a record is matched against them. */
export async function openCasesAmong (trx: Transaction<Database>, ids: readonly string[]): Promise<OpenCase[]> {
  if (ids.length === 0) return []
  const rows = await trx.selectFrom('cases').select(['id', 'reference', 'officer', 'application'])
    .where('id', 'in', [...ids]).where('state', '=', 'open').orderBy('id').forShare().execute()
  return rows.map((r) => ({ id: r.id, reference: r.reference, officer: r.officer, application: r.application as Application }))
}

/**
 * Closes an open case: `decided` by the decision recorded for it (in the transaction that
 * records it), or `withdrawn` with a reason. It is no longer watched. INVALID_TRANSITION when
 * the case is closed already, NOT_FOUND when there is none.
 */
export async function closeCase (
  trx: Transaction<Database>, clock: Clock, actor: string, id: string, how: { decision: { issuer: string, recordId: string } } | { withdrawn: string }
): Promise<void> {
  const row = await trx.selectFrom('cases').select(['state', 'reference']).where('id', '=', id).forUpdate().executeTakeFirst()
  if (row === undefined) throw errors.notFound(`case ${id}`)
  if (row.state !== 'open') throw errors.invalidTransition(`case ${id} is ${row.state}, not open: it cannot be ${'decision' in how ? 'decided' : 'withdrawn'} again`)
  const decided = 'decision' in how
  await trx.updateTable('cases').set({
    state: decided ? 'decided' : 'withdrawn',
    closed_at: clock.now(),
    decision_issuer: decided ? how.decision.issuer : null,
    decision_record_id: decided ? how.decision.recordId : null,
    close_reason: decided ? null : how.withdrawn
  }).where('id', '=', id).execute()
  await unindexWatched(trx, { type: 'case', id })
  await appendAuditEvents(trx, [{
    actor, action: decided ? 'case-decided' : 'case-withdrawn', subject: { type: 'case', id }, detail: decided ? { decision: how.decision } : { reason: how.withdrawn }
  }], clock)
}

/** One case with its hits. NOT_FOUND when there is none. */
export async function getCase (db: Db, id: string): Promise<CaseView> {
  const row = await casesWithCounts(db).where('c.id', '=', id).executeTakeFirst()
  if (row === undefined) throw errors.notFound(`case ${id}`)
  const { hits: hitCount, ...summary } = caseSummary(row)
  return { ...summary, hitCount, application: row.application as Application, hits: await alertsAbout(db, { type: 'case', id }) }
}

const CASE_CURSOR = cursorShape<[Date, string]>('cases', cursorField.isoInstant, cursorField.uuid)

/** Cases, newest first, in keyset pages: by state, and the caller's own only with `officer`. */
export async function listCases (db: Db, query: CaseQuery & { officer?: string | undefined }): Promise<{ cases: CaseSummary[], nextCursor: string | null }> {
  const after = query.cursor === undefined ? undefined : decodeCursor(query.cursor, CASE_CURSOR)
  const rows = await casesWithCounts(db)
    .$if(query.state !== undefined, (q) => q.where('c.state', '=', query.state as CaseTable['state']))
    .$if(query.officer !== undefined, (q) => q.where('c.officer', '=', query.officer as string))
    .$if(after !== undefined, (q) => q.where(sql<boolean>`(c.opened_at, c.id) < (${after?.[0]}, ${after?.[1]}::uuid)`))
    .orderBy('c.opened_at', 'desc').orderBy('c.id', 'desc')
    .limit(query.limit + 1)
    .execute()
  const { page, nextCursor } = keysetPage(rows, query.limit, CASE_CURSOR, (r) => [new Date(r.opened_at), r.id])
  return { cases: page.map(caseSummary), nextCursor }
}

function casesWithCounts (db: Db) {
  return db.selectFrom('cases as c').selectAll('c')
    .select(sql<number>`(select count(*)::int from alerts a where a.subject_type = 'case' and a.subject_id = c.id::text and a.holds)`.as('hit_count'))
}

function caseSummary (row: Selectable<CaseTable> & { hit_count: number }): CaseSummary {
  const application = row.application as Application
  return {
    id: row.id,
    reference: row.reference,
    officer: row.officer,
    state: row.state,
    destination: application.destination,
    parties: application.parties.map((p) => p.name),
    screeningId: row.screening_id,
    decision: row.decision_issuer === null || row.decision_record_id === null ? null : { issuer: row.decision_issuer, recordId: row.decision_record_id },
    closeReason: row.close_reason,
    openedAt: new Date(row.opened_at).toISOString(),
    closedAt: row.closed_at === null ? null : new Date(row.closed_at).toISOString(),
    hits: row.hit_count
  }
}
