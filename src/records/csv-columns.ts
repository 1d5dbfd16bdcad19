/**
 * The CSV import columns (docs/records.md, "Import") and the decision fields they fill.
 * Decision-level columns must agree across the rows of one decision; party and item columns
 * add one party and one item per row.
 */
export const DECISION_COLUMNS = {
  reference: 'reference',
  regime_references: 'regimeReferences',
  outcome: 'outcome',
  decision_date: 'decisionDate',
  valid_from: 'validFrom',
  valid_until: 'validUntil',
  destination: 'destination',
  end_use: 'endUse',
  reasons: 'reasons',
  licence_type: 'licenceType',
  notes: 'notes',
  audience: 'audience'
} as const

export const PARTY_COLUMNS = {
  party_role: 'role',
  party_name: 'name',
  party_aliases: 'aliases',
  party_country: 'country',
  party_address: 'address',
  party_identifiers: 'identifiers'
} as const

export const ITEM_COLUMNS = {
  item_codes: 'codes',
  item_description: 'description',
  item_manufacturer: 'manufacturer',
  item_part_number: 'partNumber',
  item_quantity: 'quantity',
  item_unit: 'unit',
  item_value: 'value',
  item_currency: 'currency'
} as const

export type DecisionColumn = keyof typeof DECISION_COLUMNS
export type PartyColumn = keyof typeof PARTY_COLUMNS
export type ItemColumn = keyof typeof ITEM_COLUMNS
export type CsvColumn = DecisionColumn | PartyColumn | ItemColumn

export const CSV_COLUMNS: readonly CsvColumn[] = [
  ...Object.keys(DECISION_COLUMNS) as DecisionColumn[],
  ...Object.keys(PARTY_COLUMNS) as PartyColumn[],
  ...Object.keys(ITEM_COLUMNS) as ItemColumn[]
]

/** A header must name these; every decision needs a party and an item. */
export const REQUIRED_COLUMNS: readonly CsvColumn[] = [
  'reference', 'outcome', 'decision_date', 'destination', 'party_name', 'party_country', 'item_codes', 'item_description'
]

const invert = <T extends Record<string, string>>(map: T) => Object.fromEntries(Object.entries(map).map(([column, field]) => [field, column])) as Record<string, CsvColumn>
export const COLUMN_OF_DECISION_FIELD = invert(DECISION_COLUMNS)
export const COLUMN_OF_PARTY_FIELD = invert(PARTY_COLUMNS)
export const COLUMN_OF_ITEM_FIELD: Record<string, CsvColumn> = { ...invert(ITEM_COLUMNS), amount: 'item_value' }
