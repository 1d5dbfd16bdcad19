/**
 * The entries of the real restricted lists in ../shared/data (its README), one per listed
 * party, with its aliases, its country as ISO 3166 alpha-2 (from the list, its first address or
 * its nationality) and whether it is a person: the sources of bench/matching-eval's perturbed
 * variants and of the denials they are screened against.
 */
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { parse } from 'csv-parse/sync'

export interface ListEntry {
  /** `${list}:${id}`, unique. */
  key: string
  list: string
  id: string
  type: 'individual' | 'entity' | null
  name: string
  aliases: string[]
  /** ISO 3166 alpha-2, or null when the list gives no country. */
  country: string | null
}

/** The lists read, in order: UN, OFAC SDN 2021 and the 2025 consolidated (non-SDN) list, BIS Entity List, DPL and MEU, State's nonproliferation sanctions. */
export const LISTS = ['UN', 'OFAC', 'OFAC-CONS', 'BIS', 'BIS-DPL', 'BIS-MEU', 'STATE-ISN'] as const

/** Party names and aliases are at most this long in a decision (the record schema). */
const MAX_NAME = 500
const MAX_ALIASES = 20

export function loadListEntries (dir: string): ListEntry[] {
  const entries = [
    ...loadUn(dir),
    ...loadOfac(dir, 'OFAC', 'ofac-sdn-2021', 'sdn.csv', 'alt.csv', 'add.csv'),
    ...loadOfac(dir, 'OFAC-CONS', 'ofac-consolidated-2025', 'cons_prim.csv', 'cons_alt.csv', 'cons_add.csv'),
    ...loadUsList(dir, 'BIS', 'bis_entity_list.json'),
    ...loadUsList(dir, 'BIS-DPL', 'bis_dpl.json'),
    ...loadUsList(dir, 'BIS-MEU', 'bis_meu.json'),
    ...loadUsList(dir, 'STATE-ISN', 'state_nonproliferation.json')
  ]
  const seen = new Set<string>()
  return entries.flatMap((e) => {
    const name = e.name.replace(/\s+/g, ' ').trim()
    // "Address 01": extraction artefacts of the BIS list, not parties
    if (!/\p{L}.*\p{L}/u.test(name) || name.length > MAX_NAME || /^address\s*\d+$/i.test(name) || seen.has(e.key)) return []
    seen.add(e.key)
    const aliases = [...new Set(e.aliases.map((a) => a.replace(/\s+/g, ' ').trim()))]
      .filter((a) => a !== name && a.length <= MAX_NAME && /\p{L}/u.test(a)).slice(0, MAX_ALIASES)
    return [{ ...e, name, aliases }]
  })
}

function loadUn (dir: string): ListEntry[] {
  const read = (file: string): Array<Record<string, string>> => parse(readFileSync(join(dir, 'un-consolidated-2026', file)), { columns: true })
  const countries = new Map<string, string>()
  for (const row of read('un_addresses.csv')) {
    const code = countryCode(row.country ?? '')
    if (code !== null && !countries.has(row.dataid ?? '')) countries.set(row.dataid ?? '', code)
  }
  const aliases = new Map<string, string[]>()
  for (const row of read('un_names.csv')) {
    if (row.name_type === 'primary') continue
    const list = aliases.get(row.dataid ?? '') ?? []
    list.push(row.name ?? '')
    aliases.set(row.dataid ?? '', list)
  }
  return read('un_parties.csv').map((row) => {
    const id = row.dataid ?? ''
    const nationality = (row.nationalities ?? '').split(';').map((n) => countryCode(n)).find((c) => c !== null) ?? null
    return {
      key: `UN:${id}`,
      list: 'UN',
      id,
      type: row.party_type === 'individual' ? 'individual' as const : 'entity' as const,
      name: row.primary_name ?? '',
      aliases: aliases.get(id) ?? [],
      country: countries.get(id) ?? nationality
    }
  })
}

// OFAC's legacy CSV: no header, -0- for null, latin1, a final Ctrl-Z line.
function loadOfac (dir: string, list: string, folder: string, primary: string, alternates: string, addresses: string): ListEntry[] {
  const read = (file: string): string[][] => parse(readFileSync(join(dir, folder, file), 'latin1'), { relax_quotes: true, relax_column_count: true, skip_empty_lines: true })
  const value = (cell: string | undefined): string => (cell ?? '').trim() === '-0-' ? '' : (cell ?? '').trim()
  const countries = new Map<string, string>()
  for (const [id, , , , country] of read(addresses)) {
    const code = countryCode(value(country))
    if (code !== null && !countries.has(id ?? '')) countries.set(id ?? '', code)
  }
  const aliases = new Map<string, string[]>()
  for (const [id, , , name] of read(alternates)) {
    if (value(name) === '') continue
    const names = aliases.get(id ?? '') ?? []
    names.push(value(name))
    aliases.set(id ?? '', names)
  }
  return read(primary).flatMap(([id, name, type]) => {
    if (id === undefined || !/^\d+$/.test(id) || /vessel|aircraft/i.test(type ?? '')) return []
    return [{
      key: `${list}:${id}`,
      list,
      id,
      type: value(type) === 'individual' ? 'individual' as const : 'entity' as const,
      name: value(name),
      aliases: aliases.get(id) ?? [],
      country: countries.get(id) ?? null
    }]
  })
}

