import { execFile } from 'node:child_process'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import type { Test } from 'tap'
import { createEmptyDatabase } from './test-database.js'

const run = promisify(execFile)

// The backup and restore of docs/operations.md ("Backup and restore"), exactly as written there.

/** `pg_dump --format=custom --file=FILE "$DATABASE_URL"`; returns the file, removed at teardown. */
export async function backUp (t: Test, databaseUrl: string): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'reciprocity-backup-'))
  t.teardown(() => rm(dir, { recursive: true, force: true }))
  const file = join(dir, 'backup.dump')
  await run('pg_dump', ['--format=custom', `--file=${file}`, databaseUrl])
  return file
}

/** `pg_restore --clean --if-exists --no-owner --dbname="$DATABASE_URL" FILE` into a new, empty database (the new disk); returns its URL. */
export async function restoreToNewDatabase (t: Test, file: string): Promise<string> {
  const url = await createEmptyDatabase(t)
  await run('pg_restore', ['--clean', '--if-exists', '--no-owner', `--dbname=${url}`, file])
  return url
}
