import { sql, type Kysely } from 'kysely'

// Key status (issue 15, docs/federation.md section 1): our keys may be revoked, from a time;
// the feed head names the key entries are signed with, so that a publish that read the key
// before a rotation signs with the new one; what we learn of our peers' keys (retired,
// revoked) is kept apart from their key sets, which a JWKS refresh replaces.
export async function up (db: Kysely<any>): Promise<void> {
  await sql`alter table signing_keys drop constraint signing_keys_status_check`.execute(db)
  await sql`alter table signing_keys add constraint signing_keys_status_check check (status in ('current', 'retired', 'revoked'))`.execute(db)
  await sql`alter table signing_keys add column revoked_from timestamptz, add column revoked_at timestamptz, add column revocation_reason text`.execute(db)

  await sql`alter table feed_heads add column signing_kid text`.execute(db)
  await sql`update feed_heads set signing_kid = (select kid from signing_keys where status = 'current')`.execute(db)

  // checkpoints are C2SP signed notes now (docs/federation.md section 4), not JWS
  await sql`alter table peer_sync rename column head_jws to head_checkpoint`.execute(db)

  await sql`create table peer_key_status (
    agency_id text not null references peers (agency_id) on delete cascade,
    kid text not null,
    status text not null check (status in ('retired', 'revoked')),
    since timestamptz not null,
    entry_seq bigint,
    reason text,
    learned_from text not null check (learned_from in ('feed', 'jwks')),
    learned_at timestamptz not null default now(),
    primary key (agency_id, kid)
  )`.execute(db)
}

export async function down (db: Kysely<any>): Promise<void> {
  await sql`drop table peer_key_status`.execute(db)
  await sql`alter table peer_sync rename column head_checkpoint to head_jws`.execute(db)
  await sql`alter table feed_heads drop column signing_kid`.execute(db)
  await sql`update signing_keys set status = 'retired' where status = 'revoked'`.execute(db)
  await sql`alter table signing_keys drop column revoked_from, drop column revoked_at, drop column revocation_reason`.execute(db)
  await sql`alter table signing_keys drop constraint signing_keys_status_check`.execute(db)
  await sql`alter table signing_keys add constraint signing_keys_status_check check (status in ('current', 'retired'))`.execute(db)
}
