import { sql, type Kysely } from 'kysely'

// A requester may withdraw its consultation (it decided not to grant, or the application was
// withdrawn): a signed `withdrawal` message, and the consultation's state `withdrawn`.
export async function up (db: Kysely<any>): Promise<void> {
  await sql`alter table consultations drop constraint consultations_state_check,
    add constraint consultations_state_check check (state in ('requested', 'no-objection', 'objection', 'more-information', 'withdrawn'))`.execute(db)
  await sql`alter table consultation_messages drop constraint consultation_messages_kind_check,
    add constraint consultation_messages_kind_check check (kind in ('request', 'reply', 'information', 'withdrawal'))`.execute(db)
}

export async function down (db: Kysely<any>): Promise<void> {
  await sql`delete from consultation_messages where kind = 'withdrawal'`.execute(db)
  await sql`update consultations set state = 'requested' where state = 'withdrawn'`.execute(db)
  await sql`alter table consultation_messages drop constraint consultation_messages_kind_check,
    add constraint consultation_messages_kind_check check (kind in ('request', 'reply', 'information'))`.execute(db)
  await sql`alter table consultations drop constraint consultations_state_check,
    add constraint consultations_state_check check (state in ('requested', 'no-objection', 'objection', 'more-information'))`.execute(db)
}
