import { sql, type Kysely } from 'kysely'

// Screening (issue #4): match keys on the query tables, screenings, hit dispositions and the
// hash-chained audit trail. The keys are derived data, written by src/records/record-details.ts
// with the matchers of src/matching; rows of an older `keys_version` (all rows, right after this
// migration) are recomputed at startup by src/screening/refresh-match-keys.ts. See docs/screening.md.
export async function up (db: Kysely<any>): Promise<void> {
  await sql`alter table record_parties
    add column name_keys text not null default '',
    add column identifier_keys text[] not null default '{}',
    add column exact_keys text[] not null default '{}',
    add column keys_version smallint not null default 0`.execute(db)
  await sql`create index record_parties_name_keys on record_parties using gin (name_keys gin_trgm_ops)`.execute(db)
  await sql`create index record_parties_exact_keys on record_parties using gin (exact_keys)`.execute(db)
  await sql`create index record_parties_identifier_keys on record_parties using gin (identifier_keys)`.execute(db)
  await sql`create index record_parties_keys_version on record_parties (keys_version)`.execute(db)

  await sql`alter table record_items
    add column part_key text,
    add column keys_version smallint not null default 0`.execute(db)
  await sql`create index record_items_part_key on record_items (part_key) where part_key is not null`.execute(db)
  await sql`create index record_items_keys_version on record_items (keys_version)`.execute(db)

  await sql`alter table record_codes
    add column family text,
    add column canonical text,
    add column keys_version smallint not null default 0`.execute(db)
  await sql`create index record_codes_canonical on record_codes (family, canonical text_pattern_ops)`.execute(db)
  await sql`create index record_codes_keys_version on record_codes (keys_version)`.execute(db)

  await sql`alter table crosswalk_links
    add column from_family text,
    add column from_canonical text,
    add column to_family text,
    add column to_canonical text,
    add column keys_version smallint not null default 0`.execute(db)
  await sql`create index crosswalk_links_from_canonical on crosswalk_links (from_family, from_canonical text_pattern_ops)`.execute(db)
  await sql`create index crosswalk_links_to_canonical on crosswalk_links (to_family, to_canonical text_pattern_ops)`.execute(db)

  // GET /v1/decisions over every issuer, newest first: a keyset range scan instead of a sort of every match
  await sql`create index records_all_list on records (kind, decision_date desc nulls last, issuer, record_id)`.execute(db)

  await sql`create table screenings (
    id uuid primary key,
    batch_id uuid not null,
    position smallint not null,
    officer text not null,
    screened_at timestamptz not null default now(),
    application jsonb not null,
    options jsonb not null,
    result jsonb not null
  )`.execute(db)
  await sql`create index screenings_batch on screenings (batch_id, position)`.execute(db)

  await sql`create table hit_dispositions (
    id uuid primary key,
    screening_id uuid not null references screenings (id),
    hit_id text not null,
    issuer text not null,
    record_id uuid not null,
    party_key text not null,
    disposition text not null check (disposition in ('exact', 'partial', 'not-identical', 'false-positive')),
    reason text not null,
    officer text not null,
    decided_at timestamptz not null default now()
  )`.execute(db)
  await sql`create index hit_dispositions_hit on hit_dispositions (screening_id, hit_id, decided_at desc)`.execute(db)
  await sql`create index hit_dispositions_suppress on hit_dispositions (issuer, record_id, party_key, decided_at desc)`.execute(db)

  await sql`create table audit_events (
    seq bigint primary key check (seq >= 1),
    at timestamptz not null,
    actor text not null,
    action text not null,
    subject_type text not null,
    subject_id text not null,
    detail jsonb not null,
    prev_hash text,
    hash text not null
  )`.execute(db)
  await sql`create index audit_events_subject on audit_events (subject_type, subject_id, seq)`.execute(db)
}

export async function down (db: Kysely<any>): Promise<void> {
  for (const table of ['audit_events', 'hit_dispositions', 'screenings']) await db.schema.dropTable(table).execute()
  await sql`drop index records_all_list`.execute(db)
  await sql`alter table crosswalk_links drop column from_family, drop column from_canonical, drop column to_family, drop column to_canonical, drop column keys_version`.execute(db)
  await sql`alter table record_codes drop column family, drop column canonical, drop column keys_version`.execute(db)
  await sql`alter table record_items drop column part_key, drop column keys_version`.execute(db)
  await sql`alter table record_parties drop column name_keys, drop column identifier_keys, drop column exact_keys, drop column keys_version`.execute(db)
}
