import { sql } from 'kysely'
import type { Db } from '../db/create-db.js'
import { KEYS_VERSION, codeKeyColumns, itemKeyColumns, linkKeyColumns, partyKeyColumns } from '../matching/index.js'

const BATCH = 1000

/**
 * Recomputes the match keys of query-table rows written with an older key grammar (all rows
 * of a database that predates screening), from the raw names, identifiers and codes kept for
 * that purpose. In batches, each its own statement; safe to interrupt and run again. Returns
 * how many rows were rewritten.
 */
export async function refreshMatchKeys (db: Db): Promise<number> {
  let total = 0
  for (;;) {
    const parties = await db.selectFrom('record_parties').select(['issuer', 'record_id', 'ordinal', 'name', 'aliases', 'country', 'address', 'identifiers'])
      .where('keys_version', '<', KEYS_VERSION).limit(BATCH).execute()
    if (parties.length === 0) break
    const keys = parties.map((p) => ({ ...p, ...partyKeyColumns({ ...p, identifiers: p.identifiers as Array<{ scheme: string, value: string }> }) }))
    await sql`update record_parties p set name_keys = k.name_keys, identifier_keys = k.identifier_keys, name_hash = k.name_hash, keys_version = ${KEYS_VERSION}
      from jsonb_to_recordset(${JSON.stringify(keys.map((k) => ({ ...k, aliases: undefined, identifiers: undefined })))}::jsonb)
        as k(issuer text, record_id uuid, ordinal smallint, name_keys text, identifier_keys text[], name_hash uuid)
      where p.issuer = k.issuer and p.record_id = k.record_id and p.ordinal = k.ordinal`.execute(db)
    total += parties.length
  }
  // the distinct parties of the older grammar: no writer names them any more
  await sql`delete from party_names where keys_version < ${KEYS_VERSION}`.execute(db)
  for (;;) {
    // the record's kind says whether the item is found by description (classifications) or not
    const items = await db.selectFrom('record_items as i').leftJoin('records as r', (join) => join.onRef('r.issuer', '=', 'i.issuer').onRef('r.record_id', '=', 'i.record_id'))
      .select(['i.issuer', 'i.record_id', 'i.ordinal', 'i.description', 'i.part_number', 'r.kind'])
      .where('i.keys_version', '<', KEYS_VERSION).limit(BATCH).execute()
    if (items.length === 0) break
    const keys = items.map((i) => ({
      issuer: i.issuer, record_id: i.record_id, ordinal: i.ordinal, ...itemKeyColumns({ description: i.description, partNumber: i.part_number }, { byDescription: i.kind === 'classification' })
    }))
    await sql`update record_items i set part_key = k.part_key, description_key = k.description_key, keys_version = ${KEYS_VERSION}
      from jsonb_to_recordset(${JSON.stringify(keys)}::jsonb) as k(issuer text, record_id uuid, ordinal smallint, part_key text, description_key text)
      where i.issuer = k.issuer and i.record_id = k.record_id and i.ordinal = k.ordinal`.execute(db)
    total += items.length
  }
  for (;;) {
    const codes = await db.selectFrom('record_codes').select(['issuer', 'record_id', 'item_ordinal', 'regime', 'code'])
      .where('keys_version', '<', KEYS_VERSION).limit(BATCH).execute()
    if (codes.length === 0) break
    const keys = codes.map((c) => ({ issuer: c.issuer, record_id: c.record_id, item_ordinal: c.item_ordinal, regime: c.regime, code: c.code, ...codeKeyColumns(c.regime, c.code) }))
    await sql`update record_codes c set family = k.family, canonical = k.canonical, keys_version = ${KEYS_VERSION}
      from jsonb_to_recordset(${JSON.stringify(keys)}::jsonb) as k(issuer text, record_id uuid, item_ordinal smallint, regime text, code text, family text, canonical text)
      where c.issuer = k.issuer and c.record_id = k.record_id and c.item_ordinal = k.item_ordinal and c.regime = k.regime and c.code = k.code`.execute(db)
    total += codes.length
  }
  for (;;) {
    const links = await db.selectFrom('crosswalk_links').select(['issuer', 'record_id', 'from_regime', 'from_code', 'to_regime', 'to_code'])
      .where('keys_version', '<', KEYS_VERSION).limit(BATCH).execute()
    if (links.length === 0) break
    const keys = links.map((l) => ({ issuer: l.issuer, record_id: l.record_id, ...linkKeyColumns({ from: { regime: l.from_regime, code: l.from_code }, to: { regime: l.to_regime, code: l.to_code } }) }))
    await sql`update crosswalk_links l set from_family = k.from_family, from_canonical = k.from_canonical, to_family = k.to_family, to_canonical = k.to_canonical, keys_version = ${KEYS_VERSION}
      from jsonb_to_recordset(${JSON.stringify(keys)}::jsonb) as k(issuer text, record_id uuid, from_family text, from_canonical text, to_family text, to_canonical text)
      where l.issuer = k.issuer and l.record_id = k.record_id`.execute(db)
    total += links.length
  }
  return total
}
