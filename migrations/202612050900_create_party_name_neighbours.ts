import { sql, type Kysely } from 'kysely'

// Issue 12: detection of a large change (a sync page's thousand grants, an import) met only the
// names that normalise alike: a trigram search costs ~1 ms a search key, and a page's grants
// are a thousand parties. So a peer's grant synced with a typo in its end user's name was found
// by an officer screening it and missed by detection.
//
// An undercut needs a denial, and denials name few distinct names. So the trigram neighbours
// that involve a denied name are kept, found once, and a large change reads its parties'
// neighbours by name (an index lookup) instead of searching:
//
// - `denied_names`: every name some denial names (any agency, role or state: a superset costs
//   a few candidates the rules refuse), and whether its own neighbours were kept;
// - `denied_name_keys`: their search keys, with a trigram index of its own, small beside
//   `party_name_keys`';
// - `party_name_neighbours (name_hash, denied_hash, similarity)`: a name and a denied name
//   trigram-near, the similarity at least the threshold they were found at.
//
// Word similarity (`<%`) is asymmetric, and only one direction is affordable: the looked-for
// key within the indexed ones (the other direction rechecks every key sharing a trigram: 25
// times the cost, measured on bench/sync's names). So each side is found as it would be looked
// for: a name new to us is searched among the denied names' keys here, by the trigger that keeps
// `party_names` (its keys within theirs, as detection looks for a grant's name), at
// `NEIGHBOUR_FLOOR` (0.5, the default `MATCH_TRIGRAM_THRESHOLD`) with the similarity kept; and a
// name first denied is searched among every name's keys by detection, as it looks for a
// denial's name (src/records/denied-neighbours.ts), where the search is remembered
// (`trigramNeighbours`) and costs nothing more when detection has just made it.
const NEIGHBOUR_FLOOR = 0.5

export async function up (db: Kysely<any>): Promise<void> {
  await sql`create table denied_names (
    name_hash uuid primary key references party_names (name_hash) on delete cascade,
    neighbours_kept boolean not null default false
  )`.execute(db)
  await sql`create index denied_names_to_keep on denied_names (name_hash) where not neighbours_kept`.execute(db)
  await sql`create table denied_name_keys (
    name_hash uuid not null references party_names (name_hash) on delete cascade,
    key text not null,
    primary key (name_hash, key)
  )`.execute(db)
  // written once per name a denial names: no pending list for the searches to read
  await sql`create index denied_name_keys_key on denied_name_keys using gin (key gin_trgm_ops) with (fastupdate = off)`.execute(db)
  await sql`create table party_name_neighbours (
    name_hash uuid not null references party_names (name_hash) on delete cascade,
    denied_hash uuid not null references party_names (name_hash) on delete cascade,
    similarity real not null,
    primary key (name_hash, denied_hash)
  )`.execute(db)
  await sql`create index party_name_neighbours_denied on party_name_neighbours (denied_hash) include (name_hash, similarity)`.execute(db)
  await sql`create or replace function party_names_from_new() returns trigger language plpgsql as $$
    declare
      added_names uuid[];
      threshold text := current_setting('pg_trgm.word_similarity_threshold', true);
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
      select coalesce(array_agg(name_hash), '{}') into added_names from added;
      if cardinality(added_names) > 0 then
        -- an index dropped for a bulk load (bench/lib/stored-decisions.ts) or maintenance is skipped, never an error
        perform gin_clean_pending_list(i) from unnest(array[
          to_regclass('party_name_keys_key'), to_regclass('party_names_exact_keys'), to_regclass('party_names_identifier_keys')
        ]) as i where i is not null;
      end if;

      -- names a denial names for the first time, and their keys (their neighbours: detection)
      with newly as (
        insert into denied_names (name_hash)
        select distinct n.name_hash from new_parties n where n.outcome = 'denied' and n.name_hash is not null
        on conflict do nothing
        returning name_hash
      )
      insert into denied_name_keys (name_hash, key)
      select k.name_hash, k.key from newly d join party_name_keys k on k.name_hash = d.name_hash;
      -- names new to us: the denied names near them
      if cardinality(added_names) > 0 then
        perform set_config('pg_trgm.word_similarity_threshold', '${sql.raw(String(NEIGHBOUR_FLOOR))}', true);
        insert into party_name_neighbours (name_hash, denied_hash, similarity)
        select k.name_hash, d.name_hash, max(word_similarity(k.key, d.key))
        from party_name_keys k join denied_name_keys d on k.key <% d.key
        where k.name_hash = any(added_names) and d.name_hash <> k.name_hash
        group by k.name_hash, d.name_hash
        on conflict (name_hash, denied_hash) do nothing;
        perform set_config('pg_trgm.word_similarity_threshold', coalesce(threshold, '0.6'), true);
      end if;
      return null;
    end $$`.execute(db)
  // the names denials already name (their neighbours: kept by detection, src/records/denied-neighbours.ts, at startup),
  // and every name's denied neighbours
  await sql`insert into denied_names (name_hash)
    select distinct p.name_hash from record_parties p where p.outcome = 'denied' and p.name_hash is not null`.execute(db)
  await sql`insert into denied_name_keys (name_hash, key)
    select k.name_hash, k.key from denied_names d join party_name_keys k on k.name_hash = d.name_hash`.execute(db)
  await sql`select set_config('pg_trgm.word_similarity_threshold', ${String(NEIGHBOUR_FLOOR)}, true)`.execute(db)
  await sql`insert into party_name_neighbours (name_hash, denied_hash, similarity)
    select k.name_hash, d.name_hash, max(word_similarity(k.key, d.key))
    from party_name_keys k join denied_name_keys d on k.key <% d.key
    where d.name_hash <> k.name_hash
    group by k.name_hash, d.name_hash`.execute(db)
}

export async function down (db: Kysely<any>): Promise<void> {
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
        perform gin_clean_pending_list(i) from unnest(array[
          to_regclass('party_name_keys_key'), to_regclass('party_names_exact_keys'), to_regclass('party_names_identifier_keys')
        ]) as i where i is not null;
      end if;
      return null;
    end $$`.execute(db)
  await sql`drop table party_name_neighbours`.execute(db)
  await sql`drop table denied_name_keys`.execute(db)
  await sql`drop table denied_names`.execute(db)
}
