import { sql, type Insertable, type Transaction } from 'kysely'
import { columnList, unnestRows, type Columns } from '../db/unnest-rows.js'
import type { CrosswalkLinkTable, Database, RecordCodeTable, RecordItemTable, RecordPartyTable } from '../db/schema.js'
import { codeKeyColumns, itemKeyColumns, linkKeyColumns, partyKeyColumns } from '../screening/match-keys.js'
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

/**
 * Rebuilds the query tables (parties, items, codes, crosswalk links) of `records` from their
 * current content, in the caller's transaction: the one place every writer of `records` (own
 * publishing, peer projection) goes through. `fresh` skips the delete for brand-new records.
 */
export async function replaceRecordDetails (trx: Transaction<Database>, records: readonly RecordDetailsSource[], options: { fresh?: boolean } = {}): Promise<void> {
  if (records.length === 0) return
  if (options.fresh !== true) {
    const byIssuer = new Map<string, string[]>()
    for (const r of records) byIssuer.set(r.issuer, [...(byIssuer.get(r.issuer) ?? []), r.recordId])
    for (const [issuer, ids] of byIssuer) {
      for (const table of ['record_parties', 'record_items', 'record_codes', 'crosswalk_links'] as const) {
        await trx.deleteFrom(table).where('issuer', '=', issuer).where('record_id', 'in', ids).execute()
      }
    }
  }
  const parties: Array<Insertable<RecordPartyTable>> = []
  const items: Array<Insertable<RecordItemTable>> = []
  const codes: Array<Insertable<RecordCodeTable>> = []
  const links: Array<Insertable<CrosswalkLinkTable>> = []
  for (const { issuer, recordId, kind, content } of records) {
    const key = { issuer, record_id: recordId }
    if (kind === 'decision') {
      const decision = content as DecisionContent
      decision.parties.forEach((p, ordinal) => parties.push({
        ...key, ordinal, role: p.role, name: p.name, aliases: p.aliases ?? [], country: p.country, address: p.address ?? null, identifiers: JSON.stringify(p.identifiers ?? []), ...partyKeyColumns(p, issuer), outcome: decision.outcome
      }))
      decision.items.forEach((item, ordinal) => {
        items.push({ ...key, ordinal, description: item.description, manufacturer: item.manufacturer ?? null, part_number: item.partNumber ?? null, ...itemKeyColumns(item) })
        for (const code of uniqueCodes(item.codes)) codes.push({ ...key, item_ordinal: ordinal, regime: code.regime, code: code.code, ...codeKeyColumns(code.regime, code.code) })
      })
    } else if (kind === 'classification') {
      const classification = content as ClassificationContent
      items.push({ ...key, ordinal: 0, description: classification.item.description, manufacturer: classification.item.manufacturer ?? null, part_number: classification.item.partNumber ?? null, ...itemKeyColumns(classification.item) })
      for (const code of uniqueCodes(classification.codes ?? [])) codes.push({ ...key, item_ordinal: 0, regime: code.regime, code: code.code, ...codeKeyColumns(code.regime, code.code) })
    } else {
      const crosswalk = content as CrosswalkContent
      links.push({ ...key, from_regime: crosswalk.from.regime, from_code: crosswalk.from.code, to_regime: crosswalk.to.regime, to_code: crosswalk.to.code, relation: crosswalk.relation, ...linkKeyColumns(crosswalk) })
    }
  }
  await insertChunks(trx, 'record_parties', parties)
  await insertChunks(trx, 'record_items', items)
  await insertChunks(trx, 'record_codes', codes)
  await insertChunks(trx, 'crosswalk_links', links)
}

function uniqueCodes (codes: ReadonlyArray<{ regime: string, code: string }>) {
  const seen = new Set<string>()
  return codes.filter((c) => !seen.has(`${c.regime}\u0000${c.code}`) && seen.add(`${c.regime}\u0000${c.code}`) !== undefined)
}

const COLUMNS: { [T in DetailTable]: Columns<Insertable<Database[T]>> } = {
  record_parties: [
    ['issuer', 'text'], ['record_id', 'uuid'], ['ordinal', 'smallint'], ['role', 'text'], ['name', 'text'], ['aliases', 'text[]'], ['country', 'text'],
    ['address', 'text'], ['identifiers', 'jsonb'], ['name_keys', 'text'], ['identifier_keys', 'text[]'], ['exact_keys', 'text[]'], ['keys_version', 'smallint'], ['outcome', 'text']
  ],
  record_items: [
    ['issuer', 'text'], ['record_id', 'uuid'], ['ordinal', 'smallint'], ['description', 'text'], ['manufacturer', 'text'], ['part_number', 'text'], ['part_key', 'text'], ['keys_version', 'smallint']
  ],
  record_codes: [
    ['issuer', 'text'], ['record_id', 'uuid'], ['item_ordinal', 'smallint'], ['regime', 'text'], ['code', 'text'], ['family', 'text'], ['canonical', 'text'], ['keys_version', 'smallint']
  ],
  crosswalk_links: [
    ['issuer', 'text'], ['record_id', 'uuid'], ['from_regime', 'text'], ['from_code', 'text'], ['to_regime', 'text'], ['to_code', 'text'], ['relation', 'text'],
    ['from_family', 'text'], ['from_canonical', 'text'], ['to_family', 'text'], ['to_canonical', 'text'], ['keys_version', 'smallint']
  ]
}

async function insertChunks<T extends DetailTable> (trx: Transaction<Database>, table: T, rows: Array<Insertable<Database[T]>>) {
  const columns = COLUMNS[table] as Columns<Insertable<Database[T]>>
  for (let i = 0; i < rows.length; i += CHUNK) {
    await sql`insert into ${sql.table(table)} ${columnList(columns)} ${unnestRows(columns, rows.slice(i, i + CHUNK))}`.execute(trx)
  }
}
