import { sql, type Kysely } from 'kysely'

// Issue 12: detection of a large change (a sync page, an import: more than FUZZY_PARTIES
// distinct parties of one outcome) finds, in the change's transaction, only names that
// normalise alike; a typo'd end user there is what an officer screening would find and
// detection did not. The change's decisions are now queued here by that detection, in the same
// transaction, and a background job (src/divergence/backlog.ts) detects them again a few at a
// time, searching every party's name as screening does; a row leaves the queue in the
// transaction that examined it. Owner: src/divergence.
export async function up (db: Kysely<any>): Promise<void> {
  await sql`create table detection_backlog (
    issuer text not null,
    record_id uuid not null,
    queued_at timestamptz not null,
    primary key (issuer, record_id),
    foreign key (issuer, record_id) references records (issuer, record_id) on delete cascade
  )`.execute(db)
  await sql`create index detection_backlog_queued on detection_backlog (queued_at, issuer, record_id)`.execute(db)
}

export async function down (db: Kysely<any>): Promise<void> {
  await sql`drop table detection_backlog`.execute(db)
}
