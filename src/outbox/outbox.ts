import { sql, type Transaction } from 'kysely'
import type { Logger } from 'pino'
import type { Db } from '../db/create-db.js'
import type { Database } from '../db/schema.js'
import { backoffDelayMs } from '../lib/backoff.js'
import type { Clock } from '../lib/clock.js'

/** One thing to send, as queued: what kind (`topic`, the handler that sends it), and what the handler reads. */
export interface OutboxItem {
  id: number
  topic: string
  payload: unknown
  /** Attempts before this one. */
  attempts: number
}

/**
 * What a handler says of one attempt: sent (`delivered`); refused for good by the receiver (a
 * 4xx other than 429: retrying will not make it acceptable); or failed for now, retried after
 * a backoff (and no sooner than `retryAfterSeconds` when the receiver asked).
 */
export type Attempt =
  | { outcome: 'delivered' }
  | { outcome: 'refused', error: string }
  | { outcome: 'failed', error: string, retryAfterSeconds?: number | undefined }

export type OutboxHandler = (item: OutboxItem) => Promise<Attempt>

/**
 * A topic's handler with a retry policy of its own: `maxAttempts` instead of the drain's
 * (`Infinity`: retried until delivered or refused, never given up).
 */
export interface OutboxTopic { handler: OutboxHandler, maxAttempts: number }

/** The handlers a drain sends with, by topic: a handler alone follows the drain's options. */
export type OutboxHandlers = Readonly<Record<string, OutboxHandler | OutboxTopic>>

export interface OutboxOptions {
  /** Items claimed at a time. */
  batch: number
  /** A claimed item is not claimed again for this long (its attempt under way, or its worker gone). */
  leaseMs: number
  /** After this many attempts an item is given up (kept, with its last error, for the administrators). */
  maxAttempts: number
  backoffBaseMs: number
  backoffCapMs: number
}

export const DEFAULT_OUTBOX_OPTIONS: OutboxOptions = { batch: 20, leaseMs: 120_000, maxAttempts: 20, backoffBaseMs: 2_000, backoffCapMs: 3_600_000 }

/**
 * Queues items to send, in the caller's transaction (the one that writes what they are about,
 * so that both commit or neither). An item with a `key` already queued is not queued again:
 * a delivery is never duplicated however often it is asked for.
 */
export async function enqueue (trx: Transaction<Database>, items: ReadonlyArray<{ topic: string, payload: unknown, key?: string | undefined }>, now: Date): Promise<void> {
  if (items.length === 0) return
  await trx.insertInto('outbox')
    .values(items.map((i) => ({ topic: i.topic, key: i.key ?? null, payload: JSON.stringify(i.payload), next_attempt_at: now, created_at: now })))
    .onConflict((oc) => oc.column('key').doNothing())
    .execute()
}

/** What one drain did. */
export interface DrainOutcome { delivered: number, failed: number, refused: number, givenUp: number }

/** What became of one attempt, once settled. */
export type Settled = 'delivered' | 'refused' | 'failed' | 'given-up'

type OutboxDeps = { db: Db, clock: Clock, logger: Pick<Logger, 'info' | 'warn'> }

/**
 * Sends what is due, `batch` at a time, until nothing is due or `signal` aborts: each batch is
 * claimed in a short transaction (`for update skip locked`, leased: several workers share the
 * queue and none sends an item another holds), sent by its topic's handler outside any
 * transaction, and settled: delivered and refused are final; a failure is retried after the
 * one backoff (src/lib/backoff.ts), given up after `maxAttempts` (the topic's own, if it has
 * one). An item of a topic with no handler here is left for a worker that has one.
 */
export async function drainOutbox (deps: OutboxDeps, handlers: OutboxHandlers, options: OutboxOptions = DEFAULT_OUTBOX_OPTIONS, signal?: AbortSignal): Promise<DrainOutcome> {
  const outcome: DrainOutcome = { delivered: 0, failed: 0, refused: 0, givenUp: 0 }
  const topics = Object.keys(handlers)
  if (topics.length === 0) return outcome
  while (signal?.aborted !== true) {
    const now = deps.clock.now()
    const { rows } = await sql<ClaimedRow>`
      update outbox set next_attempt_at = ${new Date(now.getTime() + options.leaseMs)}
      where id in (
        select id from outbox
        where state = 'pending' and next_attempt_at <= ${now} and topic = any(${topics}::text[])
        order by next_attempt_at, id
        limit ${options.batch}
        for update skip locked)
      returning id, topic, payload, attempts`.execute(deps.db)
    if (rows.length === 0) break
    for (const row of rows) {
      const settled = await attempt(deps, handlers, row, options)
      if (settled === 'given-up') outcome.givenUp++
      else outcome[settled]++
    }
  }
  return outcome
}

/**
 * Sends now the one item queued under `key`, claimed, sent and settled as a drain does (the
 * same lease, handler and settling): the first attempt right after the commit that queued it,
 * without waiting for the job. Does nothing and returns undefined when that item is not pending
 * and due (sent or refused already, held by a worker, its retry not due yet) or its topic has
 * no handler here.
 */
export async function sendNow (deps: OutboxDeps, handlers: OutboxHandlers, key: string, options: OutboxOptions = DEFAULT_OUTBOX_OPTIONS): Promise<Settled | undefined> {
  const now = deps.clock.now()
  const { rows: [row] } = await sql<ClaimedRow>`
    update outbox set next_attempt_at = ${new Date(now.getTime() + options.leaseMs)}
    where id = (
      select id from outbox
      where key = ${key} and state = 'pending' and next_attempt_at <= ${now} and topic = any(${Object.keys(handlers)}::text[])
      for update skip locked)
    returning id, topic, payload, attempts`.execute(deps.db)
  return row === undefined ? undefined : attempt(deps, handlers, row, options)
}

