import { sql, type Kysely } from 'kysely'

// Our denials due for review (the start page, GET /v1/reviews): read by their end of validity
// rather than by filtering every decision of ours (108 of 250,000 at a million decisions in
// bench/pages).
export async function up (db: Kysely<any>): Promise<void> {
  await sql`create index records_denials_by_review on records (issuer, valid_until, record_id)
    where kind = 'decision' and outcome = 'denied' and revoked_from is null`.execute(db)
}

export async function down (db: Kysely<any>): Promise<void> {
  await sql`drop index records_denials_by_review`.execute(db)
}
