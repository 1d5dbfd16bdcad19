import { sql, type Kysely } from 'kysely'

// Removing a peer and keeping its records (issue 15 part 3, docs/federation.md section 3): the
// peer stays enrolled as `removed` (its keys verify the evidence we hold; we no longer sync with it).
export async function up (db: Kysely<any>): Promise<void> {
  await sql`alter table peers drop constraint peers_status_check`.execute(db)
  await sql`alter table peers add constraint peers_status_check check (status in ('active', 'disabled', 'quarantined', 'removed'))`.execute(db)
}

export async function down (db: Kysely<any>): Promise<void> {
  await sql`update peers set status = 'disabled' where status = 'removed'`.execute(db)
  await sql`alter table peers drop constraint peers_status_check`.execute(db)
  await sql`alter table peers add constraint peers_status_check check (status in ('active', 'disabled', 'quarantined'))`.execute(db)
}
