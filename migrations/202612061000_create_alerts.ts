import { sql, type Kysely } from 'kysely'

// Issue 14: officers hear at once. A pending application of ours is a case, watched until a
// decision is recorded for it or it is withdrawn; parties are watched by an officer or the
// agency. Every record stored (a sync page, a push, our own) is matched against the open
// cases and the watched parties through their own indexes (`watched_names`, `watch_name_keys`,
// `watch_names`: rows only while the case is open or the party watched), and a hit raises an alert (`alerts`, one per finding). Owner: src/alerts
// (docs/alerts.md).
export async function up (db: Kysely<any>): Promise<void> {
  await sql`create table cases (
    id uuid primary key,
    reference text not null,
    officer text not null,
    application jsonb not null,
    state text not null check (state in ('open', 'decided', 'withdrawn')),
    screening_id uuid references screenings (id),
    decision_issuer text,
    decision_record_id uuid,
    close_reason text,
    opened_at timestamptz not null,
    closed_at timestamptz
  )`.execute(db)
  await sql`create index cases_by_officer on cases (officer, opened_at desc, id)`.execute(db)
  await sql`create index cases_by_state on cases (state, opened_at desc, id)`.execute(db)

  await sql`create table watched_parties (
    id uuid primary key,
    owner text not null,
    party jsonb not null,
    note text not null default '',
    created_by text not null,
    created_at timestamptz not null,
    removed_at timestamptz,
    removed_by text
  )`.execute(db)
  await sql`create index watched_parties_by_owner on watched_parties (owner, created_at desc, id) where removed_at is null`.execute(db)

  // the distinct names watched (a name many open cases carry is searched once), and which party
  // of which open case or watched party carries each: what an arriving record's parties are
  // looked for among. A name no subject carries any more is left until the next start
  // (`refreshWatchKeys`): removing it as a case closes would race with a case opening with it.
  await sql`create table watched_names (
    name_hash uuid primary key,
    party jsonb not null,
    exact_keys text[] not null,
    identifier_keys text[] not null,
    keys_version integer not null
  )`.execute(db)
  // searched by every record stored, written a few rows at a time: no pending list for every
  // search to read in full (as party_names' indexes, 202612030920)
  await sql`create index watched_names_exact_keys on watched_names using gin (exact_keys) with (fastupdate = off)`.execute(db)
  await sql`create index watched_names_identifier_keys on watched_names using gin (identifier_keys) with (fastupdate = off)`.execute(db)
  await sql`create table watch_name_keys (
    name_hash uuid not null references watched_names on delete cascade,
    key text not null,
    kind "char" not null generated always as (case left(key, 1) when '~' then 'l'::"char" when '_' then 'a'::"char" else 'n'::"char" end) stored
  )`.execute(db)
  await sql`create index watch_name_keys_name on watch_name_keys (name_hash)`.execute(db)
  await sql`create index watch_name_keys_key on watch_name_keys using gin (key gin_trgm_ops) with (fastupdate = off) where kind = 'n'`.execute(db)
  await sql`create index watch_name_keys_abjad_skeleton on watch_name_keys using gin (key gin_trgm_ops) with (fastupdate = off) where kind = 'a'`.execute(db)
  await sql`create index watch_name_keys_latin_skeleton on watch_name_keys using gin (key gin_trgm_ops) with (fastupdate = off) where kind = 'l'`.execute(db)
  await sql`create table watch_names (
    subject_type text not null check (subject_type in ('case', 'watch')),
    subject_id uuid not null,
    ordinal integer not null,
    name_hash uuid not null references watched_names,
    primary key (subject_type, subject_id, ordinal)
  )`.execute(db)
  await sql`create index watch_names_by_name on watch_names (name_hash)`.execute(db)

  await sql`create table alerts (
    id uuid primary key,
    kind text not null,
    finding_key text not null unique,
    recipient_user text,
    recipient_role text,
    subject_type text not null,
    subject_id text not null,
    issuer text,
    record_id uuid,
    record_version integer,
    holds boolean not null default true,
    title text not null,
    explanation text not null,
    detail jsonb not null,
    raised_at timestamptz not null,
    updated_at timestamptz not null,
    acknowledged_at timestamptz,
    acknowledged_by text,
    check (recipient_user is not null or recipient_role is not null)
  )`.execute(db)
  await sql`create index alerts_by_user on alerts (recipient_user, raised_at desc, id) where recipient_user is not null`.execute(db)
  await sql`create index alerts_by_role on alerts (recipient_role, raised_at desc, id) where recipient_role is not null`.execute(db)
  // the count of unread alerts on every page: the unread ones only, however many were read
  await sql`create index alerts_unread_by_user on alerts (recipient_user) where acknowledged_at is null and recipient_user is not null`.execute(db)
  await sql`create index alerts_unread_by_role on alerts (recipient_role) where acknowledged_at is null and recipient_role is not null`.execute(db)
  await sql`create index alerts_by_record on alerts (issuer, record_id) where record_id is not null`.execute(db)
  await sql`create index alerts_by_subject on alerts (subject_type, subject_id)`.execute(db)
}

export async function down (db: Kysely<any>): Promise<void> {
  for (const table of ['alerts', 'watch_names', 'watch_name_keys', 'watched_names', 'watched_parties', 'cases']) {
    await sql`drop table ${sql.table(table)}`.execute(db)
  }
}
