import { randomUUID } from 'node:crypto'
import { performance } from 'node:perf_hooks'
import { sql, type Transaction } from 'kysely'
import type { Db } from '../../src/db/create-db.js'
import type { Database } from '../../src/db/schema.js'
import { DEFAULT_DIVERGENCE_CONFIG, detectDivergences } from '../../src/divergence/index.js'
import { fixedClock } from '../../src/lib/clock.js'
import { insertRecords } from '../../src/records/queries.js'
import { replaceRecordDetails } from '../../src/records/record-details.js'
import type { DecisionContent } from '../../src/records/index.js'
import { normaliseCode, partyNameHash } from '../../src/matching/index.js'
import { shuffledSampleDecisions } from './sample-decisions.js'
import { asStored, ISSUERS, NOW, recordRowOf, REVIEW_YEARS, type StoredDecision } from './stored-decisions.js'

export interface Probe extends StoredDecision { recordId: string, kind: 'grant' | 'denial' | 'grant after a denial' }
export interface Sample {
  kind: Probe['kind']
  micros: number
  /** Other agencies' decisions naming the new record's end user (the exact-key index's hits, any outcome). */
  naming: number
  examined: number
  opened: number
}

class Rollback extends Error {}

/**
 * New decisions, decided today: rows of the same data in another order, whose end users recur
 * in the stored sets (end users are taken in turn), own and allied in turn as publishes and
 * sync pages bring them. One in `every` is a denial; one in `every` is a grant by another
 * agency of what one of `denials` (in force today) denied, same end user, destination and
 * entry: an undercut. The rest are grants.
 */
export function buildProbes (count: number, every: number, denials: readonly StoredDecision[]): Probe[] {
  const today = NOW.toISOString().slice(0, 10)
  return [...shuffledSampleDecisions(count, 'new', 2)].map((d, n): Probe => {
    const recordId = randomUUID()
    const denied = denials[Math.floor(n / every) % Math.max(1, denials.length)]
    if (n % every === every - 1) {
      return { ...asStored({ ...d, outcome: 'denied', reasons: [{ scheme: 'eu-cp-2008-944', code: '7' }], decisionDate: today }, n), recordId, kind: 'denial' }
    }
    if (n % every === Math.floor(every / 2) && denied !== undefined) {
      const issuer = ISSUERS[(ISSUERS.indexOf(denied.issuer as typeof ISSUERS[number]) + 1) % ISSUERS.length] as string
      const { parties, items, destination } = denied.content
      return { issuer, content: { ...asStored(d, n).content, parties, items, destination, decisionDate: today }, recordId, kind: 'grant after a denial' }
    }
    return { ...asStored({ ...d, decisionDate: today }, n), recordId, kind: 'grant' }
  })
}

/**
 * Denials of `decisions` in force today (decided within the review window) whose items have a
 * code the matcher reads (CAAT ratings include some it does not, such as "End Use" or "IRN"):
 * what an undercut probe follows.
 */
export function denialsInForce (decisions: Iterable<StoredDecision>): StoredDecision[] {
  const since = new Date(NOW)
  since.setUTCFullYear(since.getUTCFullYear() - REVIEW_YEARS)
  const from = since.toISOString().slice(0, 10)
  return [...decisions].filter((d) => d.content.outcome === 'denied' && d.content.decisionDate >= from &&
    d.content.items.some((i) => i.codes.some((c) => normaliseCode(c.regime, c.code) !== null)))
}

/**
 * One new record as a publish or a sync page has it: one transaction that stores it (records
 * row and query tables), then detection, timed alone, then a rollback, so that every probe
 * meets the same stored set. `before` runs in the transaction just before detection.
 */
export async function runProbe (db: Db, probe: Probe, before?: (trx: Transaction<Database>) => Promise<void>): Promise<Sample> {
  let sample: Sample | undefined
  await db.transaction().execute(async (trx) => {
    const row = recordRowOf(probe, 1_000_000_000, probe.recordId)
    await insertRecords(trx, [row])
    await replaceRecordDetails(trx, [{ issuer: probe.issuer, recordId: probe.recordId, kind: 'decision', content: row.body as unknown as DecisionContent }], { fresh: true })
    if (before !== undefined) await before(trx)
    const started = performance.now()
    const outcome = await detectDivergences({ trx, config: DEFAULT_DIVERGENCE_CONFIG, clock: fixedClock(NOW) }, [{ issuer: probe.issuer, recordId: probe.recordId }])
    const micros = (performance.now() - started) * 1000
    sample = { kind: probe.kind, micros, naming: await countNaming(trx, probe), examined: outcome.examined, opened: outcome.opened }
    throw new Rollback()
  }).catch((err: unknown) => { if (!(err instanceof Rollback)) throw err })
  return sample as Sample
}

/** Other agencies' decisions whose end user or consignee is one of the probe's, written alike (`partyNameHash`): a floor of what the party matcher finds before any rule. */
async function countNaming (trx: Transaction<Database>, probe: Probe): Promise<number> {
  const hashes = probe.content.parties.map((p) => partyNameHash(p))
  const { rows } = await sql<{ n: number }>`
    select /* bench */ count(distinct (p.issuer, p.record_id))::int as n from record_parties p
    where p.name_hash = any(${hashes}::uuid[]) and p.role in ('end_user', 'consignee') and p.issuer <> ${probe.issuer}`.execute(trx)
  return rows[0]?.n ?? 0
}

/**
 * Every probe against each database in turn (the order alternating from one probe to the
 * next), after `warmup` probes: the machine is shared, and whatever else runs meanwhile
 * weighs on every size alike. Returns the samples of each database.
 */
export async function measureInTurn (dbs: readonly Db[], probes: readonly Probe[], warmup: number): Promise<Sample[][]> {
  for (const probe of probes.slice(0, warmup)) for (const db of dbs) await runProbe(db, probe)
  const samples: Sample[][] = dbs.map(() => [])
  for (const [n, probe] of probes.entries()) {
    const order = dbs.map((_, i) => i)
    if (n % 2 === 1) order.reverse()
    for (const i of order) samples[i]?.push(await runProbe(dbs[i] as Db, probe))
  }
  return samples
}

/**
 * Every statement detection runs for `probe`, as auto_explain (ANALYZE, BUFFERS) reports it to
 * the client: the notices the database's pool collects in `notices`.
 */
export async function explainDetection (db: Db, probe: Probe, notices: string[]): Promise<string[]> {
  notices.length = 0
  await runProbe(db, probe, async (trx) => {
    await sql`load 'auto_explain'`.execute(trx)
    const settings = { log_min_duration: '0', log_analyze: 'on', log_buffers: 'on', log_timing: 'on', log_level: 'notice' }
    for (const [name, value] of Object.entries(settings)) await sql`select set_config(${`auto_explain.${name}`}, ${value}, true)`.execute(trx)
  })
  return notices.filter((n) => n.includes('Query Text:') && !n.includes('set_config(') && !n.includes('/* bench */'))
}
