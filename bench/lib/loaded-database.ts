import { randomUUID } from 'node:crypto'
import { Kysely, PostgresDialect, sql } from 'kysely'
import pg from 'pg'
import { installTypeParsers, type Db } from '../../src/db/create-db.js'
import { migrateToLatest } from '../../src/db/migrate.js'
import type { Database } from '../../src/db/schema.js'
import { DEFAULT_DIVERGENCE_CONFIG, detectDivergences } from '../../src/divergence/index.js'
import { fixedClock } from '../../src/lib/clock.js'
import type { DecisionContent } from '../../src/records/index.js'
import { insertRecords } from '../../src/records/queries.js'
import { replaceRecordDetails } from '../../src/records/record-details.js'
import { allyKey, storeAllyEntries } from './ally-feed.js'
import { buildProbes, denialsInForce } from './detection-probes.js'
import { analyseLoadedTables, createIndexes, dropSecondaryIndexes, ISSUERS, NOW, recordRowOf, seqCounter, storeDecisions, storedDecisions } from './stored-decisions.js'

export const ADMIN_URL = process.env.BENCH_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres'

export async function admin<T> (fn: (db: Kysely<unknown>) => Promise<T>): Promise<T> {
  const db = new Kysely<unknown>({ dialect: new PostgresDialect({ pool: new pg.Pool({ connectionString: ADMIN_URL, max: 1 }) }) })
  try { return await fn(db) } finally { await db.destroy() }
}

/** The URL of the bench database `name`. */
export function databaseUrl (name: string): string {
  const url = new URL(ADMIN_URL)
  url.pathname = `/${name}`
  return url.toString()
}

/**
 * A database holding `count` decisions of our agency and three allies (bench/divergence's
 * sample), with the signed feed entries sync or publishing stores beside them (pages and
 * screening read a held decision with its entry). With `undercuts`, that many grants of what an
 * allied denial in force denies are stored after the load, each with its detection, as a
 * publish or a sync page would: the divergences the auditors' pages list. `after` runs last
 * (a bench's own index).
 */
export async function loadDecisionsDatabase (name: string, count: number, options: { batch: number, undercuts?: number, after?: (db: Db) => Promise<void> }): Promise<{ url: string, seconds: number }> {
  const started = performance.now()
  await admin((a) => sql`create database ${sql.id(name)}`.execute(a))
  const url = databaseUrl(name)
  installTypeParsers()
  const db: Db = new Kysely<Database>({ dialect: new PostgresDialect({ pool: new pg.Pool({ connectionString: url, max: 2 }) }) })
  try {
    await migrateToLatest(db)
    const keys = new Map<string, Awaited<ReturnType<typeof allyKey>>>()
    for (const issuer of ISSUERS) keys.set(issuer, await allyKey())
    for (const issuer of ISSUERS.slice(1)) {
      await db.insertInto('peers').values({
        agency_id: issuer, name: issuer, country: issuer.slice(0, 2).toUpperCase(), base_url: `https://${issuer}.example`, jwks: JSON.stringify(keys.get(issuer)?.jwks), jwks_url: null, jwks_refreshed_at: null, status: 'active', status_reason: null
      }).execute()
    }
    const indexes = await dropSecondaryIndexes(db)
    const seqOf = seqCounter()
    await storeDecisions(db, storedDecisions(count), { batch: options.batch, seqOf })
    await createIndexes(db, indexes)
    if (options.undercuts !== undefined && options.undercuts > 0) await storeUndercuts(db, count, options.undercuts, seqOf)
    // the signed feed entries sync (or publishing) stores with each decision: pages and screening read a held decision with its entry
    for (const [issuer, key] of keys) await storeAllyEntries(db, issuer, key.sign, NOW)
    await options.after?.(db)
    await analyseLoadedTables(db)
  } finally {
    await db.destroy()
  }
  return { url, seconds: (performance.now() - started) / 1000 }
}

/** `n` grants by another agency of what a stored denial in force denied (same end user, destination and entry), each stored and detected in its own transaction. */
async function storeUndercuts (db: Db, count: number, n: number, seqOf: (issuer: string) => number): Promise<void> {
  const denials = denialsInForce(storedDecisions(count))
  const every = 20
  const probes = buildProbes(n * every, every, denials).filter((p) => p.kind === 'grant after a denial').slice(0, n)
  for (const probe of probes) {
    await db.transaction().execute(async (trx) => {
      const row = recordRowOf(probe, seqOf(probe.issuer), randomUUID())
      await insertRecords(trx, [row])
      await replaceRecordDetails(trx, [{ issuer: row.issuer, recordId: row.record_id, kind: 'decision', content: row.body as unknown as DecisionContent }], { fresh: true })
      await detectDivergences({ trx, config: DEFAULT_DIVERGENCE_CONFIG, clock: fixedClock(NOW) }, [{ issuer: row.issuer, recordId: row.record_id }])
    })
  }
}

/** The command-line options of a bench that loads a database per size (`--small`, `--large`, `--batch`, `--keep`, `--use`). */
export const SIZE_OPTIONS = {
  small: { type: 'string', default: '10000' },
  large: { type: 'string', default: '1000000' },
  batch: { type: 'string', default: '2000' },
  keep: { type: 'boolean', default: false },
  use: { type: 'string' }
} as const

/**
 * For each of `sizes` (a size of 0 is skipped): a database loaded by `load` under a name of the
 * bench's own (or, with `use`, the databases kept earlier, one per size, named in order), then
 * `measure` over its URL. The loaded databases are dropped at the end unless `keep`; kept ones
 * are named on stderr for `--use`.
 */
export async function measureEachSize<T> (
  options: { small: string, large: string, keep: boolean, use?: string | undefined, prefix: string },
  load: (name: string, size: number) => Promise<unknown>,
  measure: (url: string, size: number) => Promise<T>
): Promise<{ sizes: number[], results: T[] }> {
  const sizes = [Number(options.small), Number(options.large)].filter((size) => size > 0)
  const kept = options.use?.split(',')
  if (kept !== undefined && kept.length !== sizes.length) throw new Error(`--use names ${kept.length} databases for ${sizes.length} sizes`)
  const names = kept ?? sizes.map((size) => `${options.prefix}_${size}_${process.pid}`)
  const results: T[] = []
  try {
    for (const [i, size] of sizes.entries()) {
      const name = names[i] as string
      if (kept === undefined) {
        process.stderr.write(`loading ${size} decisions…\n`)
        const started = performance.now()
        await load(name, size)
        process.stderr.write(`loaded in ${((performance.now() - started) / 1000).toFixed(1)} s; measuring…\n`)
      }
      results.push(await measure(databaseUrl(name), size))
    }
  } finally {
    if (options.keep || kept !== undefined) process.stderr.write(`kept: ${names.join(',')}\n`)
    else for (const name of names) await admin((a) => sql`drop database if exists ${sql.id(name)} with (force)`.execute(a))
  }
  return { sizes, results }
}
