import { sql, type Transaction } from 'kysely'
import type { Db } from '../db/create-db.js'
import { listOpenConsultations } from '../consultations/index.js'
import type { Database } from '../db/schema.js'
import { decidedOnSql, DIVERGENCE_KINDS, DIVERGENCE_STATES, divergencesInScope, OUTSTANDING_STATES, SEVERITIES, type DivergenceScope } from '../divergence/index.js'
import { controlCategoryName } from '../matching/index.js'
import type { DivergenceReport, DivergenceReportFilter } from './report-schema.js'

const DAY_MS = 86_400_000

/** Day ranges for the time to resolution and the age of outstanding divergences: [fromDays, toDays). */
export const DAY_BUCKETS: ReadonlyArray<{ label: string, fromDays: number, toDays: number | null }> = [
  { label: 'under 1 day', fromDays: 0, toDays: 1 },
  { label: '1 to 7 days', fromDays: 1, toDays: 7 },
  { label: '7 to 30 days', fromDays: 7, toDays: 30 },
  { label: '30 to 90 days', fromDays: 30, toDays: 90 },
  { label: '90 to 365 days', fromDays: 90, toDays: 365 },
  { label: '1 year or more', fromDays: 365, toDays: null }
]

/** The UTC instants [start, end) that a period of whole days (`from`, `to` inclusive) covers. */
export function periodBounds (filter: Pick<DivergenceReportFilter, 'from' | 'to'>): { start: Date | undefined, end: Date | undefined } {
  return {
    start: filter.from === undefined ? undefined : new Date(`${filter.from}T00:00:00Z`),
    end: filter.to === undefined ? undefined : new Date(new Date(`${filter.to}T00:00:00Z`).getTime() + DAY_MS)
  }
}

/** The divergence scope a report's filter stands for: its period of whole days as UTC instants. */
export function scopeOf (filter: DivergenceReportFilter): DivergenceScope {
  return { ...periodBounds(filter), kind: filter.kind, agency: filter.agency, destination: filter.destination }
}

const isOutstanding = sql<boolean>`state in (${sql.join(OUTSTANDING_STATES)})`
const daysTo2 = (days: number | null) => days === null ? null : Math.round(days * 100) / 100

/**
 * The divergence report for auditors, computed from the divergences we hold (ours and our
 * allies'): totals, per agency and month, by control category and destination, the time to
 * resolution and the age of outstanding divergences, at `now`. All sections are read in one
 * read-only snapshot, so they agree with each other.
 */
export async function buildDivergenceReport (db: Db, filter: DivergenceReportFilter, context: { agency: string, now: Date }): Promise<DivergenceReport> {
  return db.transaction().setIsolationLevel('repeatable read').setAccessMode('read only').execute(async (trx) => {
    const scope = () => divergencesInScope(trx, scopeOf(filter))
    const [totals, perAgency, perMonth, byControlCategory, byDestination, timeToResolution, outstandingByAge] = [
      await readTotals(scope),
      await readPerAgency(trx, scope),
      await readPerMonth(scope),
      await readByColumn(scope, 'control_category'),
      await readByColumn(scope, 'destination'),
      await readTimeToResolution(trx, scope),
      await readOutstandingByAge(trx, scope, context.now)
    ]
    const divergences = await readDivergenceList(scope)
    const consultations = await readConsultations(trx, context, filter.agency)
    return {
      agency: context.agency,
      generatedAt: context.now.toISOString(),
      period: { from: filter.from ?? null, to: filter.to ?? null },
      filters: { kind: filter.kind ?? null, agency: filter.agency ?? null, destination: filter.destination ?? null },
      totals,
      perAgency,
      perMonth,
      byControlCategory: byControlCategory.map(({ key, ...counts }) => ({ controlCategory: key, name: key === null ? null : controlCategoryName(key), ...counts })),
      byDestination: byDestination.map(({ key, ...counts }) => ({ destination: key, ...counts })),
      timeToResolution,
      outstandingByAge,
      divergences,
      consultations
    }
  })
}

type Scope = () => ReturnType<typeof divergencesInScope>

