import { randomUUID } from 'node:crypto'
import { sql } from 'kysely'
import { appendAuditEvents } from '../audit/index.js'
import type { MatchingConfig } from '../config.js'
import type { Db } from '../db/create-db.js'
import type { Clock } from '../lib/clock.js'
import { cursorField, cursorShape, decodeCursor, keysetPage } from '../lib/cursor.js'
import { errors } from '../lib/errors.js'
import { todayOf } from '../records/index.js'
import { partyKeyOf, screenApplication } from './screen-application.js'
import type { ApplicationResult, DispositionInput, Hit, ScreeningOptions, ScreeningRequest, ScreeningResult } from './schemas.js'

export interface ScreeningDeps {
  db: Db
  self: string
  clock: Clock
  matching: MatchingConfig
}

const DEFAULT_OPTIONS: ScreeningOptions = { includeOwn: false, includeInactive: false, includeSuppressed: false }

/**
 * Screens a batch of applications for `officer`, in one transaction: each application is
 * screened, stored as it was asked and answered (`screenings`), and written to the audit trail
 * with what was asked and what was returned; all of it commits together or not at all.
 */
export async function screenApplications (deps: ScreeningDeps, officer: string, request: ScreeningRequest): Promise<ScreeningResult> {
  const options = { ...DEFAULT_OPTIONS, ...request.options }
  const batchId = randomUUID()
  const screenedAt = deps.clock.now()
  const today = todayOf(deps.clock)
  return deps.db.transaction().execute(async (trx) => {
    const results: ApplicationResult[] = []
    for (const [position, application] of request.applications.entries()) {
      const date = application.date ?? today
      const { hits, suppressed, parties } = await screenApplication({ trx, self: deps.self, matching: deps.matching }, application, date, options)
      const result: ApplicationResult = {
        screeningId: randomUUID(),
        position,
        reference: application.reference ?? null,
        date,
        hits,
        suppressed: options.includeSuppressed ? suppressed : [],
        suppressedCount: suppressed.length,
        parties
      }
      await trx.insertInto('screenings').values({
        id: result.screeningId,
        batch_id: batchId,
        position,
        officer,
        screened_at: screenedAt,
        application: JSON.stringify(application),
        options: JSON.stringify(options),
        result: JSON.stringify({ ...result, suppressed })
      }).execute()
      results.push(result)
    }
    await appendAuditEvents(trx, results.map((result, position) => ({
      actor: officer,
      action: 'screening',
      subject: { type: 'screening', id: result.screeningId },
      detail: {
        batchId,
        asked: request.applications[position],
        options,
        returned: [...result.hits, ...result.suppressed].map(hitSummary),
        suppressedCount: result.suppressedCount
      }
    })), deps.clock)
    return { batchId, officer, screenedAt: screenedAt.toISOString(), results }
  })
}

/** What the audit trail keeps of a hit: enough to tell what the officer was shown. */
function hitSummary (hit: Hit) {
  return {
    hitId: hit.hitId,
    issuer: hit.record.issuer,
    recordId: hit.record.recordId,
    version: hit.record.version,
    essentiallyIdentical: hit.assessment.essentiallyIdentical,
    score: hit.assessment.score,
    partyScore: hit.party?.score ?? null,
    itemRelation: hit.item?.relation ?? null,
    suppressed: hit.suppressed
  }
}

export interface StoredScreening {
  screeningId: string
  batchId: string
  officer: string
  screenedAt: string
  application: unknown
  options: ScreeningOptions
  result: ApplicationResult
}

/** A stored screening as it was returned (with its suppressed hits), or NOT_FOUND. */
export async function getScreening (db: Db, id: string): Promise<StoredScreening> {
  const row = await db.selectFrom('screenings').selectAll().where('id', '=', id).executeTakeFirst()
  if (row === undefined) throw errors.notFound(`screening ${id}`)
  return {
    screeningId: row.id,
    batchId: row.batch_id,
    officer: row.officer,
    screenedAt: new Date(row.screened_at).toISOString(),
    application: row.application,
    options: row.options as ScreeningOptions,
    // screenings stored before the counts were kept listed every decision found and counted none
    result: { parties: [], ...(row.result as Omit<ApplicationResult, 'parties'> & Partial<Pick<ApplicationResult, 'parties'>>) }
  }
}

export interface RecordedDisposition {
  id: string
  screeningId: string
  hitId: string
  issuer: string
  recordId: string
  disposition: DispositionInput['disposition']
  reason: string
  officer: string
  decidedAt: string
  suppressesLaterHits: boolean
}

/**
 * Records an officer's disposition of one hit of a screening, with the audit event, in one
 * transaction. The hit must be one the screening returned (suppressed ones included).
 */
