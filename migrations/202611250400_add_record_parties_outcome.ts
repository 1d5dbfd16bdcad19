import { sql, type Kysely } from 'kysely'

// Divergence detection (issue #5) looks, for a new grant, for other agencies' denials naming
// the same end user or consignee, and for a new denial, for their grants. The parties' exact
// keys (GIN) found every decision naming the party, grants and denials alike, and the outcome
// was only known after a visit to each `records` row: with a million stored decisions an end
// user with hundreds of grants cost every new grant hundreds of row visits (docs/performance.md,
// bench/divergence). The decision's outcome on its parties, and an index of the denials' keys
// alone, make the probe of a new grant visit denials only. Written by src/records/record-details.ts.
export async function up (db: Kysely<any>): Promise<void> {
  await sql`alter table record_parties add column outcome text check (outcome in ('granted', 'denied'))`.execute(db)
  await sql`update record_parties p set outcome = r.outcome
    from records r where r.issuer = p.issuer and r.record_id = p.record_id and r.kind = 'decision'`.execute(db)
  await sql`create index record_parties_denied_exact_keys on record_parties using gin (exact_keys) where outcome = 'denied'`.execute(db)
}

export async function down (db: Kysely<any>): Promise<void> {
  await sql`drop index record_parties_denied_exact_keys`.execute(db)
  await sql`alter table record_parties drop column outcome`.execute(db)
}
