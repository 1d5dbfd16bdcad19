import { legalFamiliesAgree, type LegalFormHit } from './legal-forms.js'
import type { MatchFeature, PartyIdentifier, PreparedName } from './party-types.js'

export function compareLegalForms (a: PreparedName, b: PreparedName): MatchFeature | undefined {
  if (a.legalForms.length === 0 || b.legalForms.length === 0) return undefined
  const show = (form: LegalFormHit): string => form.read === undefined ? form.words : `${form.read} (written "${form.words}")`
  const ours = a.legalForms.map(show).join(' ')
  const theirs = b.legalForms.map(show).join(' ')
  const agree = a.legalForms.some((x) => b.legalForms.some((y) => legalFamiliesAgree(x.family, y.family)))
  return agree
    ? { feature: 'legal-form', value: `${ours} / ${theirs}`, contribution: 0.02, note: 'legal forms of the same kind' }
    : { feature: 'legal-form', value: `${ours} / ${theirs}`, contribution: -0.03, note: 'legal forms of different kinds' }
}

/**
 * Identifiers: the same type and value is strong evidence (it closes 75% of the gap to 1);
 * the same value under different types half of that; the same type with only different
 * values counts against (-0.1), as a party can hold several passports or numbers.
 */
export function compareIdentifiers (a: PartyIdentifier[], b: PartyIdentifier[], base: number): MatchFeature[] {
  if (a.length === 0 || b.length === 0) return []
  const same = a.find((x) => b.some((y) => x.type === y.type && x.value === y.value))
  if (same !== undefined) {
    return [{ feature: 'identifier', value: `${same.type} ${same.value}`, contribution: round(0.75 * (1 - base)), note: 'same identifier' }]
  }
  const value = a.find((x) => x.value.length >= 5 && b.some((y) => x.value === y.value))
  if (value !== undefined) {
    return [{
      feature: 'identifier', value: value.value, contribution: round(0.4 * (1 - base)), note: 'same identifier value under another type'
    }]
  }
  const conflict = a.find((x) => b.some((y) => x.type === y.type))
  if (conflict !== undefined) {
    return [{ feature: 'identifier', value: conflict.type, contribution: -0.1, note: `different ${conflict.type} numbers` }]
  }
  return []
}

export function compareCountries (a: string | null, b: string | null): MatchFeature | undefined {
  if (a === null || b === null) return undefined
  return a === b
    ? { feature: 'country', value: a, contribution: 0.03, note: 'same country' }
    : { feature: 'country', value: `${a} / ${b}`, contribution: -0.05, note: 'different countries' }
}

export function compareAddresses (a: Set<string>, b: Set<string>): MatchFeature | undefined {
  if (a.size === 0 || b.size === 0) return undefined
  let shared = 0
  for (const word of a) if (b.has(word)) shared++
  if (shared < 2) return undefined
  const overlap = shared / Math.min(a.size, b.size)
  return { feature: 'address', value: round(overlap), contribution: round(0.03 * overlap), note: `${shared} address words in common` }
}

export function round (x: number): number {
  return Math.round(x * 1000) / 1000
}