async function readTotals (scope: Scope): Promise<DivergenceReport['totals']> {
  const rows = await scope().select(['kind', 'severity', 'state', (eb) => eb.fn.countAll().as('n')]).groupBy(['kind', 'severity', 'state']).execute()
  const zeros = <K extends string>(keys: readonly K[]) => Object.fromEntries(keys.map((k) => [k, 0])) as Record<K, number>
  const totals = { divergences: 0, outstanding: 0, resolved: 0, byKind: zeros(DIVERGENCE_KINDS), bySeverity: zeros(SEVERITIES), byState: zeros(DIVERGENCE_STATES) }
  for (const row of rows) {
    const n = Number(row.n)
    totals.divergences += n
    totals.byKind[row.kind] += n
    totals.bySeverity[row.severity] += n
    totals.byState[row.state] += n
  }
  totals.outstanding = OUTSTANDING_STATES.reduce((sum, state) => sum + totals.byState[state], 0)
  totals.resolved = totals.byState.resolved
  return totals
}

async function readPerAgency (trx: Transaction<Database>, scope: Scope): Promise<DivergenceReport['perAgency']> {
  const sides = scope().select(['id', 'state', 'first_issuer as agency', sql<string>`'first'`.as('side')])
    .unionAll(scope().select(['id', 'state', 'second_issuer as agency', sql<string>`'second'`.as('side')]))
  const rows = await trx.selectFrom(sides.as('s')).select([
    's.agency',
    sql<number>`count(distinct s.id)`.as('total'),
    sql<number>`count(*) filter (where s.side = 'first')`.as('asFirst'),
    sql<number>`count(*) filter (where s.side = 'second')`.as('asSecond'),
    sql<number>`count(distinct s.id) filter (where ${isOutstanding})`.as('outstanding')
  ]).groupBy('s.agency').execute()
  return rows
    .map((r) => ({ agency: r.agency, total: Number(r.total), asFirst: Number(r.asFirst), asSecond: Number(r.asSecond), outstanding: Number(r.outstanding) }))
    .sort((a, b) => b.total - a.total || a.agency.localeCompare(b.agency))
}

const monthOf = (column: 'detected_at' | 'resolved_at') => sql<string>`to_char(${sql.ref(column)} at time zone 'UTC', 'YYYY-MM')`

async function readPerMonth (scope: Scope): Promise<DivergenceReport['perMonth']> {
  const decided = await scope().select([sql<string | null>`left(${decidedOnSql}, 7)`.as('month'), (eb) => eb.fn.countAll().as('n')]).groupBy(sql`1`).execute()
  const detected = await scope().select([monthOf('detected_at').as('month'), (eb) => eb.fn.countAll().as('n')]).groupBy(sql`1`).execute()
  const resolved = await scope().where('state', '=', 'resolved').where('resolved_at', 'is not', null)
    .select([monthOf('resolved_at').as('month'), (eb) => eb.fn.countAll().as('n')]).groupBy(sql`1`).execute()
  const zero = () => ({ decided: 0, detected: 0, resolved: 0 })
  const byMonth = new Map<string, { decided: number, detected: number, resolved: number }>()
  const at = (month: string) => byMonth.get(month) ?? byMonth.set(month, zero()).get(month) as { decided: number, detected: number, resolved: number }
  for (const r of decided) if (r.month !== null) at(r.month).decided += Number(r.n)
  for (const r of detected) at(r.month).detected += Number(r.n)
  for (const r of resolved) at(r.month).resolved += Number(r.n)
  const months = [...byMonth.keys()].sort()
  const first = months[0]
  const last = months.at(-1)
  if (first === undefined || last === undefined) return []
  return monthsBetween(first, last).map((month) => ({ month, ...(byMonth.get(month) ?? zero()) }))
}

const LISTED = 500

/** The report's divergences one by one, newest detection first (the first LISTED; the CSV has them all). */
async function readDivergenceList (scope: Scope): Promise<DivergenceReport['divergences']> {
  const rows = await scope()
    .select(['id', 'kind', 'severity', 'state', 'first_issuer', 'second_issuer', 'destination', 'control_category', 'detected_at', 'explanation', decidedOnSql.as('decided_on')])
    .orderBy('detected_at', 'desc').orderBy('id').limit(LISTED).execute()
  return rows.map((r) => ({
    id: r.id,
    kind: r.kind,
    severity: r.severity,
    state: r.state,
    firstIssuer: r.first_issuer,
    secondIssuer: r.second_issuer,
    destination: r.destination,
    controlCategory: r.control_category,
    decidedOn: r.decided_on,
    detectedAt: new Date(r.detected_at).toISOString(),
    explanation: r.explanation
  }))
}

