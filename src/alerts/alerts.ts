import { randomUUID } from 'node:crypto'
import { sql, type Selectable, type Transaction } from 'kysely'
import { appendAuditEvents, type AuditEventDraft } from '../audit/index.js'
import type { Db } from '../db/create-db.js'
import type { AlertTable, Database } from '../db/schema.js'
import type { Clock } from '../lib/clock.js'
import { cursorField, cursorShape, decodeCursor, keysetPage } from '../lib/cursor.js'
import { errors } from '../lib/errors.js'
import { queueDeliveries, type DeliveryRouting } from './deliveries.js'
import { ALERT_KINDS, type AlertKind, type AlertQuery, type AlertView } from './schemas.js'

/** Who reads alerts: a user, with the roles the token carries. */
export interface AlertViewer { subject: string, roles: readonly string[] }

/** A finding to alert, or to keep alerting: one per `findingKey` however often it is found. */
export interface AlertFinding {
  kind: AlertKind
  findingKey: string
  recipient: { user: string | null, role: string | null }
  subject: { type: string, id: string }
  record: { issuer: string, recordId: string, version: number } | null
  holds: boolean
  title: string
  explanation: string
  detail: unknown
  /** Raised already read (a case's hits found by the screening it opened with). */
  acknowledgedBy?: string | undefined
}

const SYSTEM = 'system'

/**
 * Raises the alerts of `findings` not raised before and updates those that were (whether they
 * hold, the record's version, the explanation), in the caller's transaction; an alert that
 * holds again after it stopped holding is unread again. New alerts and changes of `holds` go
 * to the audit trail; the new ones not read already are queued for delivery (`queueDeliveries`)
 * when `routing` is given. Returns the ids of the alerts newly raised.
 */
export async function raiseAlerts (trx: Transaction<Database>, findings: readonly AlertFinding[], clock: Clock, routing?: DeliveryRouting): Promise<string[]> {
  if (findings.length === 0) return []
  const now = clock.now()
  const held = new Map((await trx.selectFrom('alerts').select(['id', 'finding_key', 'holds', 'record_version'])
    .where('finding_key', 'in', findings.map((f) => f.findingKey)).forUpdate().execute()).map((a) => [a.finding_key, a]))
  const raised: string[] = []
  const toDeliver: Array<{ id: string, kind: string, recipientUser: string | null, recipientRole: string | null }> = []
  const audit: AuditEventDraft[] = []
  for (const f of findings) {
    const before = held.get(f.findingKey)
    if (before === undefined) {
      if (!f.holds) continue
      const id = randomUUID()
      await trx.insertInto('alerts').values({
        id,
        kind: f.kind,
        finding_key: f.findingKey,
        recipient_user: f.recipient.user,
        recipient_role: f.recipient.role,
        subject_type: f.subject.type,
        subject_id: f.subject.id,
        issuer: f.record?.issuer ?? null,
        record_id: f.record?.recordId ?? null,
        record_version: f.record?.version ?? null,
        holds: true,
        title: f.title,
        explanation: f.explanation,
        detail: JSON.stringify(f.detail),
        raised_at: now,
        updated_at: now,
        acknowledged_at: f.acknowledgedBy === undefined ? null : now,
        acknowledged_by: f.acknowledgedBy ?? null
      }).execute()
      raised.push(id)
      if (f.acknowledgedBy === undefined) toDeliver.push({ id, kind: f.kind, recipientUser: f.recipient.user, recipientRole: f.recipient.role })
      audit.push({ actor: SYSTEM, action: 'alert-raised', subject: { type: 'alert', id }, detail: { kind: f.kind, about: f.subject, record: f.record, recipient: f.recipient } })
    } else if (before.holds !== f.holds || before.record_version !== (f.record?.version ?? null)) {
      await trx.updateTable('alerts').set({
        holds: f.holds,
        record_version: f.record?.version ?? null,
        explanation: f.explanation,
        // what it found stays as found when it no longer holds
        ...(f.holds ? { detail: JSON.stringify(f.detail), title: f.title } : {}),
        updated_at: now,
        // holding again: to be read again
        ...(f.holds && !before.holds ? { acknowledged_at: null, acknowledged_by: null } : {})
      }).where('id', '=', before.id).execute()
      if (before.holds !== f.holds) {
        audit.push({ actor: SYSTEM, action: f.holds ? 'alert-holds-again' : 'alert-no-longer-holds', subject: { type: 'alert', id: before.id }, detail: { record: f.record, why: f.explanation } })
      }
    }
  }
  await appendAuditEvents(trx, audit, clock)
  if (routing !== undefined) await queueDeliveries(trx, toDeliver, routing, now)
  return raised
}