// The NSF guide's JSON extractions of the US lists (us-restricted-lists-2026/).
function loadUsList (dir: string, list: string, file: string): ListEntry[] {
  const data = JSON.parse(readFileSync(join(dir, 'us-restricted-lists-2026', file), 'utf8')) as {
    entities: Array<{ name: string, aliases?: string[] | null, country?: string | null }>
  }
  return data.entities.map((e, i) => ({
    key: `${list}:${i}`,
    list,
    id: String(i),
    type: null,
    name: e.name,
    aliases: (e.aliases ?? []).flatMap(cleanAlias),
    country: countryCode(e.country ?? '')
  }))
}

// Some aliases of the Federal Register extraction carry an address or several names ("X; and
// Y", "X a.k.a. Y"): split there, and cut where an address begins (as bench/matching-eval's
// alias evaluation reads them).
function cleanAlias (alias: string): string[] {
  return alias.split(/;\s*(?:and\b\s*)?|,?\s*\(?a\.k\.a\.,?\s*/i)
    .map((part) => part.split(/,\s*(?:\d|No\.|Room|Bldg|Building|Floor)|\.\s+No\.\s/)[0] ?? '')
    .map((part) => part.replace(/\s+and$/i, '').trim())
    .filter((part) => /\p{L}.*\p{L}/u.test(part))
}

let countryIndex: Map<string, string> | undefined

const COUNTRY_NAMES: Record<string, string> = {
  russia: 'RU',
  'russian federation': 'RU',
  iran: 'IR',
  'iran islamic republic of': 'IR',
  'north korea': 'KP',
  'korea north': 'KP',
  'democratic peoples republic of korea': 'KP',
  'south korea': 'KR',
  'korea south': 'KR',
  'republic of korea': 'KR',
  syria: 'SY',
  'syrian arab republic': 'SY',
  burma: 'MM',
  taiwan: 'TW',
  'hong kong': 'HK',
  macau: 'MO',
  'crimea region of ukraine': 'UA',
  'region crimea': 'UA',
  palestinian: 'PS',
  'west bank': 'PS',
  gaza: 'PS',
  'state of palestine': 'PS',
  'united states of america': 'US',
  'united kingdom of great britain and northern ireland': 'GB',
  uk: 'GB',
  uae: 'AE',
  'viet nam': 'VN',
  'lao peoples democratic republic': 'LA',
  laos: 'LA',
  'democratic republic of the congo': 'CD',
  'congo democratic republic of the': 'CD',
  'republic of the congo': 'CG',
  'congo republic of the': 'CG',
  'bolivia plurinational state of': 'BO',
  'venezuela bolivarian republic of': 'VE',
  'united republic of tanzania': 'TZ',
  'republic of moldova': 'MD',
  'cote divoire': 'CI',
  'ivory coast': 'CI',
  turkiye: 'TR',
  'bosnia herzegovina': 'BA',
  'the gambia': 'GM',
  kosovo: 'XK',
  'peoples republic of china': 'CN',
  macedonia: 'MK',
  'north korea dprk': 'KP',
  'turkey turkiye': 'TR',
  'turkish individual': 'TR',
  'czech republic': 'CZ'
}

function countryKey (name: string): string {
  return name.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase().replace(/['’]/g, '').replace(/[^a-z]+/g, ' ').trim()
}

/** An English country name (or a code) as ISO 3166 alpha-2, or null. */
export function countryCode (name: string): string | null {
  const value = name.trim()
  if (value === '') return null
  if (/^[A-Z]{2}$/.test(value)) return value
  return countries().get(countryKey(value)) ?? null
}

/** Country names in English (and the common short ones), for the place-sibling negatives. */
export function countryNames (): string[] {
  return [...countries().keys()]
}

// English names of every ISO 3166 region Node's ICU knows, built on first use, and the lists' own spellings.
function countries (): Map<string, string> {
  if (countryIndex !== undefined) return countryIndex
  countryIndex = new Map()
  const display = new Intl.DisplayNames(['en'], { type: 'region' })
  for (let i = 0; i < 26 * 26; i++) {
    const code = String.fromCharCode(65 + Math.floor(i / 26), 65 + (i % 26))
    const english = display.of(code)
    if (english === undefined || english === code || /^\d/.test(english)) continue
    countryIndex.set(countryKey(english), code)
    countryIndex.set(countryKey(english.replace(/\s*\(.*\)$/, '').replace(/ SAR China$/, '')), code)
  }
  for (const [english, code] of Object.entries(COUNTRY_NAMES)) countryIndex.set(english, code)
  return countryIndex
}
