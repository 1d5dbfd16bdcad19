import { randomBytes } from 'node:crypto'
import { Kysely, PostgresDialect, sql } from 'kysely'
import pg from 'pg'
import type { Test } from 'tap'
import { createDb, type Db } from '../../src/db/create-db.js'
import { migrateToLatest } from '../../src/db/migrate.js'

/** The machine's PostgreSQL; each test file gets databases of its own, dropped at teardown. */
export const PG_ADMIN_URL = process.env.TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres'

export function databaseUrl (name: string): string {
  const url = new URL(PG_ADMIN_URL)
  url.pathname = `/${name}`
  return url.toString()
}

async function withAdmin<T> (fn: (admin: Kysely<unknown>) => Promise<T>): Promise<T> {
  const admin = new Kysely<unknown>({ dialect: new PostgresDialect({ pool: new pg.Pool({ connectionString: PG_ADMIN_URL, max: 1 }) }) })
  try {
    return await fn(admin)
  } finally {
    await admin.destroy()
  }
}

/** Creates an empty database and registers its drop; returns its URL. */
export async function createEmptyDatabase (t: Test): Promise<string> {
  const name = `t_${process.pid}_${randomBytes(4).toString('hex')}`
  await withAdmin((admin) => sql`create database ${sql.id(name)}`.execute(admin))
  t.teardown(() => withAdmin((admin) => sql`drop database if exists ${sql.id(name)} with (force)`.execute(admin)))
  return databaseUrl(name)
}

/** A migrated database of this test's own, destroyed and dropped at teardown. */
export async function createTestDatabase (t: Test): Promise<{ db: Db, url: string }> {
  const url = await createEmptyDatabase(t)
  const db = await createDb({ databaseUrl: url, dataDir: '/nonexistent' })
  t.teardown(() => db.destroy())
  await migrateToLatest(db)
  return { db, url }
}
