import { sql, type Kysely } from 'kysely'

// Screening looks for denials to the application's destination under a related control entry,
// whoever the parties (src/records/candidates.ts, findItemCandidates). Read from the codes'
// side, a common entry (3A001, 5A002) matched a tenth of a million decisions' codes, each then
// joined to its decision to keep the denials to one destination: 0.7 s a screening at 1,000,000
// decisions. Denials are a small share of decisions; read from their side, by destination,
// newest first, each checked for a related code, it is a few milliseconds.
export async function up (db: Kysely<any>): Promise<void> {
  await sql`create index records_denials_by_destination on records (destination, decision_date desc, issuer, record_id)
    where kind = 'decision' and outcome = 'denied'`.execute(db)
}

export async function down (db: Kysely<any>): Promise<void> {
  await sql`drop index records_denials_by_destination`.execute(db)
}
