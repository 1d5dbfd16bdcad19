import { sql, type Kysely } from 'kysely'

// party_names grows a few names at a time, from every write, and is searched by every write
// (detection) and every screening. A GIN index's fast update keeps new entries in a pending
// list that every search reads in full until vacuum merges it: with 5,000 names pending, an
// exact-key probe took 1.06 ms instead of 0.015 (a sync page of a thousand parties: a second).
// New names are rare after the first sync; they go straight into the index.
const INDEXES = ['party_names_name_keys', 'party_names_identifier_keys', 'party_names_exact_keys']

export async function up (db: Kysely<any>): Promise<void> {
  for (const index of INDEXES) await sql`alter index ${sql.id(index)} set (fastupdate = off)`.execute(db)
  // what is pending now is merged by the next vacuum; a search reads it meanwhile, as before
}

export async function down (db: Kysely<any>): Promise<void> {
  for (const index of INDEXES) await sql`alter index ${sql.id(index)} reset (fastupdate)`.execute(db)
}