/**
 * Marks every alert still holding about a record of `issuer` as no longer holding, `why`, in the
 * caller's transaction: through `raiseAlerts`, so each is audited (`alert-no-longer-holds`) as
 * any alert that stops holding. What a removal that purges a peer's records does before they go.
 * Returns how many alerts.
 */
export async function alertsOnRecordsOfNoLongerHold (trx: Transaction<Database>, issuer: string, why: string, clock: Clock): Promise<number> {
  const rows = await trx.selectFrom('alerts').selectAll().where('issuer', '=', issuer).where('holds', '=', true).orderBy('id').execute()
  await raiseAlerts(trx, rows.map((a): AlertFinding => ({
    kind: a.kind as AlertKind,
    findingKey: a.finding_key,
    recipient: { user: a.recipient_user, role: a.recipient_role },
    subject: { type: a.subject_type, id: a.subject_id },
    record: a.record_id === null ? null : { issuer, recordId: a.record_id, version: a.record_version ?? 0 },
    holds: false,
    title: a.title,
    explanation: `no longer holds: ${why}`,
    detail: a.detail
  })), clock)
  return rows.length
}

/** The alerts already raised about the records `keys`, of `kinds`: what a change of those records re-evaluates. */
export async function alertsAboutRecords (
  trx: Transaction<Database>, keys: ReadonlyArray<{ issuer: string, recordId: string }>, kinds: readonly AlertKind[]
): Promise<Array<{ findingKey: string, kind: AlertKind, subject: { type: string, id: string }, issuer: string, recordId: string, holds: boolean }>> {
  if (keys.length === 0) return []
  const { rows } = await sql<{ finding_key: string, kind: AlertKind, subject_type: string, subject_id: string, issuer: string, record_id: string, holds: boolean }>`
    select a.finding_key, a.kind, a.subject_type, a.subject_id, a.issuer, a.record_id, a.holds
    from jsonb_to_recordset(${JSON.stringify(keys)}::jsonb) as k("issuer" text, "recordId" uuid)
    join alerts a on a.issuer = k.issuer and a.record_id = k."recordId"
    where a.kind = any(${kinds as string[]}::text[])`.execute(trx)
  return rows.map((r) => ({ findingKey: r.finding_key, kind: r.kind, subject: { type: r.subject_type, id: r.subject_id }, issuer: r.issuer, recordId: r.record_id, holds: r.holds }))
}

const ALERT_CURSOR = cursorShape<[Date, string]>('alerts', cursorField.isoInstant, cursorField.uuid)

/** What `viewer` may read: the alerts for them, and those for a role they hold. */
function forViewer (viewer: AlertViewer) {
  return sql<boolean>`(recipient_user = ${viewer.subject} or recipient_role = any(${[...viewer.roles]}::text[]))`
}

/** The alerts `viewer` may read, filtered, newest first, in keyset pages. */
export async function listAlerts (db: Db, viewer: AlertViewer, query: AlertQuery): Promise<{ alerts: AlertView[], nextCursor: string | null }> {
  const after = query.cursor === undefined ? undefined : decodeCursor(query.cursor, ALERT_CURSOR)
  const rows = await db.selectFrom('alerts').selectAll()
    .where(forViewer(viewer))
    .$if(query.kind !== undefined, (q) => q.where('kind', '=', query.kind as string))
    .$if(query.acknowledged !== undefined, (q) => q.where(query.acknowledged === true ? sql<boolean>`acknowledged_at is not null` : sql<boolean>`acknowledged_at is null`))
    .$if(query.holds !== undefined, (q) => q.where('holds', '=', query.holds as boolean))
    .$if(query.caseId !== undefined, (q) => q.where('subject_type', '=', 'case').where('subject_id', '=', query.caseId as string))
    .$if(query.since !== undefined, (q) => q.where('raised_at', '>=', new Date(query.since as string)))
    .$if(after !== undefined, (q) => q.where(sql<boolean>`(raised_at, id) < (${after?.[0]}, ${after?.[1]}::uuid)`))
    .orderBy('raised_at', 'desc').orderBy('id', 'desc')
    .limit(query.limit + 1)
    .execute()
  const { page, nextCursor } = keysetPage(rows, query.limit, ALERT_CURSOR, (r) => [new Date(r.raised_at), r.id])
  return { alerts: page.map(alertView), nextCursor }
}

