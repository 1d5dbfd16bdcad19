import { sql, type Kysely } from 'kysely'

// Divergences (issue #5): what the rules of src/divergence/rules.ts found about pairs of
// records, kept with their state and the full history of its changes. Detection is
// incremental and idempotent on `pair_key`. See docs/divergence.md.
export async function up (db: Kysely<any>): Promise<void> {
  await sql`create table divergences (
    id uuid primary key,
    kind text not null check (kind in ('undercut', 'conflicting-classification', 'divergent-outcome')),
    pair_key text not null unique,
    first_issuer text not null,
    first_record_id uuid not null,
    first_version integer not null,
    second_issuer text not null,
    second_record_id uuid not null,
    second_version integer not null,
    severity text not null check (severity in ('high', 'medium', 'low', 'info')),
    state text not null check (state in ('open', 'acknowledged', 'justified', 'dismissed', 'escalated', 'resolved')),
    holds boolean not null,
    destination text,
    control_category text,
    explanation text not null,
    evidence jsonb not null,
    detected_at timestamptz not null,
    updated_at timestamptz not null,
    resolved_at timestamptz
  )`.execute(db)
  await sql`create index divergences_first on divergences (first_issuer, first_record_id)`.execute(db)
  await sql`create index divergences_second on divergences (second_issuer, second_record_id)`.execute(db)
  await sql`create index divergences_list on divergences (detected_at desc, id)`.execute(db)

  await sql`create table divergence_transitions (
    divergence_id uuid not null references divergences (id),
    seq integer not null check (seq >= 1),
    from_state text,
    to_state text not null,
    actor text not null,
    reason text not null,
    at timestamptz not null,
    primary key (divergence_id, seq)
  )`.execute(db)
}

export async function down (db: Kysely<any>): Promise<void> {
  for (const table of ['divergence_transitions', 'divergences']) await db.schema.dropTable(table).execute()
}
