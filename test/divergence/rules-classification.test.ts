import t from 'tap'
import { DEFAULT_DIVERGENCE_CONFIG, type ClassificationFacts, type ClassificationPairEvidence } from '../../src/divergence/index.js'
import { evaluateClassificationPair } from '../../src/divergence/rules.js'
import type { CrosswalkLink } from '../../src/matching/index.js'
import type { ClassificationContent, ControlCode } from '../../src/records/index.js'

// Descriptions and codes copied from /work/shared/data (the tests never read it):
//   CCL = ccl-alpha-index-2015/ccl_alphabetical_index_2015-06-16.tsv: "Frequency changers
//     (converters or inverters)" 3A225, "Changers, frequency (converters or inverters)" 3A225,
//     "ADCs (analog-to-digital converters)" 3A001a5, "Analog-to-digital converters" 3A101a,
//     "Analog-to-digital converters, integrated circuits" 3A001a5.
// Manufacturers and part numbers are made up: the file has none.

const config = DEFAULT_DIVERGENCE_CONFIG
const FIRST_ID = '3f0c2a8e-5b7d-4e1a-9c6f-1a2b3c4d5e01'
const SECOND_ID = '7a9b8c6d-2e4f-4a1b-8c3d-5e6f7a8b9c02'

type Item = ClassificationContent['item']
const inverter: Item = { description: 'Frequency changers (converters or inverters)', manufacturer: 'Siemens AG', partNumber: '6SL3210-1KE' }
const code = (regime: ControlCode['regime'], c: string): ControlCode => ({ regime, code: c })

interface Side { issuer?: string, date?: string, item?: Item, result?: 'listed' | 'not_listed', codes?: ControlCode[], revokedFrom?: string | null }

function classification (side: Side, recordId: string, defaults: Required<Pick<Side, 'issuer' | 'date'>>): ClassificationFacts {
  const result = side.result ?? 'listed'
  return {
    issuer: side.issuer ?? defaults.issuer,
    recordId,
    version: 2,
    revokedFrom: side.revokedFrom ?? null,
    content: {
      item: side.item ?? inverter,
      result,
      codes: side.codes ?? (result === 'listed' ? [code('eu', '3A225')] : []),
      classificationDate: side.date ?? defaults.date
    }
  }
}
const first = (side: Side = {}) => classification(side, FIRST_ID, { issuer: 'alpha', date: '2025-05-02' })
const second = (side: Side = {}) => classification(side, SECOND_ID, { issuer: 'bravo', date: '2025-09-01' })

const usToEu: CrosswalkLink = { from: code('us-eccn', '3A225'), to: code('eu', '3A225'), relation: 'equivalent' }

interface Row { name: string, first: Side, second: Side, crosswalks?: CrosswalkLink[], threshold?: number, expect: ClassificationPairEvidence['conflict'] | null }