/** Every month from `first` to `last` (YYYY-MM), both included. */
export function monthsBetween (first: string, last: string): string[] {
  const months: string[] = []
  let [year, month] = first.split('-').map(Number) as [number, number]
  for (let key = first; key <= last; key = `${year}-${String(month).padStart(2, '0')}`) {
    months.push(key)
    month += 1
    if (month === 13) { month = 1; year += 1 }
  }
  return months
}

async function readByColumn (scope: Scope, column: 'control_category' | 'destination') {
  const rows = await scope().select([
    sql.ref<string | null>(column).as('key'),
    (eb) => eb.fn.countAll().as('total'),
    sql<number>`count(*) filter (where ${isOutstanding})`.as('outstanding')
  ]).groupBy(sql`1`).execute()
  return rows
    .map((r) => ({ key: r.key, total: Number(r.total), outstanding: Number(r.outstanding) }))
    .sort((a, b) => b.total - a.total || (a.key === null ? 1 : b.key === null ? -1 : a.key.localeCompare(b.key)))
}

/** Counts per DAY_BUCKETS of a `days` column, as select expressions b0, b1, … */
const bucketCounts = () => DAY_BUCKETS.map((b, i) => (b.toDays === null
  ? sql<number>`count(*) filter (where days >= ${b.fromDays})`
  : sql<number>`count(*) filter (where days >= ${b.fromDays} and days < ${b.toDays})`).as(`b${i}`))

const bucketsOf = (row: Record<string, unknown>) => DAY_BUCKETS.map((b, i) => ({ ...b, count: Number(row[`b${i}`] ?? 0) }))

async function readTimeToResolution (trx: Transaction<Database>, scope: Scope): Promise<DivergenceReport['timeToResolution']> {
  const durations = scope().where('state', '=', 'resolved').where('resolved_at', 'is not', null)
    .select(sql<number>`extract(epoch from (resolved_at - detected_at))::float8 / 86400`.as('days'))
  const row = await trx.selectFrom(durations.as('r')).select([
    (eb) => eb.fn.countAll().as('n'),
    sql<number | null>`percentile_cont(0.5) within group (order by days)`.as('median'),
    sql<number | null>`percentile_cont(0.9) within group (order by days)`.as('p90'),
    ...bucketCounts()
  ]).executeTakeFirstOrThrow()
  return { resolved: Number(row.n), medianDays: daysTo2(row.median === null ? null : Number(row.median)), p90Days: daysTo2(row.p90 === null ? null : Number(row.p90)), buckets: bucketsOf(row) }
}

async function readOutstandingByAge (trx: Transaction<Database>, scope: Scope, now: Date): Promise<DivergenceReport['outstandingByAge']> {
  const ages = scope().where('state', 'in', OUTSTANDING_STATES)
    .select(sql<number>`greatest(0, extract(epoch from (${now}::timestamptz - detected_at))::float8 / 86400)`.as('days'))
  const row = await trx.selectFrom(ages.as('o')).select([(eb) => eb.fn.countAll().as('n'), ...bucketCounts()]).executeTakeFirstOrThrow()
  return { outstanding: Number(row.n), buckets: bucketsOf(row) }
}

const OPEN_LISTED = 200

/** Consultations open at `now` (both ways), the overdue ones, per peer, and the list of them. */
async function readConsultations (trx: Transaction<Database>, context: { agency: string, now: Date }, agency: string | undefined): Promise<DivergenceReport['consultations']> {
  const listed = (await listOpenConsultations(trx, context.now.toISOString().slice(0, 10), agency)).sort((a, b) => b.daysOverdue - a.daysOverdue || a.deadline.localeCompare(b.deadline) || a.id.localeCompare(b.id))
  const count = (direction: 'outgoing' | 'incoming', overdue: boolean) => listed.filter((c) => c.direction === direction && (!overdue || c.daysOverdue > 0)).length
  const peers = new Map<string, { peer: string, outgoing: number, incoming: number, overdue: number }>()
  for (const c of listed) {
    const row = peers.get(c.peer) ?? { peer: c.peer, outgoing: 0, incoming: 0, overdue: 0 }
    row[c.direction] += 1
    if (c.daysOverdue > 0) row.overdue += 1
    peers.set(c.peer, row)
  }
  return {
    open: { outgoing: count('outgoing', false), incoming: count('incoming', false) },
    overdue: { outgoing: count('outgoing', true), incoming: count('incoming', true) },
    perPeer: [...peers.values()].sort((a, b) => (b.outgoing + b.incoming) - (a.outgoing + a.incoming) || a.peer.localeCompare(b.peer)),
    openList: listed.slice(0, OPEN_LISTED)
  }
}
