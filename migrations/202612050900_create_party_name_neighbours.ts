import { sql, type Kysely } from 'kysely'

// Issue 12: detection of a large change (a sync page's thousand grants, an import) met only the
// names that normalise alike: a trigram search costs ~1 ms a search key, and a page's grants
// are a thousand parties. So a peer's grant synced with a typo in its end user's name was found
// by an officer screening it and missed by detection.
//
// An undercut needs a denial, and denials name few distinct names. So the trigram neighbours
// that involve a denied name are kept in the database, found once, when one of the two names is
// first stored or first named by a denial, and a large change reads its parties' neighbours by
// name (an index lookup) instead of searching:
//
// - `denied_name_keys`: the search keys of every name some denial names (any agency, any role,
//   revoked or not: a superset is harmless, the rules decide), with a trigram index of its own,
//   small beside `party_name_keys`' (a name new to us is compared with these only);
// - `party_name_neighbours`: (a name, a denied name) trigram-near in either direction at
//   `NEIGHBOUR_FLOOR` (0.5, the default `MATCH_TRIGRAM_THRESHOLD`), with their best word
//   similarity, so that a reader at a higher threshold filters by it. Both directions, because
//   `<%` is word similarity of the looked-for name within the other, and either name may be
//   the one looked for.
//
// The trigger that keeps `party_names` keeps both, per statement: a name a denial names for the
// first time is searched against every name's keys (the full index, ~7 ms a name, once); a
// name new to us against the denied names' keys. Deleting a name (the key refresh) cascades.
const NEIGHBOUR_FLOOR = 0.5

export async function up (db: Kysely<any>): Promise<void> {
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

      perform set_config('pg_trgm.word_similarity_threshold', '${sql.raw(String(NEIGHBOUR_FLOOR))}', true);
      -- names a denial names for the first time: their keys, and every name near them
      with newly as (
        insert into denied_name_keys (name_hash, key)
        select k.name_hash, k.key
        from (select distinct n.name_hash from new_parties n where n.outcome = 'denied' and n.name_hash is not null) d
        join party_name_keys k on k.name_hash = d.name_hash
        where not exists (select 1 from denied_name_keys x where x.name_hash = d.name_hash)
        on conflict do nothing
        returning name_hash, key
      )
      insert into party_name_neighbours (name_hash, denied_hash, similarity)
      select near.name_hash, near.denied_hash, max(near.similarity) from (
        select k.name_hash, n.name_hash as denied_hash, greatest(word_similarity(n.key, k.key), word_similarity(k.key, n.key)) as similarity
        from newly n join party_name_keys k on n.key <% k.key
        union all
        select k.name_hash, n.name_hash, greatest(word_similarity(n.key, k.key), word_similarity(k.key, n.key))
        from newly n join party_name_keys k on k.key <% n.key
      ) near
      where near.name_hash <> near.denied_hash
      group by near.name_hash, near.denied_hash
      on conflict (name_hash, denied_hash) do nothing;
      -- names new to us: the denied names near them
      if cardinality(added_names) > 0 then
        insert into party_name_neighbours (name_hash, denied_hash, similarity)
        select near.name_hash, near.denied_hash, max(near.similarity) from (
          select k.name_hash, d.name_hash as denied_hash, greatest(word_similarity(k.key, d.key), word_similarity(d.key, k.key)) as similarity
          from party_name_keys k join denied_name_keys d on k.key <% d.key
          where k.name_hash = any(added_names)
          union all
          select k.name_hash, d.name_hash, greatest(word_similarity(k.key, d.key), word_similarity(d.key, k.key))
          from party_name_keys k join denied_name_keys d on d.key <% k.key
          where k.name_hash = any(added_names)
        ) near
        where near.name_hash <> near.denied_hash
        group by near.name_hash, near.denied_hash
        on conflict (name_hash, denied_hash) do nothing;
      end if;
      perform set_config('pg_trgm.word_similarity_threshold', coalesce(threshold, '0.6'), true);
      return null;
    end $$`.execute(db)
  // the names denials already name, and their neighbours
  await sql`insert into denied_name_keys (name_hash, key)
    select distinct k.name_hash, k.key from party_name_keys k
    where exists (select 1 from record_parties p where p.name_hash = k.name_hash and p.outcome = 'denied')`.execute(db)
  await sql`select set_config('pg_trgm.word_similarity_threshold', ${String(NEIGHBOUR_FLOOR)}, true)`.execute(db)
  await sql`insert into party_name_neighbours (name_hash, denied_hash, similarity)
    select near.name_hash, near.denied_hash, max(near.similarity) from (
      select k.name_hash, n.name_hash as denied_hash, greatest(word_similarity(n.key, k.key), word_similarity(k.key, n.key)) as similarity
      from denied_name_keys n join party_name_keys k on n.key <% k.key
      union all
      select k.name_hash, n.name_hash, greatest(word_similarity(n.key, k.key), word_similarity(k.key, n.key))
      from denied_name_keys n join party_name_keys k on k.key <% n.key
    ) near
    where near.name_hash <> near.denied_hash
    group by near.name_hash, near.denied_hash`.execute(db)
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
}
