import { sql, type Insertable, type Kysely, type RawBuilder, type Transaction } from 'kysely'
import { columnList, unnestRows, type Columns } from '../db/unnest-rows.js'
import type { CrosswalkLinkTable, Database, RecordCodeTable, RecordItemTable, RecordPartyTable } from '../db/schema.js'
import { codeKeyColumns, itemKeyColumns, linkKeyColumns, partyKeyColumns } from '../matching/index.js'
import type { ClassificationContent, CrosswalkContent, DecisionContent } from './schemas.js'
import type { ContentByKind, RecordKind } from './types.js'

export interface RecordDetailsSource {
  issuer: string
  recordId: string
  kind: RecordKind
  content: ContentByKind[RecordKind]
}

const CHUNK = 1000

type DetailTable = 'record_parties' | 'record_items' | 'record_codes' | 'crosswalk_links'

/** The query-table rows of some records, match keys computed: what `insertRecordDetails` writes. */
export interface RecordDetailRows {
  parties: Array<Insertable<RecordPartyTable>>
  items: Array<Insertable<RecordItemTable>>
  codes: Array<Insertable<RecordCodeTable>>
  links: Array<Insertable<CrosswalkLinkTable>>
}

/**
 * Rebuilds the query tables (parties, items, codes, crosswalk links) of `records` from their
 * current content, in the caller's transaction: the one place every writer of `records` (own
 * publishing, peer projection) goes through. `fresh` skips the delete for brand-new records.
 */
export async function replaceRecordDetails (trx: Transaction<Database>, records: readonly RecordDetailsSource[], options: { fresh?: boolean } = {}): Promise<void> {
  if (records.length === 0) return
  if (options.fresh !== true) await deleteRecordDetails(trx, records)
  await insertRecordDetails(trx, recordDetailInserts(recordDetailRows(records)))
}

async function deleteRecordDetails (trx: Transaction<Database>, records: ReadonlyArray<{ issuer: string, recordId: string }>): Promise<void> {
  const byIssuer = new Map<string, string[]>()
  for (const r of records) byIssuer.set(r.issuer, [...(byIssuer.get(r.issuer) ?? []), r.recordId])
  for (const [issuer, ids] of byIssuer) {
    for (const table of ['record_parties', 'record_items', 'record_codes', 'crosswalk_links'] as const) {
      await trx.deleteFrom(table).where('issuer', '=', issuer).where('record_id', 'in', ids).execute()
    }
  }
}

/**
 * Deletes every record of `issuer` and its query-table rows (parties, items, codes, crosswalk
 * links), in the caller's transaction: a removal that purges a peer's records. The distinct
 * party names (`party_names`) stay: a projection that only grows, read through the parties
 * naming them. Returns how many records.
 */
export async function deleteRecordsOf (trx: Transaction<Database>, issuer: string): Promise<number> {
  for (const table of ['record_parties', 'record_items', 'record_codes', 'crosswalk_links'] as const) {
    await trx.deleteFrom(table).where('issuer', '=', issuer).execute()
  }
  const result = await trx.deleteFrom('records').where('issuer', '=', issuer).executeTakeFirst()
  return Number(result.numDeletedRows)
}

/** How many records of `issuer` we hold. */
export async function countRecordsOf (db: Kysely<Database>, issuer: string): Promise<number> {
  const row = await db.selectFrom('records').select((eb) => eb.fn.countAll<string>().as('n')).where('issuer', '=', issuer).executeTakeFirstOrThrow()
  return Number(row.n)
}

/**
 * The query-table rows of `records`, match keys included (the CPU-heavy part, ~90 µs a new
 * name): no database, so a caller may compute them before its transaction.
 */
export function recordDetailRows (records: readonly RecordDetailsSource[]): RecordDetailRows {
  const rows: RecordDetailRows = { parties: [], items: [], codes: [], links: [] }
  for (const { issuer, recordId, kind, content } of records) {
    const key = { issuer, record_id: recordId }
    if (kind === 'decision') {
      const decision = content as DecisionContent
      decision.parties.forEach((p, ordinal) => rows.parties.push({
        ...key, ordinal, role: p.role, name: p.name, aliases: p.aliases ?? [], country: p.country, address: p.address ?? null, identifiers: JSON.stringify(p.identifiers ?? []), ...partyKeyColumns(p), outcome: decision.outcome
      }))
      decision.items.forEach((item, ordinal) => {
        rows.items.push({ ...key, ordinal, description: item.description, manufacturer: item.manufacturer ?? null, part_number: item.partNumber ?? null, ...itemKeyColumns(item, { byDescription: false }) })
        for (const code of uniqueCodes(item.codes)) rows.codes.push({ ...key, item_ordinal: ordinal, regime: code.regime, code: code.code, ...codeKeyColumns(code.regime, code.code) })
      })
    } else if (kind === 'classification') {
      const classification = content as ClassificationContent
      rows.items.push({ ...key, ordinal: 0, description: classification.item.description, manufacturer: classification.item.manufacturer ?? null, part_number: classification.item.partNumber ?? null, ...itemKeyColumns(classification.item, { byDescription: true }) })
      for (const code of uniqueCodes(classification.codes ?? [])) rows.codes.push({ ...key, item_ordinal: 0, regime: code.regime, code: code.code, ...codeKeyColumns(code.regime, code.code) })
    } else {
      const crosswalk = content as CrosswalkContent
      rows.links.push({ ...key, from_regime: crosswalk.from.regime, from_code: crosswalk.from.code, to_regime: crosswalk.to.regime, to_code: crosswalk.to.code, relation: crosswalk.relation, ...linkKeyColumns(crosswalk) })
    }
  }
  return rows
}

