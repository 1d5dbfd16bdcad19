import {
  COLUMN_OF_DECISION_FIELD, COLUMN_OF_ITEM_FIELD, COLUMN_OF_PARTY_FIELD, DECISION_COLUMNS, ITEM_COLUMNS, PARTY_COLUMNS,
  type CsvColumn, type DecisionColumn
} from './csv-columns.js'
import type { ImportCandidate } from './types.js'

/** One CSV row by column name, cells trimmed; a column the header lacks reads as ''. */
export type CsvRow = Partial<Record<CsvColumn, string>>

type Problems = Array<{ pointer: string, detail: string }>

const DECISION_COLUMN_NAMES = Object.keys(DECISION_COLUMNS) as DecisionColumn[]
const PARTY_COLUMN_NAMES = Object.keys(PARTY_COLUMNS) as CsvColumn[]
const ITEM_COLUMN_NAMES = Object.keys(ITEM_COLUMNS) as CsvColumn[]
const NUMBER = /^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/

const at = (line: number, column: CsvColumn) => `line ${line}: ${column}`

/** "a; b;;c" → ['a', 'b', 'c'] */
function splitList (text: string | undefined): string[] {
  return text === undefined || text === '' ? [] : text.split(';').map((s) => s.trim()).filter((s) => s !== '')
}

/** "regime:code; regime:code" → [{ regime, code }, …]; a part without "key:" is a problem. */
function splitPairs<K extends string, V extends string> (text: string | undefined, key: K, value: V, line: number, column: CsvColumn, problems: Problems) {
  const pairs: Array<Record<K | V, string>> = []
  for (const part of splitList(text)) {
    const colon = part.indexOf(':')
    if (colon <= 0 || colon === part.length - 1) {
      problems.push({ pointer: at(line, column), detail: `"${part}" is not written ${key}:${value}` })
      continue
    }
    pairs.push({ [key]: part.slice(0, colon).trim(), [value]: part.slice(colon + 1).trim() } as Record<K | V, string>)
  }
  return pairs
}

function readNumber (text: string | undefined, line: number, column: CsvColumn, problems: Problems): number | undefined {
  if (text === undefined || text === '') return undefined
  if (!NUMBER.test(text)) {
    problems.push({ pointer: at(line, column), detail: `"${text}" is not a number (write 1234.5, without separators)` })
    return undefined
  }
  return Number(text)
}

/** Sets `object[field]` to `value` unless it is '' or undefined, so the schema reports a missing field as required. */
function put (object: Record<string, unknown>, field: string, value: unknown) {
  if (value !== undefined && value !== '') object[field] = value
}

function readParty (row: CsvRow, line: number, problems: Problems): Record<string, unknown> {
  const party: Record<string, unknown> = {
    role: row.party_role === undefined || row.party_role === '' ? 'end_user' : row.party_role,
    aliases: splitList(row.party_aliases),
    identifiers: splitPairs(row.party_identifiers, 'scheme', 'value', line, 'party_identifiers', problems)
  }
  put(party, 'name', row.party_name)
  put(party, 'country', row.party_country)
  put(party, 'address', row.party_address)
  return party
}

function readItem (row: CsvRow, line: number, problems: Problems): Record<string, unknown> {
  const item: Record<string, unknown> = { codes: splitPairs(row.item_codes, 'regime', 'code', line, 'item_codes', problems) }
  put(item, 'description', row.item_description)
  put(item, 'manufacturer', row.item_manufacturer)
  put(item, 'partNumber', row.item_part_number)
  put(item, 'quantity', readNumber(row.item_quantity, line, 'item_quantity', problems))
  put(item, 'unit', row.item_unit)
  if ((row.item_value ?? '') !== '' || (row.item_currency ?? '') !== '') {
    const value: Record<string, unknown> = {}
    put(value, 'amount', readNumber(row.item_value, line, 'item_value', problems))
    put(value, 'currency', row.item_currency)
    item.value = value
  }
  return item
}

const anyFilled = (row: CsvRow, columns: readonly CsvColumn[]) => columns.some((c) => (row[c] ?? '') !== '')
const keyOf = (row: CsvRow, columns: readonly CsvColumn[]) => JSON.stringify(columns.map((c) => row[c] ?? ''))

export interface CsvDecision {
  reference: string
  /** Adds a later row of the same decision. */
  add (row: CsvRow, line: number): void
  /** The decision read so far, its reading problems, and how to name a field's place in the file. */
  finish (): ImportCandidate
}

/**
 * Starts a decision from its first CSV row. Consecutive rows with the same reference add a
 * party and/or an item each (a row repeating a party or item already given adds nothing);
 * decision-level cells may be left empty on later rows but must not differ.
 */
export function startCsvDecision (first: CsvRow, firstLine: number): CsvDecision {
  const cells = new Map<DecisionColumn, { value: string, line: number }>()
  const problems: Problems = []
  const parties: Array<Record<string, unknown>> = []
  const partyLines: number[] = []
  const items: Array<Record<string, unknown>> = []
  const itemLines: number[] = []
  const seen = new Set<string>()

  function add (row: CsvRow, line: number) {
    for (const column of DECISION_COLUMN_NAMES) {
      const value = row[column]
      if (value === undefined || value === '') continue
      const held = cells.get(column)
      if (held === undefined) cells.set(column, { value, line })
      else if (held.value !== value) {
        problems.push({ pointer: at(line, column), detail: `"${value}" differs from "${held.value}" on line ${held.line}: the rows of one decision must agree on it` })
      }
    }
    if (anyFilled(row, PARTY_COLUMN_NAMES)) {
      const key = `p${keyOf(row, PARTY_COLUMN_NAMES)}`
      if (!seen.has(key)) {
        seen.add(key)
        parties.push(readParty(row, line, problems))
        partyLines.push(line)
      }
    }
    if (anyFilled(row, ITEM_COLUMN_NAMES)) {
      const key = `i${keyOf(row, ITEM_COLUMN_NAMES)}`
      if (!seen.has(key)) {
        seen.add(key)
        items.push(readItem(row, line, problems))
        itemLines.push(line)
      }
    }
  }

  function locate (path: string): string {
    const [head = '', index, field, sub] = path.split('/').slice(1)
    if (head === 'parties') {
      return at(partyLines[Number(index)] ?? firstLine, (field === undefined ? undefined : COLUMN_OF_PARTY_FIELD[field]) ?? 'party_name')
    }
    if (head === 'items') {
      const column = field === 'value' ? (sub === 'currency' ? 'item_currency' : 'item_value') : field === undefined ? undefined : COLUMN_OF_ITEM_FIELD[field]
      return at(itemLines[Number(index)] ?? firstLine, column ?? 'item_codes')
    }
    const column = COLUMN_OF_DECISION_FIELD[head]
    if (column === undefined) return `line ${firstLine}: ${path === '' ? '(the decision)' : path}`
    return at(cells.get(column as DecisionColumn)?.line ?? firstLine, column)
  }

  function finish (): ImportCandidate {
    const decision: Record<string, unknown> = {}
    for (const [column, { value, line }] of cells) {
      const field = DECISION_COLUMNS[column]
      if (column === 'regime_references') decision[field] = splitPairs(value, 'regime', 'reference', line, column, problems)
      else if (column === 'reasons') decision[field] = splitPairs(value, 'scheme', 'code', line, column, problems)
      else if (column === 'audience') decision[field] = splitList(value)
      else decision[field] = value
    }
    decision.parties = parties
    decision.items = items
    return { line: firstLine, value: decision, problems, locate }
  }

  add(first, firstLine)
  return { reference: first.reference ?? '', add, finish }
}
