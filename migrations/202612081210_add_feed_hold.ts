import { sql, type Kysely } from 'kysely'

// Recovery from allies (issue 15, docs/federation.md section 2): while set, nothing is appended
// to our feed (a restored database must first learn from its peers how far it had published).
export async function up (db: Kysely<any>): Promise<void> {
  await sql`alter table feed_heads add column hold text`.execute(db)
}

export async function down (db: Kysely<any>): Promise<void> {
  await sql`alter table feed_heads drop column hold`.execute(db)
}
