import type { Selectable, Transaction } from 'kysely'
import type { Db } from '../db/create-db.js'
import type { ConsultationTable, ConsultationState, Database } from '../db/schema.js'
import type { Clock } from '../lib/clock.js'
import { errors } from '../lib/errors.js'
import { cursorField, cursorShape, decodeCursor, encodeCursor } from '../lib/cursor.js'
import { findPeerJwks } from '../peers/index.js'
import { todayOf } from '../records/index.js'
import type { KeyRing } from '../signing/index.js'
import { daysOverdue } from '../lib/deadlines.js'
import type { ProposedTransaction } from './messages.js'

type Row = Selectable<ConsultationTable>

/** The cursor of the listing (lib/cursor.ts): after the row's (requested at, id). */
const CURSOR = cursorShape<[requestedAt: Date, id: string]>('cn', cursorField.isoInstant, cursorField.uuid)

/** Awaiting something: a reply from the consulted agency, or information from the requester. */
export const OPEN_STATES: readonly ConsultationState[] = ['requested', 'more-information']

export interface ConsultationFilter {
  direction?: 'outgoing' | 'incoming' | undefined
  state?: ConsultationState | undefined
  peer?: string | undefined
  /** Only those awaiting a reply after their deadline (true), or only the others (false). */
  overdue?: boolean | undefined
  limit: number
  cursor?: string | undefined
}

/** Days a consultation awaiting the consulted agency's reply is past its deadline on `today`; 0 when it is not overdue. */
export function overdueDays (row: Pick<Row, 'state' | 'deadline'>, today: string): number {
  return row.state === 'requested' ? daysOverdue(row.deadline, today) : 0
}

/** A consultation as officers read it; `overdue` when awaiting a reply after its deadline. */
export function summaryOf (row: Row, today: string) {
  const late = overdueDays(row, today)
  return {
    id: row.id,
    direction: row.direction,
    requester: row.requester,
    consulted: row.consulted,
    peer: row.direction === 'outgoing' ? row.consulted : row.requester,
    denial: { issuer: row.denial_issuer, recordId: row.denial_record_id, reference: row.denial_reference },
    regime: row.regime,
    proposed: row.proposed as ProposedTransaction,
    question: row.question,
    state: row.state,
    deadline: row.deadline,
    overdue: late > 0,
    daysOverdue: late,
    requestedAt: new Date(row.requested_at).toISOString(),
    answeredAt: row.answered_at === null ? null : new Date(row.answered_at).toISOString(),
    updatedAt: new Date(row.updated_at).toISOString(),
    createdBy: row.created_by
  }
}
export type ConsultationSummary = ReturnType<typeof summaryOf>

/** Consultations both ways, newest request first, filtered; a page at a time. */
export async function listConsultations (deps: { db: Db, clock: Clock }, filter: ConsultationFilter) {
  const today = todayOf(deps.clock)
  let query = deps.db.selectFrom('consultations').selectAll()
  if (filter.direction !== undefined) query = query.where('direction', '=', filter.direction)
  if (filter.state !== undefined) query = query.where('state', '=', filter.state)
  if (filter.peer !== undefined) { const peer = filter.peer; query = query.where((eb) => eb.or([eb('requester', '=', peer), eb('consulted', '=', peer)])) }
  if (filter.overdue !== undefined) {
    query = filter.overdue
      ? query.where('state', '=', 'requested').where('deadline', '<', today)
      : query.where((eb) => eb.or([eb('state', '!=', 'requested'), eb('deadline', '>=', today)]))
  }
  if (filter.cursor !== undefined) {
    const [at, id] = decodeCursor(filter.cursor, CURSOR)
    query = query.where((eb) => eb.or([eb('requested_at', '<', at), eb.and([eb('requested_at', '=', at), eb('id', '>', id)])]))
  }
  const rows = await query.orderBy('requested_at', 'desc').orderBy('id').limit(filter.limit + 1).execute()
  const page = rows.slice(0, filter.limit)
  const last = page.at(-1)
  return {
    consultations: page.map((row) => summaryOf(row, today)),
    nextCursor: rows.length > filter.limit && last !== undefined ? encodeCursor(CURSOR, [new Date(last.requested_at), last.id]) : null
  }
}

/**
 * One consultation with every message in order: its signed JWS (verifiable offline with the
 * keys given for each agency), what it says, and, for the messages we sent, their delivery.
 */
