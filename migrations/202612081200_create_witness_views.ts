import { sql, type Kysely } from 'kysely'

// Witnesses (issue 15, docs/federation.md section 4): what each peer says it holds of each
// agency's feed (ours included), as a checkpoint it co-signed; the latest per subject and
// witness. And how far each peer's feed is witnessed by enough allies (WITNESS_QUORUM), with
// the records waiting for it before they count for detection.
export async function up (db: Kysely<any>): Promise<void> {
  await sql`create table witness_views (
    subject text not null,
    witness text not null,
    seq bigint not null check (seq >= 0),
    hash text,
    note text not null,
    cosigned_at timestamptz not null,
    fetched_at timestamptz not null default now(),
    primary key (subject, witness)
  )`.execute(db)
  await sql`alter table peer_sync add column witnessed_seq bigint not null default 0`.execute(db)
  await sql`create table unwitnessed_records (
    issuer text not null,
    record_id uuid not null,
    seq bigint not null,
    primary key (issuer, record_id)
  )`.execute(db)
  await sql`create index unwitnessed_records_seq on unwitnessed_records (issuer, seq)`.execute(db)
}

export async function down (db: Kysely<any>): Promise<void> {
  await sql`drop table unwitnessed_records`.execute(db)
  await sql`alter table peer_sync drop column witnessed_seq`.execute(db)
  await sql`drop table witness_views`.execute(db)
}
