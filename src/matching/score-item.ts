import { normaliseCode, numberingOf, relateCodes, type CodeRelation, type ControlCodeRef, type CrosswalkLink } from './control-codes.js'
import { tokenSetSimilarity } from './text-similarity.js'

/** An item of a decision or classification, as compared: ours (query) against an ally's (candidate). */
export interface ItemInput {
  description: string
  codes: ControlCodeRef[]
  manufacturer?: string | null
  partNumber?: string | null
}

/** `within`: the query's entry lies within the candidate's; `contains`: the reverse. */
export type ItemRelation = 'same-entry' | 'within' | 'contains' | 'crosswalk-equivalent' | 'description-only' | 'unrelated'

export interface CodePair {
  query: ControlCodeRef
  candidate: ControlCodeRef
  relation: CodeRelation['relation']
  explanation: string
}

export interface ItemFeature {
  feature: 'control-codes' | 'part-number' | 'manufacturer' | 'description'
  value: number | string
  contribution: number
  note: string
}

export interface ItemMatch {
  relation: ItemRelation
  /** In [0, 1]: the sum of the features' contributions, clamped. */
  score: number
  /** Every query code against every candidate code, related pairs first. */
  codePairs: CodePair[]
  features: ItemFeature[]
  explanation: string
}

const CODE_RANK: Record<CodeRelation['relation'], number> = { same: 0, crosswalk: 1, within: 2, contains: 3, unrelated: 4 }
const ITEM_RELATION = { same: 'same-entry', crosswalk: 'crosswalk-equivalent', within: 'within', contains: 'contains' } as const
const CODE_WEIGHT = { same: 0.55, crosswalk: 0.5, within: 0.35, contains: 0.35 } as const
const DESCRIPTION_WEIGHT = 0.25
/** Descriptions this alike relate items whose codes do not; higher when their codes are comparable and differ. */
const DESCRIPTION_ONLY = 0.5
const DESCRIPTION_ONLY_CODES_DIFFER = 0.8
const MAX_WORDS = 64

/**
 * How the candidate item relates to the query item: by control-list codes first (same entry,
 * one within the other, crosswalk), else by description, manufacturer and part number alone.
 * Pure; every feature carries its contribution and a note for the officer.
 * @example scoreItem({ description: 'ADCs', codes: [{ regime: 'uk', code: '3A001.a.5' }] }, { description: 'Analog-to-digital converters', codes: [{ regime: 'wassenaar', code: '3.A.1' }] }).relation // 'within'
 */
export function scoreItem (query: ItemInput, candidate: ItemInput, crosswalks: readonly CrosswalkLink[] = []): ItemMatch {
  const codes = compareCodes(codesOf(query), codesOf(candidate), crosswalks)
  const description = compareDescriptions(query?.description, candidate?.description)
  const maker = compareManufacturers(query?.manufacturer, candidate?.manufacturer)
  const part = comparePartNumbers(query?.partNumber, candidate?.partNumber, maker.value)
  const features = [codes.feature, part, maker, description.feature]
  const score = Math.round(Math.min(1, Math.max(0, features.reduce((sum, f) => sum + f.contribution, 0))) * 1000) / 1000

  const best = codes.pairs[0]
  let relation: ItemRelation = 'unrelated'
  if (best !== undefined && best.relation !== 'unrelated') relation = ITEM_RELATION[best.relation]
  else if (part.value === 'same' && maker.value !== 'different') relation = 'description-only'
  else if (description.similarity >= (codes.feature.value === 'different' ? DESCRIPTION_ONLY_CODES_DIFFER : DESCRIPTION_ONLY)) relation = 'description-only'

  const evidence = features.filter((f) => f.contribution !== 0).map((f) => f.note)
  const explanation = `${relation} (score ${score})${evidence.length > 0 ? `: ${evidence.join('; ')}` : ''}`
  return { relation, score, codePairs: codes.pairs, features, explanation }
}

function codesOf (item: ItemInput | undefined): ControlCodeRef[] {
  return Array.isArray(item?.codes) ? item.codes.filter((c) => c !== null && typeof c === 'object') : []
}

function compareCodes (query: ControlCodeRef[], candidate: ControlCodeRef[], crosswalks: readonly CrosswalkLink[]) {
  const pairs: CodePair[] = []
  let comparable = false
  for (const q of query) {
    const nq = normaliseCode(q.regime, q.code)
    for (const c of candidate) {
      const { relation, explanation } = relateCodes(q, c, crosswalks)
      pairs.push({ query: q, candidate: c, relation, explanation })
      const nc = normaliseCode(c.regime, c.code)
      if (nq !== null && nc !== null && numberingOf(nq) === numberingOf(nc)) comparable = true
    }
  }
  pairs.sort((a, b) => CODE_RANK[a.relation] - CODE_RANK[b.relation])
  const best = pairs[0]
  let feature: ItemFeature
  if (best !== undefined && best.relation !== 'unrelated') {
    feature = { feature: 'control-codes', value: best.relation, contribution: CODE_WEIGHT[best.relation], note: best.explanation }
  } else if (comparable) {
    feature = { feature: 'control-codes', value: 'different', contribution: -0.1, note: 'the codes are in a shared numbering and name different entries' }
  } else {
    const note = pairs.length === 0 ? 'one side has no codes' : 'no code of one side relates to a code of the other (different numberings, no crosswalk)'
    feature = { feature: 'control-codes', value: pairs.length === 0 ? 'absent' : 'unrelated', contribution: 0, note }
  }
  return { pairs, feature }
}

