import { sql, type Kysely } from 'kysely'

// Divergence detection on a sync page or an import looks up a thousand parties at once, where a
// trigram search of each costs milliseconds: there it looks for the distinct names that share an
// exact key with theirs (src/records/candidates.ts, findNearParties with `same-keys`), one GIN
// probe for all. The exact keys of a name, each of its search keys with the spaces taken out, as
// written and with its words sorted: names that normalise alike (legal forms, transliterations,
// joined or split words, word order, case and punctuation) share one. Defined here once, in SQL,
// computed by the trigger that keeps party_names.
export async function up (db: Kysely<any>): Promise<void> {
  await sql`create function party_exact_keys(name_keys text) returns text[] language sql immutable as $$
    select coalesce(array_agg(distinct k) filter (where length(k) >= 4), '{}')
    from unnest(string_to_array(name_keys, ' / ')) as key,
      lateral unnest(array[replace(key, ' ', ''), (select string_agg(w, '' order by w) from unnest(string_to_array(key, ' ')) as w)]) as k
  $$`.execute(db)
  await sql`alter table party_names add column exact_keys text[] not null default '{}'`.execute(db)
  await sql`update party_names set exact_keys = party_exact_keys(name_keys)`.execute(db)
  await sql`create index party_names_exact_keys on party_names using gin (exact_keys)`.execute(db)
  await sql`create or replace function party_names_from_new() returns trigger language plpgsql as $$
    begin
      insert into party_names (name_hash, name, aliases, identifiers, name_keys, identifier_keys, keys_version, exact_keys)
      select distinct on (n.name_hash) n.name_hash, n.name, n.aliases, n.identifiers, n.name_keys, n.identifier_keys, n.keys_version, party_exact_keys(n.name_keys)
      from new_parties n where n.name_hash is not null
      order by n.name_hash
      on conflict (name_hash) do nothing;
      return null;
    end $$`.execute(db)
}

export async function down (db: Kysely<any>): Promise<void> {
  await sql`create or replace function party_names_from_new() returns trigger language plpgsql as $$
    begin
      insert into party_names (name_hash, name, aliases, identifiers, name_keys, identifier_keys, keys_version)
      select distinct on (n.name_hash) n.name_hash, n.name, n.aliases, n.identifiers, n.name_keys, n.identifier_keys, n.keys_version
      from new_parties n where n.name_hash is not null
      order by n.name_hash
      on conflict (name_hash) do nothing;
      return null;
    end $$`.execute(db)
  await sql`drop index party_names_exact_keys`.execute(db)
  await sql`alter table party_names drop column exact_keys`.execute(db)
  await sql`drop function party_exact_keys(text)`.execute(db)
}