interface ClaimedRow { id: string, topic: string, payload: unknown, attempts: number }

/** One claimed item sent by its topic's handler (a handler that throws has failed) and settled. */
async function attempt (deps: OutboxDeps, handlers: OutboxHandlers, row: ClaimedRow, options: OutboxOptions): Promise<Settled> {
  const item: OutboxItem = { id: Number(row.id), topic: row.topic, payload: row.payload, attempts: row.attempts }
  const entry = handlers[row.topic] as OutboxHandler | OutboxTopic
  const { handler, maxAttempts } = typeof entry === 'function' ? { handler: entry, maxAttempts: options.maxAttempts } : entry
  let result: Attempt
  try {
    result = await handler(item)
  } catch (err) {
    result = { outcome: 'failed', error: (err as Error).message }
  }
  return settle(deps, item, result, { ...options, maxAttempts })
}

async function settle (deps: OutboxDeps, item: OutboxItem, attempt: Attempt, options: OutboxOptions): Promise<Settled> {
  const now = deps.clock.now()
  const attempts = item.attempts + 1
  const about = { component: 'outbox', topic: item.topic, item: item.id, attempts }
  if (attempt.outcome === 'delivered' || attempt.outcome === 'refused') {
    await deps.db.updateTable('outbox').set({
      state: attempt.outcome, attempts, next_attempt_at: null, settled_at: now, last_error: attempt.outcome === 'refused' ? attempt.error : null
    }).where('id', '=', item.id).execute()
    if (attempt.outcome === 'refused') deps.logger.warn(about, 'outbox item refused by its receiver; not retried')
    return attempt.outcome
  }
  const givenUp = attempts >= options.maxAttempts
  const delay = backoffDelayMs(item.attempts, { baseMs: options.backoffBaseMs, capMs: options.backoffCapMs, retryAfterSeconds: attempt.retryAfterSeconds })
  await deps.db.updateTable('outbox').set({
    state: givenUp ? 'given-up' : 'pending', attempts, last_error: attempt.error, next_attempt_at: givenUp ? null : new Date(now.getTime() + delay), settled_at: givenUp ? now : null
  }).where('id', '=', item.id).execute()
  deps.logger.warn({ ...about, retryInMs: givenUp ? undefined : Math.round(delay) }, givenUp ? 'outbox item given up after its last attempt' : 'outbox item failed; retried later')
  return givenUp ? 'given-up' : 'failed'
}

/** Per topic: what waits (and is due now), the oldest waiting, failures, refusals and items given up: for the administrators and the metrics. */
export interface OutboxTopicStatus {
  topic: string
  waiting: number
  due: number
  failing: number
  refused: number
  givenUp: number
  oldestWaitingSince: Date | null
  /** When the next attempt is due; null when nothing waits. */
  nextAttemptAt: Date | null
}

export async function outboxStatus (db: Db, now: Date): Promise<OutboxTopicStatus[]> {
  const rows = await db.selectFrom('outbox').select((eb) => [
    'topic',
    sql<string>`count(*) filter (where ${eb.ref('state')} = 'pending')`.as('waiting'),
    sql<string>`count(*) filter (where ${eb.ref('state')} = 'pending' and ${eb.ref('next_attempt_at')} <= ${now})`.as('due'),
    sql<string>`count(*) filter (where ${eb.ref('state')} = 'pending' and ${eb.ref('attempts')} > 0)`.as('failing'),
    sql<string>`count(*) filter (where ${eb.ref('state')} = 'refused')`.as('refused'),
    sql<string>`count(*) filter (where ${eb.ref('state')} = 'given-up')`.as('given_up'),
    sql<Date | null>`min(${eb.ref('created_at')}) filter (where ${eb.ref('state')} = 'pending')`.as('oldest'),
    sql<Date | null>`min(${eb.ref('next_attempt_at')}) filter (where ${eb.ref('state')} = 'pending')`.as('next_attempt_at')
  ]).groupBy('topic').orderBy('topic').execute()
  return rows.map((r) => ({
    topic: r.topic, waiting: Number(r.waiting), due: Number(r.due), failing: Number(r.failing), refused: Number(r.refused), givenUp: Number(r.given_up), oldestWaitingSince: r.oldest, nextAttemptAt: r.next_attempt_at
  }))
}

/** An item still to send that failed at least once: for the administrators, with what its topic's owner tells of it (from `key` or `payload`). */
export interface FailingItem {
  id: number
  key: string | null
  payload: unknown
  attempts: number
  lastError: string | null
  queuedAt: Date
  nextAttemptAt: Date | null
}

/** Up to `limit` items of `topic` still to send after a failure, most attempts first. */
export async function failingItems (db: Db, topic: string, limit: number): Promise<FailingItem[]> {
  const rows = await db.selectFrom('outbox').select(['id', 'key', 'payload', 'attempts', 'last_error', 'created_at', 'next_attempt_at'])
    .where('topic', '=', topic).where('state', '=', 'pending').where('attempts', '>', 0)
    .orderBy('attempts', 'desc').orderBy('created_at').orderBy('id').limit(limit)
    .execute()
  return rows.map((r) => ({
    id: Number(r.id),
    key: r.key,
    payload: r.payload,
    attempts: r.attempts,
    lastError: r.last_error,
    queuedAt: new Date(r.created_at),
    nextAttemptAt: r.next_attempt_at === null ? null : new Date(r.next_attempt_at)
  }))
}
