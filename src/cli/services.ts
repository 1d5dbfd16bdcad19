import { userInfo } from 'node:os'
import type { Config } from '../config.js'
import { createDb, type Db } from '../db/create-db.js'
import { migrateToLatest } from '../db/migrate.js'

/**
 * What the database commands share: open the agency's database from config (PostgreSQL from
 * DATABASE_URL, else the embedded one in DATA_DIR, which refuses with DATABASE_IN_USE while a
 * server holds it; main.ts prints that and exits 1), bring it to the latest migration unless
 * told not to, run `fn`, and close the database whatever happens.
 */
export async function withDatabase<T> (config: Config, fn: (db: Db) => Promise<T>, options: { migrate?: boolean } = {}): Promise<T> {
  const db = await createDb(config)
  try {
    if (options.migrate !== false) await migrateToLatest(db)
    return await fn(db)
  } finally {
    await db.destroy()
  }
}

/** Reports bad usage on stderr and returns exit code 2, as main.ts does for unknown options. */
export function usageError (command: string, usage: string, message: string): number {
  process.stderr.write(`${command}: ${message}\nusage: ${usage}\n`)
  return 2
}

/** Writes one line of the command's result to stdout (logs and notes go to stderr). */
export function print (line: string): void {
  process.stdout.write(`${line}\n`)
}

/** Writes a note for the operator to stderr, so that stdout stays the command's result. */
export function note (line: string): void {
  process.stderr.write(`${line}\n`)
}

/** The operator running the CLI, as the audit trail names them: `cli:<os user>`. */
export function cliActor (): string {
  try {
    return `cli:${userInfo().username}`
  } catch {
    return `cli:uid-${process.getuid?.() ?? 'unknown'}` // no passwd entry, e.g. a container run with an arbitrary uid
  }
}
