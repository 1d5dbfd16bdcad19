import {
  normaliseCode, numberingOf, relateCodes, scoreItem,
  type CodeFamily, type CodeRelation, type ControlCodeRef, type CrosswalkLink, type ItemFeature
} from '../matching/index.js'
import { isFinal, type ClassificationContent } from '../records/index.js'
import type { ClassificationFacts, DivergenceConfig, Finding, RecordRef } from './types.js'

/**
 * The control systems whose codes can contradict each other without a crosswalk. An agency
 * under the EU, UK or Wassenaar lists puts an item either on the dual-use list or on the
 * military list, and a US agency either on the CCL or on the USML, so two such codes that
 * name different entries disagree. Across systems (a US ECCN and an EU code, even with the
 * same number) only a crosswalk says how codes relate: without one we cannot tell a conflict.
 */
const CONTROL_SYSTEM: Record<CodeFamily, string> = {
  'dual-use': 'eu-uk-wassenaar', military: 'eu-uk-wassenaar', 'us-eccn': 'us', 'us-usml': 'us', mtcr: 'mtcr', nsg: 'nsg', cwc: 'cwc', national: 'national'
}

type CodePairEvidence = {
  first: ControlCodeRef
  second: ControlCodeRef
  relation: CodeRelation['relation']
  /** Both codes are read and in one control system, or a crosswalk carries one into the other's: an unrelated pair is a disagreement. */
  comparable: boolean
  /** The crosswalk that carries one code into the other's control system, when they are in different ones. */
  through: CrosswalkLink | null
  explanation: string
}

type ClassifiedAs = { result: ClassificationContent['result'], codes: ClassificationContent['codes'], classificationDate: string }

/** What a conflicting-classification finding rests on. */
export type ClassificationPairEvidence = {
  item: { basis: 'part-number' | 'description', partNumber: ItemFeature, manufacturer: ItemFeature, description: ItemFeature }
  /** `result`: one says listed, the other not listed; `codes`: both listed, under unrelated codes. */
  conflict: 'result' | 'codes'
  first: ClassifiedAs
  second: ClassifiedAs
  codePairs: CodePairEvidence[]
}

/**
 * A conflicting classification between two agencies' classifications of one item (same
 * manufacturer and part number, or, when a part number is missing, descriptions alike at
 * `descriptionThreshold`), or null: one says listed and the other not listed, or both list
 * it under codes of which no pair is related (by number or crosswalk) while some pair is
 * comparable (one control system, or a crosswalk carries one code into the other's). Revoked
 * classifications never conflict. `first` is the earlier one (date, then issuer). Pure.
 */
export function evaluateClassificationPair (a: ClassificationFacts, b: ClassificationFacts, crosswalks: readonly CrosswalkLink[], config: DivergenceConfig): Finding | null {
  if (a.issuer === b.issuer || isFinal(a) || isFinal(b)) return null
  const [first, second] = isEarlier(a, b) ? [a, b] : [b, a]
  const item = sameItem(first.content.item, second.content.item, config.descriptionThreshold)
  if (item === null) return null
  const codePairs = pairCodes(first.content.codes, second.content.codes, crosswalks)
  const conflict = conflictOf(first.content, second.content, codePairs)
  if (conflict === null) return null

  const evidence: ClassificationPairEvidence = {
    item,
    conflict,
    first: classifiedAs(first.content),
    second: classifiedAs(second.content),
    codePairs
  }
  return {
    kind: 'conflicting-classification',
    severity: 'medium',
    first: refOf(first),
    second: refOf(second),
    destination: null,
    controlCategory: categoryOf(first.content) ?? categoryOf(second.content),
    explanation: explain(first, second, evidence),
    evidence
  }
}

function isEarlier (a: ClassificationFacts, b: ClassificationFacts): boolean {
  const [da, db] = [a.content.classificationDate, b.content.classificationDate]
  return da < db || (da === db && a.issuer < b.issuer)
}

/** The same item by part number (and a manufacturer that does not differ), else by description when a part number is missing. */
function sameItem (first: ClassificationContent['item'], second: ClassificationContent['item'], threshold: number): ClassificationPairEvidence['item'] | null {
  const match = scoreItem({ ...second, codes: [] }, { ...first, codes: [] })
  const feature = (name: ItemFeature['feature']): ItemFeature =>
    match.features.find((f) => f.feature === name) ?? { feature: name, value: 'unknown', contribution: 0, note: `${name} not compared` }
  const [partNumber, manufacturer, description] = [feature('part-number'), feature('manufacturer'), feature('description')]
  if (manufacturer.value === 'different') return null
  if (partNumber.value === 'same') return { basis: 'part-number', partNumber, manufacturer, description }
  if (partNumber.value === 'unknown' && typeof description.value === 'number' && description.value >= threshold) {
    return { basis: 'description', partNumber, manufacturer, description }
  }
  return null
}

