import { sql, type Kysely } from 'kysely'

// Sync state per peer, pushed entries waiting for the chain, projection tables (issue #3).
export async function up (db: Kysely<any>): Promise<void> {
  await sql`create table peer_sync (
    agency_id text primary key references peers (agency_id) on delete cascade,
    cursor_seq bigint not null default 0,
    cursor_hash text,
    head_seq bigint,
    head_hash text,
    head_jws text,
    next_attempt_at timestamptz not null default now(),
    attempts integer not null default 0,
    last_attempt_at timestamptz,
    last_success_at timestamptz,
    last_error_code text,
    last_error text,
    last_error_at timestamptz,
    entries_ingested bigint not null default 0,
    verification_failures bigint not null default 0,
    quarantine_evidence jsonb,
    lease_owner text,
    lease_expires_at timestamptz
  )`.execute(db)
  await sql`create index peer_sync_due on peer_sync (next_attempt_at)`.execute(db)

  await sql`create table inbox_pending (
    issuer text not null,
    seq bigint not null,
    jws text not null,
    hash text not null,
    received_at timestamptz not null default now(),
    primary key (issuer, seq)
  )`.execute(db)
}

export async function down (db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('inbox_pending').execute()
  await db.schema.dropTable('peer_sync').execute()
}