/** The rows of several sets, in order, as one set. */
export function concatDetailRows (sets: readonly RecordDetailRows[]): RecordDetailRows {
  return {
    parties: sets.flatMap((s) => s.parties),
    items: sets.flatMap((s) => s.items),
    codes: sets.flatMap((s) => s.codes),
    links: sets.flatMap((s) => s.links)
  }
}

/** The insert statements of detail rows, parameters serialised now (see `unnestRows`); run them with `insertRecordDetails`. */
export function recordDetailInserts (rows: RecordDetailRows): Array<RawBuilder<unknown>> {
  return [
    ...insertStatements('record_parties', rows.parties),
    ...insertStatements('record_items', rows.items),
    ...insertStatements('record_codes', rows.codes),
    ...insertStatements('crosswalk_links', rows.links)
  ]
}

/**
 * Runs statements of `recordDetailInserts` for records that hold no detail rows yet (new, or
 * deleted first): as one statement, the others as data-modifying `with` clauses of the last
 * (one round trip for a publish's parties, items and codes instead of three).
 */
export async function insertRecordDetails (trx: Transaction<Database>, inserts: ReadonlyArray<RawBuilder<unknown>>): Promise<void> {
  const last = inserts.at(-1)
  if (last === undefined) return
  const before = inserts.slice(0, -1).map((insert, i) => sql`${sql.id(`detail_${i}`)} as (${insert})`)
  await (before.length === 0 ? last : sql`with ${sql.join(before)} ${last}`).execute(trx)
}

/** Deletes the detail rows of records then inserts the new ones: for records whose content changed. */
export async function rewriteRecordDetails (trx: Transaction<Database>, records: ReadonlyArray<{ issuer: string, recordId: string }>, inserts: ReadonlyArray<RawBuilder<unknown>>): Promise<void> {
  if (records.length === 0) return
  await deleteRecordDetails(trx, records)
  await insertRecordDetails(trx, inserts)
}

function uniqueCodes (codes: ReadonlyArray<{ regime: string, code: string }>) {
  const seen = new Set<string>()
  return codes.filter((c) => !seen.has(`${c.regime}\u0000${c.code}`) && seen.add(`${c.regime}\u0000${c.code}`) !== undefined)
}

const COLUMNS: { [T in DetailTable]: Columns<Insertable<Database[T]>> } = {
  record_parties: [
    ['issuer', 'text'], ['record_id', 'uuid'], ['ordinal', 'smallint'], ['role', 'text'], ['name', 'text'], ['aliases', 'text[]'], ['country', 'text'],
    ['address', 'text'], ['identifiers', 'jsonb'], ['name_keys', 'text'], ['identifier_keys', 'text[]'], ['name_hash', 'uuid'], ['keys_version', 'smallint'], ['outcome', 'text']
  ],
  record_items: [
    ['issuer', 'text'], ['record_id', 'uuid'], ['ordinal', 'smallint'], ['description', 'text'], ['manufacturer', 'text'], ['part_number', 'text'], ['part_key', 'text'], ['description_key', 'text'], ['keys_version', 'smallint']
  ],
  record_codes: [
    ['issuer', 'text'], ['record_id', 'uuid'], ['item_ordinal', 'smallint'], ['regime', 'text'], ['code', 'text'], ['family', 'text'], ['canonical', 'text'], ['keys_version', 'smallint']
  ],
  crosswalk_links: [
    ['issuer', 'text'], ['record_id', 'uuid'], ['from_regime', 'text'], ['from_code', 'text'], ['to_regime', 'text'], ['to_code', 'text'], ['relation', 'text'],
    ['from_family', 'text'], ['from_canonical', 'text'], ['to_family', 'text'], ['to_canonical', 'text'], ['keys_version', 'smallint']
  ]
}

function insertStatements<T extends DetailTable> (table: T, rows: Array<Insertable<Database[T]>>): Array<RawBuilder<unknown>> {
  const columns = COLUMNS[table] as Columns<Insertable<Database[T]>>
  const statements: Array<RawBuilder<unknown>> = []
  for (let i = 0; i < rows.length; i += CHUNK) {
    statements.push(sql`insert into ${sql.table(table)} ${columnList(columns)} ${unnestRows(columns, rows.slice(i, i + CHUNK))}`)
  }
  return statements
}
