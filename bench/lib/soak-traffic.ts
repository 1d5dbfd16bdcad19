/**
 * The legitimate traffic of bench/soak: one request class per kind of caller, each run by a
 * few closed-loop lanes (a lane sends its next request when the previous one has been answered
 * and its think time has passed). The same lanes, concurrency and think times run a class alone
 * and in the mixed phase. A lane answered 429, or 503 with Retry-After, waits what Retry-After
 * says (at most 30 s, and never past the deadline), as a well-behaved client does.
 */
import { sleepUnlessAborted } from '../../src/lib/sleep.js'
import type { DecisionInput } from '../../src/records/index.js'
import { PhaseStats, statusKey, TIMEOUT, NO_ANSWER } from './soak-stats.js'

/** A request ready to send, and what to do with its answer. */
export interface Prepared {
  path: string
  init?: RequestInit
  /** Called with the answer's status and body, to move the lane's state (a feed cursor, a push pointer). */
  answered?: (status: number, body: string) => void
}

export interface RequestClass {
  name: string
  what: string
  lanes: number
  thinkMs: number
  /** Builds lane `lane`'s next request; not timed (token signing, body building). */
  prepare (lane: number): Promise<Prepared> | Prepared
}

/** The officers whose tokens the officer classes use in turn. */
export const OFFICERS = 20

/** Longest a legitimate request may take before the client gives up on it (counted as `timeout`). */
export const REQUEST_TIMEOUT_MS = 60_000
const MAX_RETRY_AFTER_MS = 30_000

/**
 * Runs `classes` against `baseUrl` until `signal` aborts: no lane starts a request after that,
 * and a request under way ends within REQUEST_TIMEOUT_MS. Resolves when every lane has stopped.
 */
export async function runLanes (baseUrl: string, classes: readonly RequestClass[], stats: (name: string) => PhaseStats, signal: AbortSignal): Promise<void> {
  const lane = async (cls: RequestClass, i: number) => {
    const into = stats(cls.name)
    // lanes of one class start a little apart, so they do not move in step
    await sleepUnlessAborted(i * Math.min(cls.thinkMs, 200), signal)
    while (!signal.aborted) {
      const prepared = await cls.prepare(i)
      const started = performance.now()
      let key: string
      let body: string | undefined
      let waitMs = cls.thinkMs
      try {
        const res = await fetch(baseUrl + prepared.path, { ...prepared.init, signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS) })
        body = await res.text()
        const retryAfter = res.headers.get('retry-after')
        key = statusKey(res.status, retryAfter)
        if ((res.status === 429 || res.status === 503) && retryAfter !== null) waitMs = Math.min(MAX_RETRY_AFTER_MS, Math.max(1, Number(retryAfter) || 1) * 1000)
        prepared.answered?.(res.status, body)
      } catch (err) {
        const cause = (err as { cause?: { code?: string } }).cause?.code
        key = (err as Error).name === 'TimeoutError' ? TIMEOUT : `${NO_ANSWER}${cause !== undefined ? ` (${cause})` : ''}`
      }
      into.record(key, performance.now() - started, body)
      await sleepUnlessAborted(waitMs, signal)
    }
  }
  await Promise.all(classes.flatMap((cls) => Array.from({ length: cls.lanes }, (_, i) => lane(cls, i))))
}

export interface TrafficSources {
  /** Authorization header of officer `sub`. */
  officer (sub: string): Promise<string>
  /** A fresh partner token of the peer (single use), as an authorization header. */
  partner (): Promise<string>
  /** The next decision for a publish or an import, with a reference never used before. */
  nextDecision (prefix: string): DecisionInput
  /** Screening applications (parties lightly misspelt), used in turn. */
  applications: ReadonlyArray<Record<string, unknown>>
  /** Party names to search for, used in turn. */
  searchNames: readonly string[]
  /** The peer's signed entries that the target does not hold yet, in seq order. */
  pushEntries: ReadonlyArray<{ seq: number, jws: string }>
  importRows: number
}

const json = (body: unknown): RequestInit => ({ method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) })
const withAuth = async (init: RequestInit, authorization: Promise<string>): Promise<RequestInit> => ({ ...init, headers: { ...init.headers as Record<string, string>, authorization: await authorization } })

/** RFC 4180 cell: quoted when it holds a comma, a quote or a line break. */
const cell = (value: unknown) => {
  const text = value === undefined || value === null ? '' : String(value)
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text
}
const CSV_HEADER = ['reference', 'outcome', 'decision_date', 'destination', 'valid_until', 'end_use', 'reasons', 'party_role', 'party_name', 'party_aliases',
  'party_country', 'item_codes', 'item_description', 'item_quantity', 'item_value', 'item_currency']

