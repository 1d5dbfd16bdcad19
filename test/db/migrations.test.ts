import { mkdtemp, readdir, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { sql } from 'kysely'
import t, { type Test } from 'tap'
import { createDb, type Db } from '../../src/db/create-db.js'
import { MIGRATIONS_DIR, migrateDownAll, migrateToLatest } from '../../src/db/migrate.js'
import { createEmptyDatabase } from '../helpers/test-database.js'

/** The shape of the public schema: every column of every table, and every index. */
async function describeSchema (db: Db) {
  const columns = await sql<{ table_name: string, column_name: string, data_type: string, is_nullable: string }>`
    select table_name, column_name, data_type, is_nullable from information_schema.columns
    where table_schema = 'public' and table_name not like 'kysely_%' order by table_name, column_name`.execute(db)
  const indexes = await sql<{ indexname: string }>`
    select indexname from pg_indexes where schemaname = 'public' and tablename not like 'kysely_%' order by indexname`.execute(db)
  return { columns: columns.rows, indexes: indexes.rows.map((r) => r.indexname) }
}

async function upDownUp (t: Test, db: Db) {
  const files = (await readdir(MIGRATIONS_DIR)).filter((f) => f.endsWith('.ts')).map((f) => f.replace(/\.ts$/, '')).sort()
  t.ok(files.length > 0, 'there are migrations')

  const up = await migrateToLatest(db)
  t.same(up.results?.map((r) => [r.migrationName, r.direction, r.status]), files.map((f) => [f, 'Up', 'Success']), 'up: every migration applied, in order')
  const schema = await describeSchema(db)
  t.ok(schema.columns.length > 0, 'tables exist')

  const down = await migrateDownAll(db)
  t.same(down.results?.map((r) => [r.migrationName, r.direction, r.status]), [...files].reverse().map((f) => [f, 'Down', 'Success']), 'down: every migration reverted, newest first')
  t.same(await describeSchema(db), { columns: [], indexes: [] }, 'down leaves no table or index behind')

  await migrateToLatest(db)
  t.same(await describeSchema(db), schema, 'up again gives the same schema')
  t.same((await migrateToLatest(db)).results, [], 'a second up has nothing to do')
}

t.test('migration files are named YYYYMMDDHHMM_verb_object.ts', async (t) => {
  for (const file of await readdir(MIGRATIONS_DIR)) t.match(file, /^\d{12}_[a-z]+(_[a-z0-9]+)+\.ts$/, file)
})

t.test('up, down all, up again on a fresh PostgreSQL database', async (t) => {
  const db = await createDb({ databaseUrl: await createEmptyDatabase(t), dataDir: '/nonexistent' })
  t.teardown(() => db.destroy())
  await upDownUp(t, db)
})

t.test('up, down all, up again on the embedded database (PGlite)', async (t) => {
  const dataDir = await mkdtemp(join(tmpdir(), 'reciprocity-migrations-'))
  t.teardown(() => rm(dataDir, { recursive: true, force: true }))
  const db = await createDb({ databaseUrl: undefined, dataDir })
  t.teardown(() => db.destroy())
  await upDownUp(t, db)
})