const rows: Row[] = [
  // what they say about the item
  { name: 'same part number, unrelated codes in one numbering: conflict', first: {}, second: { codes: [code('uk', '3A201')] }, expect: 'codes' },
  { name: 'listed against not listed: conflict', first: {}, second: { result: 'not_listed' }, expect: 'result' },
  { name: 'not listed against listed: conflict', first: { result: 'not_listed' }, second: {}, expect: 'result' },
  { name: 'both not listed: none', first: { result: 'not_listed' }, second: { result: 'not_listed' }, expect: null },
  { name: 'the same entry in two spellings: none', first: {}, second: { codes: [code('uk', '3A225')] }, expect: null },
  { name: 'related codes (a sub-item within the entry): none', first: { codes: [code('eu', '3A001')] }, second: { codes: [code('uk', '3A001a5')] }, expect: null },
  { name: 'one related pair among several codes: none', first: { codes: [code('eu', '3A225'), code('eu', '3A201')] }, second: { codes: [code('uk', '3A201'), code('uk', 'ML11')] }, expect: null },
  { name: 'military list against dual-use list: conflict', first: { codes: [code('uk', 'ML11')] }, second: { codes: [code('eu', '5A001')] }, expect: 'codes' },
  { name: 'ECCN against USML: conflict', first: { codes: [code('us-eccn', '3A001.a.5')] }, second: { codes: [code('us-usml', 'XI(c)')] }, expect: 'codes' },
  { name: 'US ECCN against an EU code of the same number, no crosswalk: cannot tell, none', first: { codes: [code('us-eccn', '3A225')] }, second: { codes: [code('eu', '3A201')] }, expect: null },
  { name: 'US ECCN against the EU code a crosswalk makes it equivalent to: none', first: { codes: [code('us-eccn', '3A225')] }, second: { codes: [code('eu', '3A225')] }, crosswalks: [usToEu], expect: null },
  { name: 'US ECCN against an EU code its crosswalk does not lead to: conflict', first: { codes: [code('us-eccn', '3A225')] }, second: { codes: [code('eu', '3A201')] }, crosswalks: [usToEu], expect: 'codes' },
  { name: 'listed without codes against listed: nothing to compare, none', first: { codes: [] }, second: {}, expect: null },
  { name: 'unreadable code against a code: none', first: { codes: [code('uk', 'End Use')] }, second: {}, expect: null },
  // is it the same item
  { name: 'part numbers written differently: conflict', first: {}, second: { item: { ...inverter, partNumber: '6sl3210 1ke' }, result: 'not_listed' }, expect: 'result' },
  { name: 'different part numbers: different items, none', first: {}, second: { item: { ...inverter, partNumber: '6SL3224-0BE' }, result: 'not_listed' }, expect: null },
  { name: 'same part number, different manufacturers: none', first: {}, second: { item: { ...inverter, manufacturer: 'Yaskawa Electric' }, result: 'not_listed' }, expect: null },
  { name: 'same part number, manufacturer given on one side only: conflict', first: {}, second: { item: { description: 'Inverter', partNumber: '6SL3210-1KE' }, result: 'not_listed' }, expect: 'result' },
  {
    name: 'no part numbers, descriptions alike (86%): conflict',
    first: { item: { description: 'ADCs (analog-to-digital converters)' }, codes: [code('eu', '3A001.a.5')] },
    second: { item: { description: 'Analog-to-digital converters' }, codes: [code('uk', '4A003e')] },
    expect: 'codes'
  },
  {
    name: 'part number on one side only, descriptions alike (100%): conflict',
    first: { item: { description: 'Changers, frequency (converters or inverters)', partNumber: '6SL3210-1KE' } },
    second: { item: { description: 'Frequency changers (converters or inverters)' }, result: 'not_listed' },
    expect: 'result'
  },
  {
    name: 'no part numbers, descriptions 75% alike (below 0.8): none',
    first: { item: { description: 'Analog-to-digital converters, integrated circuits' }, codes: [code('eu', '3A001.a.5')] },
    second: { item: { description: 'Analog-to-digital converters' }, codes: [code('uk', '4A003e')] },
    expect: null
  },
  {
    name: 'no part numbers, descriptions 75% alike at a threshold of 0.7: conflict',
    first: { item: { description: 'Analog-to-digital converters, integrated circuits' }, codes: [code('eu', '3A001.a.5')] },
    second: { item: { description: 'Analog-to-digital converters' }, codes: [code('uk', '4A003e')] },
    threshold: 0.7,
    expect: 'codes'
  },
  {
    name: 'no part numbers, different descriptions: none',
    first: { item: { description: 'Frequency changers (converters or inverters)' } },
    second: { item: { description: 'Analog-to-digital converters' }, result: 'not_listed' },
    expect: null
  },
  // who and when
  { name: 'same issuer: none', first: {}, second: { issuer: 'alpha', result: 'not_listed' }, expect: null },
  { name: 'first revoked: none', first: { revokedFrom: '2025-10-01' }, second: { result: 'not_listed' }, expect: null },
  { name: 'second revoked: none', first: {}, second: { revokedFrom: '2026-01-01', result: 'not_listed' }, expect: null }
]