/** Decisions as the CSV import reads them: one row per party and item pair, decision cells on every row. */
export function toCsv (decisions: readonly DecisionInput[]): string {
  const rows = [CSV_HEADER.join(',')]
  for (const d of decisions) {
    const decision = [d.reference, d.outcome, d.decisionDate, d.destination, d.validUntil, d.endUse, d.reasons.map((r) => `${r.scheme}:${r.code}`).join(';')]
    const count = Math.max(d.parties.length, d.items.length)
    for (let i = 0; i < count; i++) {
      const party = d.parties[i]
      const item = d.items[i]
      rows.push([
        ...decision,
        party?.role, party?.name, party?.aliases.filter((a) => !a.includes(';')).join(';'), party?.country,
        item?.codes.map((c) => `${c.regime}:${c.code}`).join(';'), item?.description, item?.quantity, item?.value?.amount, item?.value?.currency
      ].map(cell).join(','))
    }
  }
  return rows.join('\n') + '\n'
}

/** The request classes of the soak, over `sources`. */
export function requestClasses (sources: TrafficSources): RequestClass[] {
  let application = 0
  let search = 0
  let imports = 0
  let feedAfter = 0
  let push = 0
  let officerTurn = 0
  // officers take turns, as many officers at their desks do: rate limits count per officer and class
  const officer = () => sources.officer(`soak-officer-${officerTurn++ % OFFICERS}`)
  return [
    {
      name: 'screening',
      what: 'POST /v1/screenings, one application (a party, an item), own decisions included every other time',
      lanes: 2,
      thinkMs: 250,
      prepare: async () => {
        const n = application++
        return { path: '/v1/screenings', init: await withAuth(json({ applications: [sources.applications[n % sources.applications.length]], options: { includeOwn: n % 2 === 0 } }), officer()) }
      }
    },
    {
      name: 'search',
      what: 'GET /v1/decisions?party=…&limit=20',
      lanes: 2,
      thinkMs: 250,
      prepare: async () => {
        const name = sources.searchNames[search++ % sources.searchNames.length] as string
        return { path: `/v1/decisions?party=${encodeURIComponent(name)}&limit=20`, init: { headers: { authorization: await officer() } } }
      }
    },
    {
      name: 'publish',
      what: 'POST /v1/decisions, one decision',
      lanes: 1,
      thinkMs: 500,
      prepare: async () => ({ path: '/v1/decisions', init: await withAuth(json(sources.nextDecision('soak-pub')), officer()) })
    },
    {
      name: 'import',
      what: `POST /v1/decisions/import, ${sources.importRows} decisions, NDJSON and CSV in turn`,
      lanes: 1,
      thinkMs: 2000,
      prepare: async () => {
        const n = imports++
        const decisions = Array.from({ length: sources.importRows }, () => sources.nextDecision(`soak-imp-${n}`))
        const [type, body] = n % 2 === 0
          ? ['application/x-ndjson', decisions.map((d) => JSON.stringify(d)).join('\n') + '\n']
          : ['text/csv', toCsv(decisions)]
        return { path: '/v1/decisions/import', init: { method: 'POST', headers: { 'content-type': type, authorization: await officer() }, body } }
      }
    },
    {
      name: 'feed',
      what: 'GET /v1/feed?after=…&limit=500 with a partner token, walking the whole feed again and again',
      lanes: 1,
      thinkMs: 200,
      prepare: async () => ({
        path: `/v1/feed?after=${feedAfter}&limit=500`,
        init: { headers: { authorization: await sources.partner() } },
        answered: (status, body) => {
          if (status !== 200) return
          // `next` and `hasMore` come before the entries: no need to parse 600 KB on the client's loop
          const head = body.slice(0, 300)
          const next = /"next":(\d+)/.exec(head)?.[1]
          feedAfter = /"hasMore":true/.test(head) && next !== undefined ? Number(next) : 0
        }
      })
    },
    {
      name: 'feed-head',
      what: 'GET /v1/feed/head with a partner token',
      lanes: 1,
      thinkMs: 500,
      prepare: async () => ({ path: '/v1/feed/head', init: { headers: { authorization: await sources.partner() } } })
    },
    {
      name: 'inbox',
      what: 'POST /v1/inbox: the peer\'s next signed entry (stored), from the start again (duplicates) once all were pushed',
      lanes: 1,
      thinkMs: 200,
      prepare: async () => {
        const entry = sources.pushEntries[push % sources.pushEntries.length] as { jws: string }
        return {
          path: '/v1/inbox',
          init: await withAuth(json({ jws: entry.jws }), sources.partner()),
          // the next entry only once this one is held: skipping one would leave the rest pending
          answered: (status) => { if (status >= 200 && status < 300) push++ }
        }
      }
    },
    {
      name: 'health-ready',
      what: 'GET /health/ready (a load balancer\'s probe)',
      lanes: 1,
      thinkMs: 250,
      prepare: () => ({ path: '/health/ready' })
    },
    {
      name: 'health-live',
      what: 'GET /health/live (no database: the event loop and the network alone)',
      lanes: 1,
      thinkMs: 250,
      prepare: () => ({ path: '/health/live' })
    },
    {
      name: 'jwks',
      what: 'GET /.well-known/jwks.json',
      lanes: 1,
      thinkMs: 500,
      prepare: () => ({ path: '/.well-known/jwks.json' })
    }
  ]
}
