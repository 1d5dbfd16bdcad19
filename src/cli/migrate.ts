import type { MigrationResultSet } from 'kysely/migration'
import { loadConfigOrExit } from '../config.js'
import { migrateDownAll, migrateToLatest } from '../db/migrate.js'
import type { Command } from './main.js'
import { print, withDatabase } from './services.js'

function report (result: MigrationResultSet, nothing: string): void {
  const results = result.results ?? []
  if (results.length === 0) print(nothing)
  for (const r of results) print(`${r.status === 'Success' ? (r.direction === 'Up' ? 'applied' : 'reverted') : r.status.toLowerCase()} ${r.migrationName}`)
}

/** `migrate`: brings the schema to the latest migration; `--down-all` reverts every one (CI's up-down-up check). */
export const migrateCommand: Command = {
  summary: 'Bring the database schema to the latest migration (or revert all with --down-all)',
  usage: 'migrate [--down-all]',
  options: { 'down-all': { type: 'boolean' } },
  async run ({ values }) {
    const config = loadConfigOrExit(process.env)
    await withDatabase(config, async (db) => {
      if (values['down-all'] === true) report(await migrateDownAll(db), 'no migration to revert')
      else report(await migrateToLatest(db), 'already at the latest migration')
    }, { migrate: false })
    return 0
  }
}
