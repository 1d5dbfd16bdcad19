import { randomUUID } from 'node:crypto'
import { sql } from 'kysely'
import type { Db } from '../../src/db/create-db.js'
import { withDefaults, type DecisionContent } from '../../src/records/index.js'
import { insertRecords, type RecordRow } from '../../src/records/queries.js'
import { replaceRecordDetails, type RecordDetailsSource } from '../../src/records/record-details.js'
import { filterColumnsOf } from '../../src/records/to-record.js'
import { shuffledSampleDecisions, type SampleDecision } from './sample-decisions.js'

/** Our agency first, then three allies; stored decisions are spread over the four in turn. */
export const ISSUERS = ['uk-ecju', 'fr-sbdu', 'de-bafa', 'nl-cdiu'] as const
/** The day after the data's last month: the stored decisions are of 2008-01 to 2015-03; new ones are decided today. */
export const NOW = new Date('2015-04-01T12:00:00Z')
/** DENIAL_REVIEW_YEARS' default: a denial stays in force three years from its decision date. */
export const REVIEW_YEARS = 3

/** Tables a stored decision writes to and detection reads; their secondary indexes are rebuilt after a bulk load. */
const LOADED_TABLES = ['records', 'record_parties', 'party_names', 'record_items', 'record_codes']

export interface StoredDecision {
  issuer: string
  content: DecisionContent
}

/** A sample decision as `issuer`'s (n-th decision: issuers in turn). */
export function asStored (decision: SampleDecision, n: number): StoredDecision {
  return { issuer: ISSUERS[n % ISSUERS.length] as string, content: { ...decision, regimeReferences: [] } as DecisionContent }
}

/** The stored decisions: the same sequence for every size, so a small set is a large one's beginning. */
export function storedDecisions (count: number): Iterable<StoredDecision> {
  let n = 0
  return (function * () { for (const d of shuffledSampleDecisions(count, 'stored', 1)) yield asStored(d, n++) })()
}

/** Feed seqs per issuer, 1, 2, 3… */
export function seqCounter (): (issuer: string) => number {
  const seqs = new Map<string, number>()
  return (issuer) => { const seq = (seqs.get(issuer) ?? 0) + 1; seqs.set(issuer, seq); return seq }
}

/**
 * A decision as `publishDecision` stores it (a denial without `validUntil` gets the review
 * window), the records row as the publisher or the sync projection writes it.
 */
export function recordRowOf (decision: StoredDecision, seq: number, recordId: string): RecordRow {
  const content = withDefaults(decision.content, REVIEW_YEARS)
  return {
    issuer: decision.issuer,
    record_id: recordId,
    kind: 'decision',
    version: 1,
    status: 'active',
    ...filterColumnsOf('decision', content),
    revoked_from: null,
    audience: null,
    body: content as unknown as Record<string, unknown>,
    latest_seq: seq,
    created_at: NOW,
    updated_at: NOW
  }
}

/**
 * Stores `decisions` in batches, each batch in its own transaction through the functions every
 * writer uses (`insertRecords`, then `replaceRecordDetails`, which computes the match keys), two
 * batches in flight so that key computation in Node overlaps the inserts in PostgreSQL. Memory
 * stays bounded by the batches in flight. `seqOf` gives each decision its feed seq.
 */
export async function storeDecisions (db: Db, decisions: Iterable<StoredDecision>, options: { batch: number, seqOf: (issuer: string) => number }): Promise<number> {
  const inFlight = new Set<Promise<void>>()
  let stored = 0
  let batch: RecordRow[] = []
  const flush = async () => {
    const rows = batch
    batch = []
    const sources: RecordDetailsSource[] = rows.map((r) => ({ issuer: r.issuer, recordId: r.record_id, kind: 'decision', content: r.body as unknown as DecisionContent }))
    const job = db.transaction().execute(async (trx) => {
      await sql`set local synchronous_commit = off`.execute(trx)
      const inserted = await insertRecords(trx, rows)
      if (inserted !== rows.length) throw new Error(`${rows.length - inserted} decision references were taken`)
      await replaceRecordDetails(trx, sources, { fresh: true })
    }).finally(() => { inFlight.delete(job) })
    inFlight.add(job)
    stored += rows.length
    if (inFlight.size >= 2) await Promise.race(inFlight)
  }
  for (const decision of decisions) {
    batch.push(recordRowOf(decision, options.seqOf(decision.issuer), randomUUID()))
    if (batch.length >= options.batch) await flush()
  }
  if (batch.length > 0) await flush()
  await Promise.all(inFlight)
  return stored
}

export interface IndexDefinition { name: string, definition: string }

/**
 * Drops the secondary indexes of the loaded tables (not the primary keys, nor `records_reference`,
 * which `insertRecords` needs for its conflict clause) and returns their definitions as the
 * migrations created them (`pg_indexes.indexdef`), for `createIndexes` after the load.
 */
export async function dropSecondaryIndexes (db: Db): Promise<IndexDefinition[]> {
  const { rows } = await sql<{ name: string, definition: string }>`
    select i.indexname as name, i.indexdef as definition from pg_indexes i
    where i.schemaname = 'public' and i.tablename = any(${LOADED_TABLES}::text[]) and i.indexname <> 'records_reference'
      and not exists (select 1 from pg_constraint c where c.conname = i.indexname)
    order by i.indexname`.execute(db)
  for (const index of rows) await sql`drop index ${sql.id(index.name)}`.execute(db)
  return rows
}

/** Recreates `indexes`, two at a time (one per core), with memory enough to sort in one pass. */
export async function createIndexes (db: Db, indexes: readonly IndexDefinition[]): Promise<void> {
  const queue = [...indexes]
  const worker = async () => {
    for (let index = queue.shift(); index !== undefined; index = queue.shift()) {
      const definition = index.definition
      await db.connection().execute(async (conn) => {
        await sql`set maintenance_work_mem = '512MB'`.execute(conn)
        await sql`set max_parallel_maintenance_workers = 0`.execute(conn)
        await sql.raw(definition).execute(conn)
      })
    }
  }
  await Promise.all([worker(), worker()])
}

/** The stored set's statistics, as autovacuum would leave them, before anything is measured. */
export async function analyseLoadedTables (db: Db): Promise<void> {
  // and the search keys the party_names trigger wrote: the planner reads their kinds' share from these statistics
  for (const table of [...LOADED_TABLES, 'party_name_keys']) await sql`vacuum (analyze) ${sql.table(table)}`.execute(db)
}

/** The secondary indexes the migrations define on the loaded tables, as they are now. */
export async function listIndexes (db: Db): Promise<string[]> {
  const { rows } = await sql<{ name: string }>`
    select indexname as name from pg_indexes where schemaname = 'public' and tablename = any(${LOADED_TABLES}::text[]) order by 1`.execute(db)
  return rows.map((r) => r.name)
}
