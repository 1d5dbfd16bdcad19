import { sql, type Kysely } from 'kysely'

// Conflicting classifications of an item without a part number (issue 12): two allies
// classifying one item are found by its description. The key is the description's content
// words, sorted (src/matching/match-keys.ts descriptionKey), written for classification items
// alone by src/records/record-details.ts; existing rows get theirs at startup, the key grammar's
// version having moved (src/records/refresh-match-keys.ts). A GiST trigram index, for the
// nearest descriptions first (`<->`) with no threshold setting to carry in the transaction; it
// holds classification items only: decisions' items, nearly all of the table, are related by
// their codes. Read by src/records/divergence-candidates.ts.
export async function up (db: Kysely<any>): Promise<void> {
  await sql`alter table record_items add column description_key text`.execute(db)
  await sql`create index record_items_description_key on record_items using gist (description_key gist_trgm_ops) where description_key is not null`.execute(db)
}

export async function down (db: Kysely<any>): Promise<void> {
  await sql`drop index record_items_description_key`.execute(db)
  await sql`alter table record_items drop column description_key`.execute(db)
}