export async function getConsultation (deps: { db: Db, self: string, clock: Clock, keyRing: Pick<KeyRing, 'jwks'> }, id: string) {
  const row = await deps.db.selectFrom('consultations').selectAll().where('id', '=', id).executeTakeFirst()
  if (row === undefined) throw errors.consultationNotFound(id)
  const messages = await deps.db.selectFrom('consultation_messages').selectAll().where('consultation_id', '=', id).orderBy('position').execute()
  const peer = row.requester === deps.self ? row.consulted : row.requester
  const peerKeys = await findPeerJwks(deps.db, peer) ?? { keys: [] }
  return {
    ...summaryOf(row, todayOf(deps.clock)),
    messages: messages.map((m) => {
      const { text } = JSON.parse(Buffer.from(m.jws.split('.')[1] ?? '', 'base64url').toString('utf8')) as { text?: string }
      return {
        id: m.id,
        position: m.position,
        kind: m.kind,
        from: m.sender,
        to: m.receiver,
        answer: m.answer,
        text: text ?? null,
        sentAt: new Date(m.sent_at).toISOString(),
        receivedAt: m.received_at === null ? null : new Date(m.received_at).toISOString(),
        delivery: m.delivery,
        attempts: m.attempts,
        lastError: m.last_error,
        jws: m.jws
      }
    }),
    keys: { [deps.self]: await deps.keyRing.jwks(), [peer]: peerKeys }
  }
}

/**
 * The consultations open on `today` (awaiting a reply or more information), both ways, with the
 * peer on the other side and the days each is overdue; those with `agency` on either side when
 * given. Read in the caller's transaction (a report's snapshot) or on the pool.
 */
export async function listOpenConsultations (db: Db | Transaction<Database>, today: string, agency?: string | undefined) {
  let query = db.selectFrom('consultations')
    .select(['id', 'direction', 'requester', 'consulted', 'denial_issuer', 'denial_record_id', 'denial_reference', 'regime', 'state', 'deadline', 'requested_at'])
    .where('state', 'in', OPEN_STATES)
  if (agency !== undefined) query = query.where((eb) => eb.or([eb('requester', '=', agency), eb('consulted', '=', agency)]))
  const rows = await query.execute()
  return rows.map((r) => ({
    id: r.id,
    direction: r.direction,
    peer: r.direction === 'outgoing' ? r.consulted : r.requester,
    denial: { issuer: r.denial_issuer, recordId: r.denial_record_id, reference: r.denial_reference },
    regime: r.regime,
    state: r.state as 'requested' | 'more-information',
    deadline: r.deadline,
    daysOverdue: overdueDays(r, today),
    requestedAt: new Date(r.requested_at).toISOString()
  }))
}

/**
 * How many consultations await the consulted agency's reply after their deadline on `today`, each
 * way (outgoing: an ally owes us a reply; incoming: we owe one): the metrics. Both directions, 0 included.
 */
export async function countOverdueConsultations (db: Db, today: string): Promise<Array<{ direction: 'outgoing' | 'incoming', count: number }>> {
  const rows = await db.selectFrom('consultations').select(['direction', (eb) => eb.fn.countAll<string>().as('n')])
    .where('state', '=', 'requested').where('deadline', '<', today).groupBy('direction').execute()
  const counts = new Map(rows.map((r) => [r.direction, Number(r.n)]))
  return (['outgoing', 'incoming'] as const).map((direction) => ({ direction, count: counts.get(direction) ?? 0 }))
}

/** Who is concerned by each consultation among `ids`: its direction, the peer, the denial's reference and the officer who asked (outgoing). */
export async function consultationParties (db: Db, ids: readonly string[]): Promise<Map<string, { direction: 'outgoing' | 'incoming', peer: string, denialReference: string, createdBy: string | null, deadline: string }>> {
  if (ids.length === 0) return new Map()
  const rows = await db.selectFrom('consultations').select(['id', 'direction', 'requester', 'consulted', 'denial_reference', 'created_by', 'deadline']).where('id', 'in', [...ids]).execute()
  return new Map(rows.map((r) => [r.id, {
    direction: r.direction, peer: r.direction === 'outgoing' ? r.consulted : r.requester, denialReference: r.denial_reference, createdBy: r.created_by, deadline: r.deadline
  }]))
}
