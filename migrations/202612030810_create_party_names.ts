import { sql, type Kysely } from 'kysely'

// Issue 12: party search at a million decisions. Real end users recur licence after licence:
// a million decisions name a few thousand distinct parties. The fuzzy (trigram) search ran over
// every party of every decision (seconds per name at a million); it now runs over the distinct
// party names, `party_names`, one row per party name as written (name, aliases, identifiers,
// under one key grammar: `name_hash`, computed by the matcher's `partyKeyColumns`; country and
// address stay with each decision's party), and reaches the decisions through
// `record_parties.name_hash`.
//
// `party_names` is a projection of `record_parties` kept by two statement-level triggers (every
// writer of record_parties — the records writer, the key refresh, a bulk loader — keeps it
// without knowing it). Names of an older key grammar are deleted by the key refresh
// (`refreshMatchKeys`); a name an amendment left behind stays, reaching no decision (deleting
// it could race a writer naming it again). Read and written by src/records only.
export async function up (db: Kysely<any>): Promise<void> {
  await sql`create table party_names (
    name_hash uuid primary key,
    name text not null,
    aliases text[] not null,
    identifiers jsonb not null,
    name_keys text not null,
    identifier_keys text[] not null,
    keys_version smallint not null
  )`.execute(db)
  await sql`create index party_names_name_keys on party_names using gin (name_keys gin_trgm_ops)`.execute(db)
  await sql`create index party_names_identifier_keys on party_names using gin (identifier_keys)`.execute(db)
  await sql`alter table record_parties add column name_hash uuid`.execute(db)
  await sql`create index record_parties_name_hash on record_parties (name_hash)`.execute(db)
  await sql`create function party_names_from_new() returns trigger language plpgsql as $$
    begin
      insert into party_names (name_hash, name, aliases, identifiers, name_keys, identifier_keys, keys_version)
      select distinct on (n.name_hash) n.name_hash, n.name, n.aliases, n.identifiers, n.name_keys, n.identifier_keys, n.keys_version
      from new_parties n where n.name_hash is not null
      order by n.name_hash
      on conflict (name_hash) do nothing;
      return null;
    end $$`.execute(db)
  await sql`create trigger record_parties_names_on_insert after insert on record_parties
    referencing new table as new_parties for each statement execute function party_names_from_new()`.execute(db)
  await sql`create trigger record_parties_names_on_update after update on record_parties
    referencing new table as new_parties for each statement execute function party_names_from_new()`.execute(db)
  // the search over every party's names is gone: its indexes cost every write and served nothing
  for (const index of ['record_parties_name_keys', 'record_parties_identifier_keys', 'record_parties_denied_name_keys', 'record_parties_denied_identifier_keys']) {
    await sql`drop index if exists ${sql.id(index)}`.execute(db)
  }
  // detection searches as screening does (the exact keys were its own, cruder, matcher)
  await sql`alter table record_parties drop column exact_keys`.execute(db)
  // rows written before: recomputed (name_hash included) by refreshMatchKeys at startup, KEYS_VERSION being raised
}

export async function down (db: Kysely<any>): Promise<void> {
  await sql`alter table record_parties add column exact_keys text[] not null default '{}'`.execute(db)
  await sql`create index record_parties_exact_keys on record_parties using gin (exact_keys)`.execute(db)
  await sql`create index record_parties_denied_exact_keys on record_parties using gin (exact_keys) where outcome = 'denied'`.execute(db)
  await sql`create index record_parties_name_keys on record_parties using gin (name_keys gin_trgm_ops)`.execute(db)
  await sql`create index record_parties_identifier_keys on record_parties using gin (identifier_keys)`.execute(db)
  await sql`create index record_parties_denied_name_keys on record_parties using gin (name_keys gin_trgm_ops) where outcome = 'denied'`.execute(db)
  await sql`create index record_parties_denied_identifier_keys on record_parties using gin (identifier_keys) where outcome = 'denied'`.execute(db)
  await sql`drop trigger record_parties_names_on_update on record_parties`.execute(db)
  await sql`drop trigger record_parties_names_on_insert on record_parties`.execute(db)
  await sql`drop function party_names_from_new()`.execute(db)
  await sql`alter table record_parties drop column name_hash`.execute(db)
  await sql`drop table party_names`.execute(db)
}