/** One alert as the API shows it, whoever may read it (the deliveries read it at send time). */
export async function alertById (db: Db, id: string): Promise<AlertView | undefined> {
  const row = await db.selectFrom('alerts').selectAll().where('id', '=', id).executeTakeFirst()
  return row === undefined ? undefined : alertView(row)
}

/** Every alert about one subject (a case's hits), newest first. */
export async function alertsAbout (db: Db | Transaction<Database>, subject: { type: string, id: string }): Promise<AlertView[]> {
  const rows = await db.selectFrom('alerts').selectAll()
    .where('subject_type', '=', subject.type).where('subject_id', '=', subject.id)
    .orderBy('raised_at', 'desc').orderBy('id', 'desc').execute()
  return rows.map(alertView)
}

/** How many alerts `viewer` has still to read (the count on every page). */
export async function countUnreadAlerts (db: Db, viewer: AlertViewer): Promise<number> {
  const row = await db.selectFrom('alerts').select((eb) => eb.fn.countAll<string>().as('n'))
    .where(forViewer(viewer)).where('acknowledged_at', 'is', null).executeTakeFirst()
  return Number(row?.n ?? 0)
}

/** How many alerts of each kind nobody has acknowledged yet, whoever they are for (the metrics); every kind, 0 included. */
export async function countUnacknowledgedAlerts (db: Db): Promise<Array<{ kind: AlertKind, count: number }>> {
  const rows = await db.selectFrom('alerts').select(['kind', (eb) => eb.fn.countAll<string>().as('n')])
    .where('acknowledged_at', 'is', null).groupBy('kind').execute()
  const counts = new Map(rows.map((r) => [r.kind, Number(r.n)]))
  return ALERT_KINDS.map((kind) => ({ kind, count: counts.get(kind) ?? 0 }))
}

/**
 * `viewer` acknowledges one alert they may read (for a role's alert, for everyone of the role);
 * in the audit trail. Acknowledging it again changes nothing. NOT_FOUND for an alert they
 * may not read.
 */
export async function acknowledgeAlert (deps: { db: Db, clock: Clock }, viewer: AlertViewer, id: string): Promise<AlertView> {
  return deps.db.transaction().execute(async (trx) => {
    const row = await trx.selectFrom('alerts').selectAll().where('id', '=', id).where(forViewer(viewer)).forUpdate().executeTakeFirst()
    if (row === undefined) throw errors.notFound(`alert ${id}`)
    if (row.acknowledged_at !== null) return alertView(row)
    const now = deps.clock.now()
    const updated = await trx.updateTable('alerts').set({ acknowledged_at: now, acknowledged_by: viewer.subject }).where('id', '=', id).returningAll().executeTakeFirstOrThrow()
    await appendAuditEvents(trx, [{ actor: viewer.subject, action: 'alert-acknowledged', subject: { type: 'alert', id }, detail: { kind: row.kind, about: { type: row.subject_type, id: row.subject_id } } }], deps.clock)
    return alertView(updated)
  })
}

function alertView (row: Selectable<AlertTable>): AlertView {
  return {
    id: row.id,
    kind: row.kind as AlertKind,
    recipient: { user: row.recipient_user, role: row.recipient_role },
    subject: { type: row.subject_type, id: row.subject_id },
    record: row.issuer === null || row.record_id === null ? null : { issuer: row.issuer, recordId: row.record_id, version: row.record_version ?? 1 },
    holds: row.holds,
    title: row.title,
    explanation: row.explanation,
    detail: row.detail,
    raisedAt: new Date(row.raised_at).toISOString(),
    updatedAt: new Date(row.updated_at).toISOString(),
    acknowledged: row.acknowledged_at === null ? null : { at: new Date(row.acknowledged_at).toISOString(), by: row.acknowledged_by ?? '' }
  }
}
