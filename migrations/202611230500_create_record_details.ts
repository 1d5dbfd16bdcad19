import { sql, type Kysely } from 'kysely'

// The parts of every record, own and allied, that screening and divergence query (issue #3):
// parties, items, control codes, crosswalk links. Rebuilt from the record's content whenever
// its version changes, by the one writer (src/records/record-details.ts); the signed entry
// stays the source of truth. No foreign keys: records are never deleted, and a per-row check
// would cost a bulk import a third of its speed. Matching indexes come with screening (#4).
export async function up (db: Kysely<any>): Promise<void> {
  await sql`create table record_parties (
    issuer text not null,
    record_id uuid not null,
    ordinal smallint not null,
    role text not null,
    name text not null,
    aliases text[] not null default '{}',
    country text,
    address text,
    identifiers jsonb not null default '[]',
    primary key (issuer, record_id, ordinal)
  )`.execute(db)

  await sql`create table record_items (
    issuer text not null,
    record_id uuid not null,
    ordinal smallint not null,
    description text not null,
    manufacturer text,
    part_number text,
    primary key (issuer, record_id, ordinal)
  )`.execute(db)

  await sql`create table record_codes (
    issuer text not null,
    record_id uuid not null,
    item_ordinal smallint not null,
    regime text not null,
    code text not null,
    primary key (issuer, record_id, item_ordinal, regime, code)
  )`.execute(db)
  await sql`create index record_codes_code on record_codes (regime, code)`.execute(db)

  await sql`create table crosswalk_links (
    issuer text not null,
    record_id uuid not null,
    from_regime text not null,
    from_code text not null,
    to_regime text not null,
    to_code text not null,
    relation text not null check (relation in ('equivalent', 'broader', 'narrower')),
    primary key (issuer, record_id)
  )`.execute(db)
  await sql`create index crosswalk_links_from on crosswalk_links (from_regime, from_code)`.execute(db)
  await sql`create index crosswalk_links_to on crosswalk_links (to_regime, to_code)`.execute(db)
}

export async function down (db: Kysely<any>): Promise<void> {
  for (const table of ['crosswalk_links', 'record_codes', 'record_items', 'record_parties']) await db.schema.dropTable(table).execute()
}
