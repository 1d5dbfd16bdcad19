import { sql, type Kysely } from 'kysely'

// The undercut warning (every grant an officer records) looks for allied denials naming a
// party like the grant's: a fuzzy trigram search over the parties' names. Searching every party
// then keeping the denials cost each grant a scan of the grants' trigrams too (about nine
// parties in ten name a grant), and its nearest-N cut could fill with grants before a denial was
// reached. Indexes of the denials' names and identifiers alone make the warning's search visit
// denials only. Read by src/records/candidates.ts (a party search with `outcome: 'denied'`).
export async function up (db: Kysely<any>): Promise<void> {
  await sql`create index record_parties_denied_name_keys on record_parties using gin (name_keys gin_trgm_ops) where outcome = 'denied'`.execute(db)
  await sql`create index record_parties_denied_identifier_keys on record_parties using gin (identifier_keys) where outcome = 'denied'`.execute(db)
}

export async function down (db: Kysely<any>): Promise<void> {
  await sql`drop index record_parties_denied_identifier_keys`.execute(db)
  await sql`drop index record_parties_denied_name_keys`.execute(db)
}
