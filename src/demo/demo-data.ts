import { createHash } from 'node:crypto'
import { readFile } from 'node:fs/promises'
import { parse } from 'csv-parse/sync'
import type { DecisionInput } from '../records/index.js'

/** The derived slice of real public data the demo loads (test/fixtures/demo/README.md). */
export const DEMO_DATA_DIR = new URL('../../test/fixtures/demo/', import.meta.url)

/**
 * The licensing statistics end in March 2015. The demo moves every date forward by the same
 * number of days, so that the last licence of the slice falls this many days before today:
 * denials (three-year review window) and grants (two-year validity) of the last years are in
 * force, and the demo finds the same divergences whatever day it runs.
 */
export const LAST_LICENCE_AGE_DAYS = 30

const DAY_MS = 86_400_000

interface LicenceRow { licence_group: string, date: string, rating: string, value: string, destination: string, refused: string, criteria: string }
interface PartyRow { name: string, aliases: string, country: string }

/** The slice as read once, with the shift that puts its dates in the recent past. */
export interface DemoSlice {
  licences: LicenceRow[]
  parties: PartyRow[]
  /** Days every date is moved forward. */
  shiftDays: number
  /** The last licence date of the slice, before and after the shift. */
  lastDate: { original: string, shifted: string }
}

/** Reads the slice and computes the date shift for `today`. */
export async function readDemoSlice (today: Date): Promise<DemoSlice> {
  const licences = parse(await readFile(new URL('licences.csv', DEMO_DATA_DIR)), { columns: true }) as LicenceRow[]
  const parties = parse(await readFile(new URL('parties.csv', DEMO_DATA_DIR)), { columns: true }) as PartyRow[]
  const original = licences.reduce((last, row) => row.date > last ? row.date : last, '')
  const todayUtc = Date.parse(today.toISOString().slice(0, 10))
  const shiftDays = Math.round((todayUtc - LAST_LICENCE_AGE_DAYS * DAY_MS - Date.parse(original)) / DAY_MS)
  return { licences, parties, shiftDays, lastDate: { original, shifted: shift(original, shiftDays) } }
}

/** `date` moved `days` forward, then `years` more (29 February becomes 1 March in a common year). */
function shift (date: string, days: number, years = 0): string {
  const moved = new Date(Date.parse(date) + days * DAY_MS)
  return new Date(Date.UTC(moved.getUTCFullYear() + years, moved.getUTCMonth(), moved.getUTCDate())).toISOString().slice(0, 10)
}
const regimeOf = (rating: string) => /^\d[A-E]\d{3}/.test(rating) ? 'eu' as const : 'uk' as const

/**
 * A number drawn from the licence number alone (the first four bytes of its SHA-256): which
 * end user a licence names does not depend on which agency decides it (licence number modulo
 * the number of agencies).
 */
const drawOf = (licenceGroup: string) => createHash('sha256').update(licenceGroup).digest().readUInt32BE(0)

/**
 * The decisions of agency number `index` of `count`: the slice's licences whose number modulo
 * `count` is `index`, one decision per licence (one item per control entry), each with an end
 * user drawn from the restricted-party names of its destination.
 */
export function demoDecisions (slice: DemoSlice, index: number, count: number, referencePrefix: string): DecisionInput[] {
  const partiesByCountry = new Map<string, PartyRow[]>()
  for (const party of slice.parties) partiesByCountry.set(party.country, [...(partiesByCountry.get(party.country) ?? []), party])
  const groups = new Map<string, LicenceRow[]>()
  for (const row of slice.licences) {
    if (Number(row.licence_group) % count !== index) continue
    groups.set(row.licence_group, [...(groups.get(row.licence_group) ?? []), row])
  }
  return [...groups.entries()].map(([group, rows]) => {
    const first = rows[0] as LicenceRow
    const candidates = partiesByCountry.get(first.destination) ?? slice.parties
    const party = candidates[drawOf(group) % candidates.length] as PartyRow
    const refused = rows.some((r) => r.refused === '1')
    const criteria = [...new Set(rows.flatMap((r) => r.criteria === '' ? [] : r.criteria.split(';')))]
    const decisionDate = shift(first.date, slice.shiftDays)
    return {
      reference: `${referencePrefix}/${decisionDate.slice(0, 4)}/${group.padStart(6, '0')}`,
      regimeReferences: [],
      outcome: refused ? 'denied' : 'granted',
      decisionDate,
      destination: first.destination,
      endUse: refused ? 'Refused: stated end use not accepted' : 'Stated end use accepted',
      parties: [{ role: 'end_user', name: party.name, aliases: party.aliases === '' ? [] : party.aliases.split(';'), country: party.country, identifiers: [] }],
      items: rows.map((r) => ({
        codes: [{ regime: regimeOf(r.rating), code: r.rating }],
        description: `Goods rated ${r.rating}`,
        value: { amount: Number(r.value) || 0, currency: 'GBP' }
      })),
      reasons: criteria.map((code) => ({ scheme: 'eu-cp-2008-944', code })),
      ...(refused ? {} : { validUntil: shift(first.date, slice.shiftDays, 2) })
    } satisfies DecisionInput
  })
}
