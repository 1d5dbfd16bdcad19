import { sql, type Kysely } from 'kysely'

// Earlier screenings are listed newest first, an officer's own or everyone's (the web
// application's screening pages, issue 13): read by these indexes, a page at a time.
export async function up (db: Kysely<any>): Promise<void> {
  await sql`create index screenings_by_time on screenings (screened_at desc, id desc)`.execute(db)
  await sql`create index screenings_by_officer on screenings (officer, screened_at desc, id desc)`.execute(db)
}

export async function down (db: Kysely<any>): Promise<void> {
  await sql`drop index screenings_by_officer`.execute(db)
  await sql`drop index screenings_by_time`.execute(db)
}
