import { sql, type Kysely } from 'kysely'

// Consultations between agencies (issue #5): one row per consultation at each end (the same id
// at both), and every signed message of it, sent or received, with the sender's outbox state.
// See docs/divergence.md, "Consultation".
export async function up (db: Kysely<any>): Promise<void> {
  await sql`create table consultations (
    id uuid primary key,
    direction text not null check (direction in ('outgoing', 'incoming')),
    requester text not null,
    consulted text not null check (consulted <> requester),
    denial_issuer text not null,
    denial_record_id uuid not null,
    denial_reference text not null,
    regime text not null,
    proposed jsonb not null,
    question text not null,
    state text not null check (state in ('requested', 'no-objection', 'objection', 'more-information')),
    deadline date not null,
    requested_at timestamptz not null,
    answered_at timestamptz,
    updated_at timestamptz not null,
    created_by text
  )`.execute(db)
  await sql`create index consultations_list on consultations (requested_at desc, id)`.execute(db)
  await sql`create index consultations_open on consultations (deadline) where state in ('requested', 'more-information')`.execute(db)

  await sql`create table consultation_messages (
    id uuid primary key,
    consultation_id uuid not null references consultations (id),
    position integer not null check (position >= 1),
    kind text not null check (kind in ('request', 'reply', 'information')),
    sender text not null,
    receiver text not null,
    answer text check (answer in ('no-objection', 'objection', 'more-information')),
    jws text not null,
    sent_at timestamptz not null,
    received_at timestamptz,
    delivery text not null check (delivery in ('pending', 'delivered', 'refused', 'received')),
    attempts integer not null default 0,
    next_attempt_at timestamptz,
    last_error text,
    unique (consultation_id, position)
  )`.execute(db)
  await sql`create index consultation_messages_outbox on consultation_messages (next_attempt_at) where delivery = 'pending'`.execute(db)
}

export async function down (db: Kysely<any>): Promise<void> {
  for (const table of ['consultation_messages', 'consultations']) await db.schema.dropTable(table).execute()
}
