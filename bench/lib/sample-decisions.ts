import { createReadStream, existsSync, readFileSync } from 'node:fs'
import { createInterface } from 'node:readline'
import { fileURLToPath } from 'node:url'
import { mulberry32 } from './random.js'

/**
 * Realistic decisions for benchmarks, built from the real public data in ../shared/data:
 * UK strategic export licences (CAAT compilation of ECJU statistics: date, control entry,
 * value, destination, refused) with end users drawn from the BIS Entity List.
 */
const SHARED = fileURLToPath(new URL('../../../shared/data/', import.meta.url))
const VALUES = `${SHARED}uk-export-licensing-caat/values_2008-01_to_2015-03.csv`
const ENTITIES = `${SHARED}us-restricted-lists-2026/bis_entity_list.json`

const COUNTRIES: Record<string, string> = {
  India: 'IN',
  'United States of America': 'US',
  China: 'CN',
  'South Korea': 'KR',
  Germany: 'DE',
  France: 'FR',
  Japan: 'JP',
  Canada: 'CA',
  Australia: 'AU',
  Italy: 'IT',
  Singapore: 'SG',
  'United Arab Emirates': 'AE',
  'Saudi Arabia': 'SA',
  Turkey: 'TR',
  Israel: 'IL',
  Russia: 'RU',
  Brazil: 'BR',
  Pakistan: 'PK',
  Malaysia: 'MY',
  Netherlands: 'NL',
  Spain: 'ES',
  Sweden: 'SE',
  Norway: 'NO',
  Switzerland: 'CH',
  Taiwan: 'TW',
  Thailand: 'TH',
  Indonesia: 'ID',
  Egypt: 'EG',
  Qatar: 'QA',
  Oman: 'OM',
  Kuwait: 'KW',
  'South Africa': 'ZA',
  Mexico: 'MX',
  Iran: 'IR'
}

interface Party { name: string, aliases: string[], country: string }

function loadParties (): Party[] {
  if (!existsSync(ENTITIES)) return Array.from({ length: 100 }, (_, i) => ({ name: `Example Trading Company ${i} LLC`, aliases: [], country: 'AE' }))
  const list = JSON.parse(readFileSync(ENTITIES, 'utf8')) as { entities: Array<{ name: string, aliases: string[] }> }
  return list.entities.map((e) => ({ name: e.name.slice(0, 500), aliases: e.aliases.slice(0, 5).map((a) => a.slice(0, 500)), country: 'AE' }))
}

export interface SampleDecision {
  reference: string
  outcome: 'granted' | 'denied'
  decisionDate: string
  destination: string
  endUse: string
  regimeReferences: never[]
  parties: Array<{ role: 'end_user', name: string, aliases: string[], country: string, identifiers: never[] }>
  items: Array<{ codes: Array<{ regime: 'uk', code: string }>, description: string, quantity?: number, value?: { amount: number, currency: 'GBP' } }>
  reasons: Array<{ scheme: string, code: string }>
}

interface LicenceRow { group: string, date: string, rating: string, qty: string, destination: string, value: string, refused: boolean }

/** One CAAT line as a licence row, or undefined when its destination is not mapped or its rating is missing. */
function parseRow (line: string): LicenceRow | undefined {
  const cells = line.match(/("([^"]*)"|[^,]*)(,|$)/g)?.map((c) => c.replace(/,$/, '').replace(/^"|"$/g, '')) ?? []
  const [group, date, rating, qty, value, country, refused] = cells
  const destination = COUNTRIES[country ?? '']
  if (destination === undefined || rating === undefined || rating === '' || date === undefined) return undefined
  return { group: group ?? '', date, rating, qty: qty ?? '', value: value ?? '', destination, refused: refused === '1' }
}

function toDecision (row: LicenceRow, party: Party, reference: string): SampleDecision {
  return {
    reference,
    outcome: row.refused ? 'denied' : 'granted',
    decisionDate: row.date,
    destination: row.destination,
    endUse: 'Stated end use as declared by the applicant',
    regimeReferences: [],
    parties: [{ role: 'end_user', name: party.name, aliases: party.aliases, country: row.destination, identifiers: [] }],
    items: [{
      codes: [{ regime: 'uk', code: row.rating.replace(/[^A-Za-z0-9.]/g, '') || 'ML1' }],
      description: `Goods rated ${row.rating}`,
      quantity: Number(row.qty) || 1,
      value: { amount: Number(row.value) || 0, currency: 'GBP' }
    }],
    reasons: row.refused ? [{ scheme: 'eu-cp-2008-944', code: '7' }] : []
  }
}

/** Yields up to `count` decisions, one per CAAT row with a mapped destination, with unique references. */
export async function * sampleDecisions (count: number, prefix: string): AsyncGenerator<SampleDecision> {
  const parties = loadParties()
  let produced = 0
  while (produced < count) {
    const lines = createInterface({ input: createReadStream(VALUES), crlfDelay: Infinity })
    let header = true
    for await (const line of lines) {
      if (header) { header = false; continue }
      const row = parseRow(line)
      if (row === undefined) continue
      yield toDecision(row, parties[produced % parties.length] as Party, `${prefix}-${produced}-${row.group}`)
      produced += 1
      if (produced >= count) return
    }
  }
}

/**
 * The same decisions as `sampleDecisions` (end users in turn, unique references), the CAAT rows
 * in a seeded pseudo-random order, a new order for each pass over the file: any prefix spans
 * the whole period (2008-01 to 2015-03) and keeps the data's share of refusals, so a small set
 * is a sample of a large one. Synchronous: the file is read once (4 MB).
 */
export function * shuffledSampleDecisions (count: number, prefix: string, seed = 1): Generator<SampleDecision> {
  const parties = loadParties()
  const rows = readFileSync(VALUES, 'utf8').split(/\r?\n/).slice(1).flatMap((line) => parseRow(line) ?? [])
  const random = mulberry32(seed)
  let produced = 0
  while (produced < count) {
    for (let i = rows.length - 1; i > 0; i--) {
      const j = Math.floor(random() * (i + 1))
      ;[rows[i], rows[j]] = [rows[j] as LicenceRow, rows[i] as LicenceRow]
    }
    for (const row of rows) {
      yield toDecision(row, parties[produced % parties.length] as Party, `${prefix}-${produced}-${row.group}`)
      produced += 1
      if (produced >= count) return
    }
  }
}