function pairCodes (first: readonly ControlCodeRef[], second: readonly ControlCodeRef[], crosswalks: readonly CrosswalkLink[]): CodePairEvidence[] {
  return first.flatMap((f) => second.map((s) => {
    const { relation, explanation } = relateCodes(f, s, crosswalks)
    const [sf, ss] = [systemOf(f), systemOf(s)]
    const through = sf === null || ss === null || sf === ss ? null : carrier(f, ss, crosswalks) ?? carrier(s, sf, crosswalks)
    const comparable = sf !== null && (sf === ss || through !== null)
    return { first: f, second: s, relation, comparable, through, explanation }
  }))
}

/** A crosswalk link with one end at, above or below `code` and the other end in `system`. */
function carrier (code: ControlCodeRef, system: string, crosswalks: readonly CrosswalkLink[]): CrosswalkLink | null {
  return crosswalks.find((link) => [[link.from, link.to], [link.to, link.from]].some(([near, far]) =>
    near !== undefined && far !== undefined && systemOf(far) === system && relateCodes(code, near).relation !== 'unrelated')) ?? null
}

function systemOf (code: ControlCodeRef): string | null {
  const n = normaliseCode(code.regime, code.code)
  if (n === null) return null
  return n.family === 'national' ? numberingOf(n) : CONTROL_SYSTEM[n.family]
}

function conflictOf (first: ClassificationContent, second: ClassificationContent, pairs: readonly CodePairEvidence[]): ClassificationPairEvidence['conflict'] | null {
  if (first.result !== second.result) return 'result'
  if (first.result === 'not_listed') return null
  if (pairs.some((p) => p.relation !== 'unrelated')) return null
  return pairs.some((p) => p.comparable) ? 'codes' : null
}

function classifiedAs (content: ClassificationContent): ClassifiedAs {
  return { result: content.result, codes: content.codes, classificationDate: content.classificationDate }
}

function categoryOf (content: ClassificationContent): string | null {
  if (content.result !== 'listed') return null
  for (const code of content.codes) {
    const n = normaliseCode(code.regime, code.code)
    if (n !== null) return n.category
  }
  return null
}

function refOf (record: RecordRef): RecordRef {
  return { issuer: record.issuer, recordId: record.recordId, version: record.version }
}

/**
 * e.g. 'alpha classified "ADCs" (Analog Devices, part number AD9208) on 2025-05-02 as listed
 * under eu 3A001.a.5; bravo classified it on 2025-09-01 as not listed: one lists the item, the
 * other does not; the same item: same part number AD9208, from the same manufacturer (…).'
 */
function explain (first: ClassificationFacts, second: ClassificationFacts, evidence: ClassificationPairEvidence): string {
  const { item } = first.content
  const details = [item.manufacturer, item.partNumber === undefined ? undefined : `part number ${item.partNumber}`].filter((d) => d !== undefined)
  const what = `"${item.description}"${details.length > 0 ? ` (${details.join(', ')})` : ''}`
  const pair = evidence.codePairs.find((p) => p.comparable)
  const disagreement = evidence.conflict === 'result' || pair === undefined
    ? 'one lists the item, the other does not'
    : `the codes are unrelated: ${pair.through === null
      ? pair.explanation
      : `${showCode(pair.first)} and ${showCode(pair.second)} are in different lists, and the crosswalk ${showLink(pair.through)} does not lead from one to the other`}`
  const basis = evidence.item.basis === 'part-number'
    ? [evidence.item.partNumber.note]
    : [evidence.item.description.note, evidence.item.partNumber.note]
  return `${first.issuer} classified ${what} on ${first.content.classificationDate} as ${resultPhrase(first.content)}; ` +
    `${second.issuer} classified it on ${second.content.classificationDate} as ${resultPhrase(second.content)}: ${disagreement}; ` +
    `the same item: ${basis.join(', ')}.`
}

function showLink (link: CrosswalkLink): string {
  return `${showCode(link.from)} → ${showCode(link.to)} (${link.relation})`
}

function showCode (code: ControlCodeRef): string {
  return `${code.regime} ${code.code}`
}

function resultPhrase (content: ClassificationContent): string {
  if (content.result === 'not_listed') return 'not listed'
  return content.codes.length === 0 ? 'listed' : `listed under ${content.codes.map(showCode).join(', ')}`
}
