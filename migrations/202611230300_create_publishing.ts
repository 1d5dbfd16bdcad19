import { sql, type Kysely } from 'kysely'

// Feed, own records, signing keys, peers and partner-token replay protection (issue #2).
export async function up (db: Kysely<any>): Promise<void> {
  await sql`create extension if not exists pg_trgm`.execute(db)

  await sql`create table signing_keys (
    kid text primary key,
    alg text not null default 'EdDSA',
    public_jwk jsonb not null,
    private_jwk_enc text not null,
    status text not null check (status in ('current', 'retired')),
    created_at timestamptz not null default now(),
    retired_at timestamptz
  )`.execute(db)
  await sql`create unique index signing_keys_one_current on signing_keys (status) where status = 'current'`.execute(db)

  await sql`create table feed_heads (
    issuer text primary key,
    seq bigint not null check (seq >= 0),
    hash text
  )`.execute(db)

  await sql`create table feed_entries (
    issuer text not null,
    seq bigint not null check (seq >= 1),
    entry_id uuid,
    kind text,
    record_id uuid,
    audience text[],
    jws text,
    hash text not null,
    prev text,
    published_at timestamptz,
    stored_at timestamptz not null default now(),
    primary key (issuer, seq)
  )`.execute(db)
  await sql`create index feed_entries_record on feed_entries (issuer, record_id, seq) where record_id is not null`.execute(db)

  await sql`create table records (
    issuer text not null,
    record_id uuid not null,
    kind text not null check (kind in ('decision', 'classification', 'crosswalk')),
    version integer not null check (version >= 1),
    status text not null check (status in ('active', 'revoked')),
    reference text,
    outcome text check (outcome in ('granted', 'denied')),
    destination text,
    decision_date date,
    valid_until date,
    revoked_from date,
    audience text[],
    body jsonb not null,
    latest_seq bigint not null,
    created_at timestamptz not null default now(),
    updated_at timestamptz not null default now(),
    primary key (issuer, record_id)
  )`.execute(db)
  await sql`create unique index records_reference on records (issuer, reference) where kind = 'decision'`.execute(db)
  await sql`create index records_list on records (issuer, kind, decision_date desc nulls last, record_id)`.execute(db)

  await sql`create table peers (
    agency_id text primary key,
    name text not null,
    country text not null,
    base_url text not null,
    jwks jsonb not null,
    jwks_url text,
    jwks_refreshed_at timestamptz,
    status text not null check (status in ('active', 'disabled', 'quarantined')),
    status_reason text,
    created_at timestamptz not null default now(),
    updated_at timestamptz not null default now()
  )`.execute(db)

  // unlogged: no WAL flush per partner request; after a crash the table is empty, so a token
  // from the last few minutes (lifetime <= 5 min) could be replayed once (docs/protocol.md)
  await sql`create unlogged table partner_token_jtis (
    issuer text not null,
    jti text not null,
    expires_at timestamptz not null,
    primary key (issuer, jti)
  )`.execute(db)
  await sql`create index partner_token_jtis_expiry on partner_token_jtis (expires_at)`.execute(db)
}

export async function down (db: Kysely<any>): Promise<void> {
  for (const table of ['partner_token_jtis', 'peers', 'records', 'feed_entries', 'feed_heads', 'signing_keys']) {
    await db.schema.dropTable(table).execute()
  }
}