t.test('classification pairs', async (t) => {
  for (const row of rows) {
    const [a, b] = [first(row.first), second(row.second)]
    const crosswalks = row.crosswalks ?? []
    const cfg = row.threshold === undefined ? config : { ...config, descriptionThreshold: row.threshold }
    const finding = evaluateClassificationPair(a, b, crosswalks, cfg)
    t.equal(finding === null ? null : (finding.evidence as ClassificationPairEvidence).conflict, row.expect, row.name)
    t.same(evaluateClassificationPair(b, a, crosswalks, cfg), finding, `${row.name}: the same either way round`)
    if (finding !== null) {
      t.match(finding, { kind: 'conflicting-classification', severity: 'medium', destination: null }, `${row.name}: a medium conflicting classification`)
    }
  }
})

t.test('first is the earlier classification, then the issuer', async (t) => {
  const later = evaluateClassificationPair(first({ date: '2025-10-01' }), second({ result: 'not_listed' }), [], config)
  t.same([later?.first.recordId, later?.second.recordId], [SECOND_ID, FIRST_ID], 'the earlier date comes first')
  const sameDay = evaluateClassificationPair(first({ issuer: 'charlie', date: '2025-09-01' }), second({ result: 'not_listed' }), [], config)
  t.same([sameDay?.first.issuer, sameDay?.second.issuer], ['bravo', 'charlie'], 'on one day, by issuer')
})

t.test('a conflicting classification explains itself and carries its evidence', async (t) => {
  const listed = evaluateClassificationPair(first(), second({ result: 'not_listed' }), [], config)
  t.same(listed?.first, { issuer: 'alpha', recordId: FIRST_ID, version: 2 })
  t.same(listed?.second, { issuer: 'bravo', recordId: SECOND_ID, version: 2 })
  t.equal(listed?.controlCategory, '3')
  t.equal(listed?.explanation,
    'alpha classified "Frequency changers (converters or inverters)" (Siemens AG, part number 6SL3210-1KE) on 2025-05-02 as listed under eu 3A225; ' +
    'bravo classified it on 2025-09-01 as not listed: one lists the item, the other does not; ' +
    'the same item: same part number 6SL32101KE, from the same manufacturer.')
  t.match(listed?.evidence, {
    item: { basis: 'part-number', partNumber: { value: 'same' }, manufacturer: { value: 'same' } },
    conflict: 'result',
    first: { result: 'listed', codes: [{ regime: 'eu', code: '3A225' }], classificationDate: '2025-05-02' },
    second: { result: 'not_listed', codes: [], classificationDate: '2025-09-01' },
    codePairs: []
  })

  const coded = evaluateClassificationPair(first(), second({ codes: [code('uk', '3A201')] }), [], config)
  t.match(coded?.explanation, /as listed under eu 3A225; bravo classified it on 2025-09-01 as listed under uk 3A201: the codes are unrelated: eu 3A225 and uk 3A201 are unrelated/)
  t.match(coded?.evidence, { conflict: 'codes', codePairs: [{ first: { code: '3A225' }, second: { code: '3A201' }, relation: 'unrelated', comparable: true, through: null }] })

  const described = evaluateClassificationPair(
    first({ item: { description: 'ADCs (analog-to-digital converters)' }, codes: [code('eu', '3A001.a.5')] }),
    second({ item: { description: 'Analog-to-digital converters' }, codes: [code('uk', '4A003e')] }), [], config)
  t.match(described?.explanation, /the same item: descriptions 86% alike \(shared: analog, digital, converter\), part number not given on both sides\.$/)
  t.match(described?.evidence, { item: { basis: 'description', description: { value: 0.857 } } })

  const crossed = evaluateClassificationPair(first({ codes: [code('us-eccn', '3A225')] }), second({ codes: [code('eu', '3A201')] }), [usToEu], config)
  t.match(crossed?.explanation, /the codes are unrelated: us-eccn 3A225 and eu 3A201 are in different lists, and the crosswalk us-eccn 3A225 → eu 3A225 \(equivalent\) does not lead from one to the other; /)
  t.match(crossed?.evidence, { codePairs: [{ comparable: true, through: usToEu }] })
})
