import { promises as fs } from 'node:fs'
import * as path from 'node:path'
import { fileURLToPath } from 'node:url'
import { FileMigrationProvider, Migrator, NO_MIGRATIONS, type MigrationResultSet } from 'kysely/migration'
import type { Db } from './create-db.js'

export const MIGRATIONS_DIR = fileURLToPath(new URL('../../migrations', import.meta.url))

function createMigrator (db: Db) {
  return new Migrator({ db, provider: new FileMigrationProvider({ fs, path, migrationFolder: MIGRATIONS_DIR }) })
}

/** Brings the schema to the latest migration; throws (never swallows) when one fails. */
export async function migrateToLatest (db: Db): Promise<MigrationResultSet> {
  return check(await createMigrator(db).migrateToLatest())
}

/** Undoes every migration; used by CI's up-down-up check. */
export async function migrateDownAll (db: Db): Promise<MigrationResultSet> {
  const migrator = createMigrator(db)
  return check(await migrator.migrateTo(NO_MIGRATIONS))
}

function check (result: MigrationResultSet): MigrationResultSet {
  if (result.error !== undefined) {
    const failed = result.results?.find((r) => r.status === 'Error')
    const cause = result.error instanceof Error ? result.error : new Error(String(result.error))
    throw new Error(`migration ${failed?.migrationName ?? '(unknown)'} failed: ${cause.message}`, { cause })
  }
  return result
}
