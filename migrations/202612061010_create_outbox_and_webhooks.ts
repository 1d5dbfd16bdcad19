import { sql, type Kysely } from 'kysely'

// Issue 14: one durable retry mechanism for what the agency sends out. Weighed against a kept
// PostgreSQL job queue (pg-boss 12.38, graphile-worker 0.18) on both databases (docs/alerts.md):
// graphile-worker's worker holds PGlite's only connection for LISTEN and never returns it;
// pg-boss runs on PGlite only through the app's own pool, and its statements otherwise join
// whatever transaction the app has open; enqueueing 2,000 jobs in the caller's transaction took
// 3.6x (server) and 4.5x (PGlite) as long as an insert into a table of our own. So: this table,
// owned by src/outbox, claimed with `for update skip locked` and a lease, retried with the one
// backoff (src/lib/backoff.ts). `key` makes an enqueue idempotent (a delivery is never queued
// twice for one alert and one channel).
export async function up (db: Kysely<any>): Promise<void> {
  await sql`create table outbox (
    id bigserial primary key,
    topic text not null,
    key text unique,
    payload jsonb not null,
    state text not null default 'pending' check (state in ('pending', 'delivered', 'refused', 'given-up')),
    attempts integer not null default 0,
    next_attempt_at timestamptz,
    last_error text,
    created_at timestamptz not null,
    settled_at timestamptz
  )`.execute(db)
  await sql`create index outbox_due on outbox (next_attempt_at) where state = 'pending'`.execute(db)
  await sql`create index outbox_by_topic on outbox (topic, state)`.execute(db)

  // administrator-configured receivers of alerts: each delivery a JWS signed with the agency's key (owner: src/alerts)
  await sql`create table webhooks (
    id uuid primary key,
    url text not null,
    events text[] not null,
    description text not null default '',
    enabled boolean not null default true,
    created_by text not null,
    created_at timestamptz not null,
    removed_at timestamptz
  )`.execute(db)

  // how far the alerts have followed the audit trail (consultation messages received, divergences opened or escalated)
  await sql`create table alert_watch (
    id boolean primary key default true check (id),
    audit_seq bigint not null default 0
  )`.execute(db)
  await sql`insert into alert_watch (audit_seq) select coalesce(max(seq), 0) from audit_events`.execute(db)
}

export async function down (db: Kysely<any>): Promise<void> {
  await sql`drop table alert_watch`.execute(db)
  await sql`drop table webhooks`.execute(db)
  await sql`drop table outbox`.execute(db)
}
