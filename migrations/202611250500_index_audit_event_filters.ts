import { sql, type Kysely } from 'kysely'

// GET /v1/audit-events filters by action, actor and time, in seq order: one index each, so an
// auditor's question reads the events it asks for, not the whole trail.
export async function up (db: Kysely<any>): Promise<void> {
  await sql`create index audit_events_action on audit_events (action, seq)`.execute(db)
  await sql`create index audit_events_actor on audit_events (actor, seq)`.execute(db)
  await sql`create index audit_events_at on audit_events (at)`.execute(db)
}

export async function down (db: Kysely<any>): Promise<void> {
  for (const index of ['audit_events_at', 'audit_events_actor', 'audit_events_action']) await sql`drop index ${sql.id(index)}`.execute(db)
}
