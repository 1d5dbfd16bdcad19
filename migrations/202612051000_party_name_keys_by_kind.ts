import { sql, type Kysely } from 'kysely'

// Issue 12, screening at a million decisions: each probe key costs a trigram index search
// (1-14 ms, the longer the key the dearer), and a short consonant skeleton ("stk", of the
// acronym "CETC") is near hundreds of Latin names, each then scored and refused. Skeleton keys
// exist so that a name written in an abjad meets its Latin spelling: they are now marked by the
// script they were read from (`SKELETON_MARK` in src/matching/normalise-name.ts: "~" Latin,
// "_" abjad; pg_trgm reads letters and digits only, so a mark changes no trigram), and each
// kind has its own partial index: a Latin probe's skeleton is searched among abjad names'
// skeletons only, an abjad probe's among both, and the other keys among the unmarked ones.
// Exact keys compare skeletons without their mark (a Latin name and its Arabic spelling share
// one). KEYS_VERSION 11 rewrites the stored keys at startup.
export async function up (db: Kysely<any>): Promise<void> {
  await sql`alter table party_name_keys add column kind "char" not null
    generated always as (case left(key, 1) when '~' then 'l'::"char" when '_' then 'a'::"char" else 'n'::"char" end) stored`.execute(db)
  await sql`drop index party_name_keys_key`.execute(db)
  await sql`create index party_name_keys_key on party_name_keys using gin (key gin_trgm_ops) where kind = 'n'`.execute(db)
  await sql`create index party_name_keys_abjad_skeleton on party_name_keys using gin (key gin_trgm_ops) where kind = 'a'`.execute(db)
  await sql`create index party_name_keys_latin_skeleton on party_name_keys using gin (key gin_trgm_ops) where kind = 'l'`.execute(db)
  await sql`create or replace function party_exact_keys(name_keys text) returns text[] language sql immutable as $$
    select coalesce(array_agg(distinct k) filter (where length(k) >= 4), '{}')
    from unnest(string_to_array(name_keys, ' / ')) as marked, lateral (select ltrim(marked, '~_') as key) unmarked,
      lateral unnest(array[replace(key, ' ', ''), (select string_agg(w, '' order by w) from unnest(string_to_array(key, ' ')) as w)]) as k
  $$`.execute(db)
  await cleanPendingLists(db, ['party_name_keys_key', 'party_name_keys_abjad_skeleton', 'party_name_keys_latin_skeleton', 'party_names_exact_keys', 'party_names_identifier_keys'])
  // the new column's statistics: without them the planner believes a kind rare and scans the
  // table rather than a kind's index (src/records/refresh-statistics.ts keeps them after)
  await sql`analyze party_name_keys`.execute(db)
}

export async function down (db: Kysely<any>): Promise<void> {
  await sql`drop index party_name_keys_abjad_skeleton`.execute(db)
  await sql`drop index party_name_keys_latin_skeleton`.execute(db)
  await sql`drop index party_name_keys_key`.execute(db)
  await sql`alter table party_name_keys drop column kind`.execute(db)
  await sql`create index party_name_keys_key on party_name_keys using gin (key gin_trgm_ops)`.execute(db)
  await sql`create or replace function party_exact_keys(name_keys text) returns text[] language sql immutable as $$
    select coalesce(array_agg(distinct k) filter (where length(k) >= 4), '{}')
    from unnest(string_to_array(name_keys, ' / ')) as key,
      lateral unnest(array[replace(key, ' ', ''), (select string_agg(w, '' order by w) from unnest(string_to_array(key, ' ')) as w)]) as k
  $$`.execute(db)
  await cleanPendingLists(db, ['party_name_keys_key', 'party_names_exact_keys', 'party_names_identifier_keys'])
}

// The trigger that keeps party_names merges the GIN pending lists of these indexes after adding names (202612031000).
async function cleanPendingLists (db: Kysely<any>, indexes: string[]): Promise<void> {
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
        perform gin_clean_pending_list(i) from unnest(array[${sql.raw(indexes.map((i) => `to_regclass('${i}')`).join(', '))}]) as i where i is not null;
      end if;
      return null;
    end $$`.execute(db)
}
