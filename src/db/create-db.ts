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
}

// int8 (seq, counts) as number: our sequence numbers stay far below 2^53.
pg.types.setTypeParser(pg.types.builtins.INT8, (value) => Number.parseInt(value, 10))
// date as the ISO calendar day it is, not a Date at local midnight.
pg.types.setTypeParser(pg.types.builtins.DATE, (value) => value)

/**
 * The one place the database engine is chosen: PostgreSQL through `pg` when `databaseUrl` is
 * set, otherwise embedded PostgreSQL (PGlite) in `dataDir/pgdata`, reached through PGlite's own
 * node-postgres adapter so that both run the same kysely `PostgresDialect` code path.
 * The embedded database takes a lock file so that a second process fails clearly instead of
 * corrupting it. `db.destroy()` releases everything.
 */
export async function createDb (config: DbConfig): Promise<Db> {
  if (config.databaseUrl !== undefined) {
    const pool = new pg.Pool({ connectionString: config.databaseUrl, max: config.dbPoolSize ?? 10, connectionTimeoutMillis: 10_000 })
    // An idle connection closed by the server (restart, failover, pg_terminate_backend) is an
    // 'error' event on the pool, which would crash the process unheard. pg-pool drops that
    // client itself; the next query reconnects or fails, and /health/ready reports it.
    pool.on('error', () => {})
    // The same for a client checked out between two queries (inside a transaction): without a
    // listener its 'error' is uncaught; with one, its next query fails and the transaction rolls back.
    pool.on('connect', (client) => { client.on('error', () => {}) })
    return new Kysely<Database>({ dialect: new PostgresDialect({ pool }) })
  }
  return createEmbeddedDb(config.dataDir)
}

async function createEmbeddedDb (dataDir: string): Promise<Db> {
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
        connect: () => pool.connect(),
        end: async () => { await pool.end(); await pglite.close(); await releaseLock() }
      }
    })
    return new Kysely<Database>({ dialect })
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
