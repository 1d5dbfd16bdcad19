import { readFile } from 'node:fs/promises'
import { parse } from 'csv-parse/sync'
import type { DecisionInput } from '../records/index.js'

/** The derived slice of real public data the demo loads (test/fixtures/demo/README.md). */
export const DEMO_DATA_DIR = new URL('../../test/fixtures/demo/', import.meta.url)

/**
 * The licensing statistics end in March 2015; denials keep a three-year review window, so the
 * demo moves every date forward by this many years to show denials in force today.
 */
export const DATE_SHIFT_YEARS = 11

interface LicenceRow { licence_group: string, date: string, rating: string, value: string, destination: string, refused: string, criteria: string }
interface PartyRow { name: string, aliases: string, country: string }

/** `date` moved `years` forward (29 February becomes 1 March in a common year). */
function shift (date: string, years = DATE_SHIFT_YEARS): string {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number]
  return new Date(Date.UTC(y + years, m - 1, d)).toISOString().slice(0, 10)
}
const regimeOf = (rating: string) => /^\d[A-E]\d{3}/.test(rating) ? 'eu' as const : 'uk' as const

/**
 * The decisions of agency number `index` of `count`: the slice's licences whose number modulo
 * `count` is `index`, one decision per licence (one item per control entry), each with an end
 * user from the restricted-party names of its destination.
 */
export async function loadDemoDecisions (index: number, count: number, referencePrefix: string): Promise<DecisionInput[]> {
  const licences = parse(await readFile(new URL('licences.csv', DEMO_DATA_DIR)), { columns: true }) as LicenceRow[]
  const parties = parse(await readFile(new URL('parties.csv', DEMO_DATA_DIR)), { columns: true }) as PartyRow[]
  const partiesByCountry = new Map<string, PartyRow[]>()
  for (const party of parties) partiesByCountry.set(party.country, [...(partiesByCountry.get(party.country) ?? []), party])
  const groups = new Map<string, LicenceRow[]>()
  for (const row of licences) {
    if (Number(row.licence_group) % count !== index) continue
    groups.set(row.licence_group, [...(groups.get(row.licence_group) ?? []), row])
  }
  return [...groups.entries()].map(([group, rows]) => {
    const first = rows[0] as LicenceRow
    const candidates = partiesByCountry.get(first.destination) ?? parties
    const party = candidates[Number(group) % candidates.length] as PartyRow
    const refused = rows.some((r) => r.refused === '1')
    const criteria = [...new Set(rows.flatMap((r) => r.criteria === '' ? [] : r.criteria.split(';')))]
    return {
      reference: `${referencePrefix}/${first.date.slice(0, 4)}/${group.padStart(6, '0')}`,
      regimeReferences: [],
      outcome: refused ? 'denied' : 'granted',
      decisionDate: shift(first.date),
      destination: first.destination,
      endUse: refused ? 'Refused: stated end use not accepted' : 'Stated end use accepted',
      parties: [{ role: 'end_user', name: party.name, aliases: party.aliases === '' ? [] : party.aliases.split(';'), country: party.country, identifiers: [] }],
      items: rows.map((r) => ({
        codes: [{ regime: regimeOf(r.rating), code: r.rating }],
        description: `Goods rated ${r.rating}`,
        value: { amount: Number(r.value) || 0, currency: 'GBP' }
      })),
      reasons: criteria.map((code) => ({ scheme: 'eu-cp-2008-944', code })),
      ...(refused ? {} : { validUntil: shift(first.date, DATE_SHIFT_YEARS + 2) })
    } satisfies DecisionInput
  })
}
