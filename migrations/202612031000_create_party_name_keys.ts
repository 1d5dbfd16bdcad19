import { sql, type Kysely } from 'kysely'

// Issue 12: the trigram search of party names (screening, the officers' search, detection of a
// change's denials) cost ~5 ms a search key: the index gives every name sharing enough trigrams
// with the key, and word similarity is rechecked over the name's joined keys (`name_keys`, every
// spelling of its names and aliases: 160 characters on average). One row per key
// (`party_name_keys`, ~26 characters) halves it and finds a key's nearest spelling rather than
// the best stretch of the joined ones (bench/sync, docs/performance.md).
//
// And the same names are looked for again and again (a sync page's denials, an officer's end
// users): src/records/trigram-neighbours.ts remembers each probe's neighbours and compares only
// the keys added since. `added_xid`, the transaction that added a key (with its name), is what
// "since" means: a key added by a transaction that had not finished when the neighbours were
// remembered has an id at or above that moment's snapshot horizon, so it is searched again
// until it settles. Names and their keys are only ever inserted and deleted (the key refresh),
// never updated.
//
// Both are kept by the trigger that keeps party_names, which now also computes a name's exact
// keys only when the name is new (it computed them for every party written). Its GIN indexes
// take a statement's new names in bulk: the entries go to the pending list (fast update) and
// the trigger merges it at once (`gin_clean_pending_list`), so that no search reads a pending
// list (the reason 202612030920 turned fast update off) and a page of a thousand new names
// costs a sorted merge rather than a thousand descents per trigram.
//
// The decisions naming a name are read by outcome (detection looks for the opposite one; the
// undercut warning for denials), and a near name is scored only when a decision of the
// outcome, role and agency looked for names it: `record_parties` by name and outcome, with the
// agency and role in the index, in place of the index by name alone (a recurring end user is
// named by hundreds of grants for every denial at a million decisions).
export async function up (db: Kysely<any>): Promise<void> {
  await sql`create table party_name_keys (
    name_hash uuid not null references party_names (name_hash) on delete cascade,
    key text not null,
    added_xid xid8 not null default pg_current_xact_id(),
    primary key (name_hash, key)
  )`.execute(db)
  await sql`insert into party_name_keys (name_hash, key)
    select distinct name_hash, key from party_names, unnest(string_to_array(name_keys, ' / ')) as key where key <> ''`.execute(db)
  await sql`create index party_name_keys_key on party_name_keys using gin (key gin_trgm_ops)`.execute(db)
  for (const index of ['party_names_identifier_keys', 'party_names_exact_keys']) await sql`alter index ${sql.id(index)} set (fastupdate = on)`.execute(db)
  await sql`create index party_name_keys_added_xid on party_name_keys (added_xid)`.execute(db)
  await sql`drop index party_names_name_keys`.execute(db)
  await sql`create index record_parties_name_hash_outcome on record_parties (name_hash, outcome) include (issuer, role)`.execute(db)
  await sql`drop index record_parties_name_hash`.execute(db)
  await sql`create or replace function party_names_from_new() returns trigger language plpgsql as $$
    declare
      added_names integer;
    begin
      with added as (
        insert into party_names (name_hash, name, aliases, identifiers, name_keys, identifier_keys, keys_version, exact_keys)
        select n.name_hash, n.name, n.aliases, n.identifiers, n.name_keys, n.identifier_keys, n.keys_version, party_exact_keys(n.name_keys)
        from (
          select distinct on (n.name_hash) n.* from new_parties n
          where n.name_hash is not null and not exists (select 1 from party_names p where p.name_hash = n.name_hash)
          order by n.name_hash
        ) n
        on conflict (name_hash) do nothing
        returning name_hash, name_keys
      )
      , keys as (
        insert into party_name_keys (name_hash, key)
        select distinct a.name_hash, key from added a, unnest(string_to_array(a.name_keys, ' / ')) as key where key <> ''
      )
      select count(*) into added_names from added;
      if added_names > 0 then
        -- an index dropped for a bulk load (bench/lib/stored-decisions.ts) or maintenance is skipped, never an error
        perform gin_clean_pending_list(i) from unnest(array[
          to_regclass('party_name_keys_key'), to_regclass('party_names_exact_keys'), to_regclass('party_names_identifier_keys')
        ]) as i where i is not null;
      end if;
      return null;
    end $$`.execute(db)
}

export async function down (db: Kysely<any>): Promise<void> {
  await sql`create or replace function party_names_from_new() returns trigger language plpgsql as $$
    begin
      insert into party_names (name_hash, name, aliases, identifiers, name_keys, identifier_keys, keys_version, exact_keys)
      select distinct on (n.name_hash) n.name_hash, n.name, n.aliases, n.identifiers, n.name_keys, n.identifier_keys, n.keys_version, party_exact_keys(n.name_keys)
      from new_parties n where n.name_hash is not null
      order by n.name_hash
      on conflict (name_hash) do nothing;
      return null;
    end $$`.execute(db)
  await sql`create index party_names_name_keys on party_names using gin (name_keys gin_trgm_ops) with (fastupdate = off)`.execute(db)
  for (const index of ['party_names_identifier_keys', 'party_names_exact_keys']) await sql`alter index ${sql.id(index)} set (fastupdate = off)`.execute(db)
  await sql`create index record_parties_name_hash on record_parties (name_hash)`.execute(db)
  await sql`drop index record_parties_name_hash_outcome`.execute(db)
  await sql`drop table party_name_keys`.execute(db)
}