export async function recordDisposition (deps: ScreeningDeps, officer: string, screeningId: string, hitId: string, input: DispositionInput): Promise<RecordedDisposition> {
  const screening = await getScreening(deps.db, screeningId)
  const hit = [...screening.result.hits, ...screening.result.suppressed].find((h) => h.hitId === hitId)
  if (hit === undefined) throw errors.notFound(`hit ${hitId} of screening ${screeningId}`)
  const application = screening.application as { parties: Array<{ name: string }> }
  const partyKey = hit.party === null ? '' : partyKeyOf(application.parties[hit.party.applicationParty])
  const id = randomUUID()
  const decidedAt = deps.clock.now()
  await deps.db.transaction().execute(async (trx) => {
    await trx.insertInto('hit_dispositions').values({
      id,
      screening_id: screeningId,
      hit_id: hitId,
      issuer: hit.record.issuer,
      record_id: hit.record.recordId,
      party_key: partyKey,
      disposition: input.disposition,
      reason: input.reason,
      officer,
      decided_at: decidedAt
    }).execute()
    await appendAuditEvents(trx, [{
      actor: officer,
      action: 'disposition',
      subject: { type: 'screening-hit', id: `${screeningId}/${hitId}` },
      detail: { dispositionId: id, issuer: hit.record.issuer, recordId: hit.record.recordId, partyKey, disposition: input.disposition, reason: input.reason }
    }], deps.clock)
  })
  return {
    id,
    screeningId,
    hitId,
    issuer: hit.record.issuer,
    recordId: hit.record.recordId,
    disposition: input.disposition,
    reason: input.reason,
    officer,
    decidedAt: decidedAt.toISOString(),
    suppressesLaterHits: input.disposition === 'not-identical' || input.disposition === 'false-positive'
  }
}

/** An earlier screening as a list shows it: what was asked, and how much was found. */
export interface ScreeningSummary {
  screeningId: string
  officer: string
  screenedAt: Date
  reference: string | null
  destination: string
  parties: string[]
  hits: number
  essentiallyIdentical: number
  suppressedCount: number
}

const SCREENING_CURSOR = cursorShape<[Date, string]>('screenings', cursorField.isoInstant, cursorField.uuid)

/** Earlier screenings, newest first, of one officer or of all; a page of `limit`, and the cursor of the next. */
export async function listScreenings (db: Db, query: { officer?: string | undefined, limit: number, cursor?: string | undefined }): Promise<{ screenings: ScreeningSummary[], nextCursor: string | null }> {
  const after = query.cursor === undefined ? undefined : decodeCursor(query.cursor, SCREENING_CURSOR)
  const rows = await db.selectFrom('screenings')
    .select(['id', 'officer', 'screened_at'])
    .select([
      sql<string | null>`application->>'reference'`.as('reference'),
      sql<string>`application->>'destination'`.as('destination'),
      sql<string[]>`array(select jsonb_array_elements(application->'parties')->>'name')`.as('parties'),
      sql<number>`jsonb_array_length(result->'hits')`.as('hits'),
      sql<number>`(select count(*)::int from jsonb_array_elements(result->'hits') h where (h->'assessment'->>'essentiallyIdentical')::boolean)`.as('identical'),
      sql<number>`coalesce((result->>'suppressedCount')::int, 0)`.as('suppressed')
    ])
    .$if(query.officer !== undefined, (q) => q.where('officer', '=', query.officer as string))
    .$if(after !== undefined, (q) => q.where(sql<boolean>`(screened_at, id) < (${after?.[0]}, ${after?.[1]}::uuid)`))
    .orderBy('screened_at', 'desc').orderBy('id', 'desc')
    .limit(query.limit + 1)
    .execute()
  const { page, nextCursor } = keysetPage(rows, query.limit, SCREENING_CURSOR, (r) => [new Date(r.screened_at), r.id])
  return {
    screenings: page.map((r) => ({
      screeningId: r.id,
      officer: r.officer,
      screenedAt: new Date(r.screened_at),
      reference: r.reference,
      destination: r.destination,
      parties: r.parties,
      hits: r.hits,
      essentiallyIdentical: r.identical,
      suppressedCount: r.suppressed
    })),
    nextCursor
  }
}

/** The dispositions recorded of a screening's hits, the latest per hit, by hit id. */
export async function dispositionsOfScreening (db: Db, screeningId: string): Promise<Map<string, RecordedDisposition>> {
  const rows = await db.selectFrom('hit_dispositions').selectAll()
    .where('screening_id', '=', screeningId)
    .orderBy('decided_at', 'asc').orderBy('id', 'asc')
    .execute()
  return new Map(rows.map((r) => [r.hit_id, {
    id: r.id,
    screeningId: r.screening_id,
    hitId: r.hit_id,
    issuer: r.issuer,
    recordId: r.record_id,
    disposition: r.disposition,
    reason: r.reason,
    officer: r.officer,
    decidedAt: new Date(r.decided_at).toISOString(),
    suppressesLaterHits: r.disposition === 'not-identical' || r.disposition === 'false-positive'
  }]))
}
