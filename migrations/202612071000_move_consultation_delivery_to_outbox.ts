import { sql, type Kysely } from 'kysely'

// Our consultation messages are delivered through the one outbox (src/outbox) rather than a
// retry loop of their own: the messages still pending are queued there as they stand (their
// attempts, their next attempt, their last error), and those a peer refused are kept there as
// refused, so the administrators' counts go on. `consultation_messages` keeps what the officers
// see of a delivery (delivery, attempts, last_error); when the next attempt comes is the
// outbox's alone, so its own next_attempt_at and the index over it go.
export async function up (db: Kysely<any>): Promise<void> {
  await sql`insert into outbox (topic, key, payload, state, attempts, next_attempt_at, last_error, created_at, settled_at)
    select 'consultation-message', 'consultation-message ' || id, jsonb_build_object('messageId', id), delivery, attempts,
      case when delivery = 'pending' then coalesce(next_attempt_at, now()) end, last_error, sent_at,
      case when delivery = 'refused' then now() end
    from consultation_messages where delivery in ('pending', 'refused')
    on conflict (key) do nothing`.execute(db)
  await sql`drop index consultation_messages_outbox`.execute(db)
  await sql`alter table consultation_messages drop column next_attempt_at`.execute(db)
}

export async function down (db: Kysely<any>): Promise<void> {
  await sql`alter table consultation_messages add column next_attempt_at timestamptz`.execute(db)
  await sql`update consultation_messages m set next_attempt_at = coalesce(o.next_attempt_at, now())
    from outbox o where o.key = 'consultation-message ' || m.id and m.delivery = 'pending'`.execute(db)
  await sql`create index consultation_messages_outbox on consultation_messages (next_attempt_at) where delivery = 'pending'`.execute(db)
  await sql`delete from outbox where topic = 'consultation-message'`.execute(db)
}
