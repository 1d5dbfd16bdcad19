import { mkdir, readFile, rm, writeFile } from 'node:fs/promises'
import { dirname, join } from 'node:path'
import { Kysely, PostgresDialect } from 'kysely'
import pg from 'pg'
import { errors } from '../lib/errors.js'
import type { Database } from './schema.js'

export type Db = Kysely<Database>

export interface DbConfig {
  databaseUrl: string | undefined
  dataDir: string
  dbPoolSize?: number
  /** Longest statement, in ms (PostgreSQL's statement_timeout); 0 or absent: none. */
  dbStatementTimeoutMs?: number
  /** Connections kept apart for what must keep answering under load (`createReservedDb`). */
  dbReservedPoolSize?: number
}

/**
 * How `pg` reads our column types, set by the factories below (pg's parsers are global to the
 * process, so this is idempotent, and nothing is set by importing this module): int8 (seq,
 * counts) as a number, our sequence numbers staying far below 2^53; date as the ISO calendar
 * day it is, not a Date at local midnight. A pool made outside these factories (a benchmark's)
 * calls it itself.
 */
export function installTypeParsers (): void {
  pg.types.setTypeParser(pg.types.builtins.INT8, (value) => Number.parseInt(value, 10))
  pg.types.setTypeParser(pg.types.builtins.DATE, (value) => value)
}

/** A pool's connections now: its size limit, those open, those idle, and the queries waiting for one. */
export interface PoolStats { max: number, total: number, idle: number, waiting: number }

/** The pool behind each database the factories below made (kysely keeps its pool to itself). */
const pools = new WeakMap<Db, pg.Pool>()

/** The connections of `db`'s pool now (the metrics); undefined for a database not made here. */
export function poolStats (db: Db): PoolStats | undefined {
  const pool = pools.get(db)
  if (pool === undefined) return undefined
  return { max: pool.options.max ?? 10, total: pool.totalCount, idle: pool.idleCount, waiting: pool.waitingCount }
}

/**
 * The one place the database engine is chosen: PostgreSQL through `pg` when `databaseUrl` is
 * set, otherwise embedded PostgreSQL (PGlite) in `dataDir/pgdata`, reached through PGlite's own
 * node-postgres adapter so that both run the same kysely `PostgresDialect` code path.
 * The embedded database takes a lock file so that a second process fails clearly instead of
 * corrupting it. `db.destroy()` releases everything.
 */
export async function createDb (config: DbConfig): Promise<Db> {
  if (config.databaseUrl !== undefined) {
    return createServerDb(config.databaseUrl, config.dbPoolSize ?? 10, config.dbStatementTimeoutMs ?? 0, 10_000)
  }
  return createEmbeddedDb(config.dataDir)
}

/**
 * A small second pool on the same PostgreSQL database, for the routes that must answer while
 * imports, screenings and syncs hold the main pool: health checks, our feed, its head and the
 * JWKS (and the partner authentication in front of them). Its statements are short or cut at
 * five seconds. Undefined with the embedded database (one connection in all) or a size of 0:
 * then the main pool serves them. The caller destroys it.
 */
export function createReservedDb (config: DbConfig): Db | undefined {
  if (config.databaseUrl === undefined || (config.dbReservedPoolSize ?? 0) === 0) return undefined
  return createServerDb(config.databaseUrl, config.dbReservedPoolSize ?? 0, 5_000, 5_000)
}

function createServerDb (databaseUrl: string, max: number, statementTimeoutMs: number, connectionTimeoutMillis: number): Db {
  installTypeParsers()
  const pool = new pg.Pool({
    connectionString: databaseUrl,
    max,
    // a request waits this long for a free connection, then gets a 503 with Retry-After
    connectionTimeoutMillis,
    ...(statementTimeoutMs > 0 ? { statement_timeout: statementTimeoutMs } : {}),
    // no transaction is ever left open waiting for a client (uploads are staged first)
    idle_in_transaction_session_timeout: 60_000
  })
  // An idle connection closed by the server (restart, failover, pg_terminate_backend) is an
  // 'error' event on the pool, which would crash the process unheard. pg-pool drops that
  // client itself; the next query reconnects or fails, and /health/ready reports it.
  pool.on('error', () => {})
  // The same for a client checked out between two queries (inside a transaction): without a
  // listener its 'error' is uncaught; with one, its next query fails and the transaction rolls back.
  pool.on('connect', (client) => { client.on('error', () => {}) })
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) })
  pools.set(db, pool)
  return db
}

async function createEmbeddedDb (dataDir: string): Promise<Db> {
  installTypeParsers()
  const { PGlite } = await import('@electric-sql/pglite')
  const { pg_trgm: pgTrgm } = await import('@electric-sql/pglite/contrib/pg_trgm')
  const { createPgConfig } = await import('@electric-sql/pglite/node-postgres')
  await mkdir(dataDir, { recursive: true })
  const releaseLock = await takeLock(join(dataDir, 'pgdata.lock'))
  try {
    const pglite = await PGlite.create(join(dataDir, 'pgdata'), { extensions: { pg_trgm: pgTrgm } })
    const pool = new pg.Pool({ ...createPgConfig(pglite), max: 1 })
    const dialect = new PostgresDialect({
      pool: {
        options: pool.options,
        connect: () => pool.connect(),
        end: async () => { await pool.end(); await pglite.close(); await releaseLock() }
      }
    })
    const db = new Kysely<Database>({ dialect })
    pools.set(db, pool)
    return db
  } catch (err) {
    await releaseLock()
    throw err
  }
}

async function takeLock (path: string): Promise<() => Promise<void>> {
  try {
    await writeFile(path, String(process.pid), { flag: 'wx' })
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err
    const holder = (await readFile(path, 'utf8')).trim()
    if (isAlive(Number(holder))) throw errors.databaseInUse(dirname(path), holder)
    await writeFile(path, String(process.pid))
  }
  return async () => { await rm(path, { force: true }) }
}

function isAlive (pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0 || pid === process.pid) return false
  try {
    process.kill(pid, 0)
    return true
  } catch {
    return false
  }
}