function compareDescriptions (query: unknown, candidate: unknown) {
  const a = contentWords(query)
  const b = contentWords(candidate)
  const similarity = a.length === 0 || b.length === 0 ? 0 : Math.round(tokenSetSimilarity(a, b) * 1000) / 1000
  const shared = a.filter((w) => b.includes(w))
  const note = `descriptions ${Math.round(similarity * 100)}% alike${shared.length > 0 ? ` (shared: ${shared.join(', ')})` : ''}`
  const feature: ItemFeature = { feature: 'description', value: similarity, contribution: Math.round(DESCRIPTION_WEIGHT * similarity * 1000) / 1000, note }
  return { similarity, feature }
}

function compareManufacturers (query: unknown, candidate: unknown): ItemFeature {
  const a = manufacturerWords(query)
  const b = manufacturerWords(candidate)
  if (a.length === 0 || b.length === 0) return { feature: 'manufacturer', value: 'unknown', contribution: 0, note: 'manufacturer not given on both sides' }
  const similarity = tokenSetSimilarity(a, b)
  return similarity >= 0.85
    ? { feature: 'manufacturer', value: 'same', contribution: 0.05, note: `same manufacturer (${a.join(' ')})` }
    : { feature: 'manufacturer', value: 'different', contribution: 0, note: `different manufacturers (${a.join(' ')}, ${b.join(' ')})` }
}

function comparePartNumbers (query: unknown, candidate: unknown, maker: ItemFeature['value']): ItemFeature {
  const a = normalisePartNumber(query)
  const b = normalisePartNumber(candidate)
  if (a === null || b === null) return { feature: 'part-number', value: 'unknown', contribution: 0, note: 'part number not given on both sides' }
  if (a !== b) {
    return maker === 'same'
      ? { feature: 'part-number', value: 'different', contribution: -0.05, note: `different part numbers of one manufacturer (${a}, ${b})` }
      : { feature: 'part-number', value: 'different', contribution: 0, note: `different part numbers (${a}, ${b})` }
  }
  const [contribution, whose] = maker === 'same' ? [0.45, 'from the same manufacturer'] : maker === 'unknown' ? [0.2, 'manufacturer unknown'] : [0.05, 'but from different manufacturers']
  return { feature: 'part-number', value: 'same', contribution, note: `same part number ${a}, ${whose}` }
}

/** Part numbers compare without case, spaces, dashes, dots or slashes; under three characters they say nothing. */
export function normalisePartNumber (text: unknown): string | null {
  if (typeof text !== 'string') return null
  const key = text.normalize('NFKC').toUpperCase().replace(/[^\p{L}\p{N}]/gu, '')
  return key.length >= 3 ? key : null
}

const STOP = new Set(('a an and are as at be by for from in inc including into is it its of on or other than that the their this to with within without ' +
  'n e s nes etc eg ie such which thereof therefor specially designed modified related used use using part component accessory equipment good item').split(' '))
const LEGAL = new Set('ag co corp corporation company gmbh inc incorporated kg limited llc ltd nv plc sa sarl spa srl bv ab oy as group the and'.split(' '))

/** Description words: lower case, accents dropped, stop words and generic words removed, lightly stemmed, each once. */
export function contentWords (text: unknown): string[] {
  const words = new Set<string>()
  for (const word of latinWords(text)) {
    const stem = stemWord(word)
    if (!STOP.has(word) && !STOP.has(stem) && (stem.length > 1 || /[0-9]/.test(stem))) words.add(stem)
    if (words.size === MAX_WORDS) break
  }
  return [...words]
}

function manufacturerWords (text: unknown): string[] {
  return latinWords(text).filter((w) => !LEGAL.has(w))
}

function latinWords (text: unknown): string[] {
  if (typeof text !== 'string') return []
  return text.slice(0, 4000).normalize('NFKD').replace(/\p{M}/gu, '').toLowerCase().split(/[^\p{L}\p{N}]+/u).filter((w) => w.length > 0)
}

/** A light English stemmer (plural and -ed / -ing endings, a final e), enough to fold "batteries" / "battery", "armoured" / "armour". */
export function stemWord (word: string): string {
  let w = word
  if (w.length <= 3 || /[0-9]/.test(w)) return w
  if (w.endsWith('ies') && w.length > 4) w = `${w.slice(0, -3)}y`
  else if (/(?:ss|ch|sh|x|z)es$/.test(w)) w = w.slice(0, -2)
  else if (w.endsWith('s') && !/(?:ss|us|is)$/.test(w)) w = w.slice(0, -1)
  if (w.endsWith('ing') && w.length > 5) w = w.slice(0, -3)
  else if (w.endsWith('ed') && w.length > 4) w = w.slice(0, -2)
  if (w.endsWith('e') && w.length > 4) w = w.slice(0, -1)
  return w
}
