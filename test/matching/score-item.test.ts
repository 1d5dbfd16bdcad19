import t from 'tap'
import { contentWords, normalisePartNumber, scoreItem, stemWord, type CrosswalkLink, type ItemInput } from '../../src/matching/index.js'

// Codes and descriptions copied from ../shared/data (the tests never read it):
//   UK = uk-export-licensing-caat/ratings_2015-07.csv / ratings_2026-05.csv (rating, short_description)
//   CCL = ccl-alpha-index-2015/ccl_alphabetical_index_2015-06-16.tsv (description, ECCN cells)
// Manufacturers and part numbers are made up: neither file has any.

const item = (regime: string, code: string, description: string, more: Partial<ItemInput> = {}): ItemInput =>
  ({ description, codes: [{ regime, code }], ...more })

const crosswalks: CrosswalkLink[] = [
  { from: { regime: 'us-eccn', code: '3A001' }, to: { regime: 'uk', code: '3A001' }, relation: 'equivalent' }, // 3A001: a UK rating and a CCL ECCN
  { from: { regime: 'us-eccn', code: '9A610.x' }, to: { regime: 'uk', code: 'ML10' }, relation: 'narrower' }
]

const cases: Array<[name: string, query: ItemInput, candidate: ItemInput, relation: string]> = [
  ['same entry across EU / Wassenaar spellings',
    item('uk', '3A001', 'Electronics'), item('wassenaar', '3.A.1', 'Electronics'), 'same-entry'], // UK 3A001
  ['a sub-item within the ally\'s entry',
    item('uk', '3A001a5', 'ADCs (analog-to-digital converters)'), item('eu', '3A001', 'Electronics'), 'within'], // CCL 3A001a5
  ['the ally denied a sub-item of our entry',
    item('uk', '2B350', 'Chemical manufacturing equipment'), item('ag', '2B350.b', 'Agitators (chemical manufacturing)'), 'contains'], // CCL 2B350, 2B350b
  ['military list, compact spelling',
    item('uk', 'ML10', 'Aircraft, helicopters, drones'), item('eu', 'ML 10 a', 'Aircraft'), 'contains'], // UK ML10
  ['crosswalk equivalent, US → UK',
    item('us-eccn', '3A001', 'Electronics'), item('uk', '3A001', 'Electronics'), 'crosswalk-equivalent'],
  ['crosswalk equivalent, UK → US',
    item('uk', '3A001', 'Electronics'), item('us-eccn', '3A001', 'Electronics'), 'crosswalk-equivalent'],
  ['crosswalk narrower: the US entry lies within ML10',
    item('us-eccn', '9A610x', 'Aircraft parts and components'), item('uk', 'ML10', 'Aircraft, helicopters, drones'), 'within'], // CCL 9A610x, UK ML10
  ['crosswalk read backwards',
    item('uk', 'ML10', 'Aircraft, helicopters, drones'), item('us-eccn', '9A610.x', 'Aircraft parts and components'), 'contains'],
  ['same number in the US and EU lists is not the same entry: description only',
    item('us-eccn', '3A001a5', 'ADCs (analog-to-digital converters)'), item('eu', '3A001.a.5', 'Analog-to-digital converters, integrated circuits'), 'description-only'], // CCL 3A001a5 twice
  ['US and UK spellings of one thing, different numberings',
    item('us-eccn', '1A005b', 'Armor plate (for hard body armor)'), item('uk', 'ML13', 'Armoured plate, body armour, helmets'), 'description-only'], // CCL 1A005b, UK ML13
  ['same part number from the same manufacturer, codes unrelated',
    item('uk', '7A002', 'Gyroscopes', { manufacturer: 'Honeywell International Inc.', partNumber: 'GG-1320 AN' }),
    item('us-eccn', '7A002', 'Ring laser gyro', { manufacturer: 'HONEYWELL INTERNATIONAL', partNumber: 'gg1320an' }), 'description-only'],
  ['the same description under two entries of one numbering (a classification to look at)',
    item('us-eccn', '7A006', 'Altimeters, airborne'), item('us-eccn', '7A106', 'Airborne altimeters'), 'description-only'], // CCL rows 7A006 and 7A106
  ['alike descriptions but different entries of one numbering',
    item('us-eccn', '6A001a', 'Acoustic systems, marine'), item('us-eccn', '6A991', 'Acoustic, marine, terrestrial equipment'), 'unrelated'], // CCL
  ['the same alike descriptions with nothing comparable in the codes',
    item('us-eccn', '6A001a', 'Acoustic systems, marine'), item('uk', 'End Use', 'Acoustic, marine, terrestrial equipment'), 'description-only'],
  ['different ML categories',
    item('uk', 'ML10', 'Aircraft, helicopters, drones'), item('uk', 'ML6', 'Armoured vehicles, tanks'), 'unrelated'], // UK ML10, ML6
  ['different numberings, unlike descriptions',
    item('uk', 'ML1', 'Small arms'), item('us-eccn', '0A501', 'Firearms'), 'unrelated'],
  ['same part number, different manufacturers',
    item('uk', 'End Use', 'Valves', { manufacturer: 'Alpha GmbH', partNumber: 'V-100-2' }),
    item('uk', 'End Use', 'Pumps', { manufacturer: 'Omega Ltd', partNumber: 'v1002' }), 'unrelated']
]

t.test('item relations, table-driven', async (t) => {
  for (const [name, query, candidate, relation] of cases) {
    const match = scoreItem(query, candidate, crosswalks)
    t.equal(match.relation, relation, name)
    t.ok(match.score >= 0 && match.score <= 1, `${name}: score ${match.score} in [0, 1]`)
    t.strictSame(match.features.map((f) => f.feature), ['control-codes', 'part-number', 'manufacturer', 'description'], `${name}: every feature reported`)
  }
})

t.test('scores rank code evidence above description evidence', async (t) => {
  const score = (i: number) => {
    const [, q, c] = cases[i] as [string, ItemInput, ItemInput, string]
    return scoreItem(q, c, crosswalks).score
  }
  t.ok(score(0) > score(1), 'same entry above within')
  t.ok(score(1) > score(8), 'within above description only')
  t.ok(score(10) > score(8), 'part number and manufacturer above description alone')
  t.ok(score(11) < scoreItem(cases[11]![1], { ...cases[11]![2], codes: [] }).score, 'comparable codes that differ take some score away')
})

t.test('codePairs: every pair, related first, each explained', async (t) => {
  const query: ItemInput = { description: 'ADCs', codes: [{ regime: 'us-eccn', code: '3A001a5' }, { regime: 'uk', code: '3A001.a.5' }] }
  const candidate: ItemInput = { description: 'Analog-to-digital converters', codes: [{ regime: 'eu', code: '9A004' }, { regime: 'wassenaar', code: '3.A.1.a' }] }
  const match = scoreItem(query, candidate)
  t.equal(match.codePairs.length, 4)
  t.match(match.codePairs[0], { query: { regime: 'uk', code: '3A001.a.5' }, candidate: { regime: 'wassenaar', code: '3.A.1.a' }, relation: 'within' })
  t.ok(match.codePairs.slice(1).every((p) => p.relation === 'unrelated' && p.explanation.length > 0))
  t.match(match.explanation, /^within \(score [0-9.]+\): uk 3A001\.a\.5 lies within wassenaar 3A001\.a/)
  t.match(scoreItem(cases[10]![1], cases[10]![2]).explanation, /same part number GG1320AN, from the same manufacturer/)
})

t.test('bad input gives unrelated, never an exception', async (t) => {
  const bad = [
    { description: null, codes: null }, { description: 42, codes: [null, 'x', { regime: 'eu' }] }, {}, null, undefined
  ] as unknown as ItemInput[]
  for (const b of bad) {
    t.equal(scoreItem(b, item('uk', 'ML10', 'Aircraft')).relation, 'unrelated', JSON.stringify(b) ?? 'undefined')
    t.equal(scoreItem(item('uk', 'ML10', 'Aircraft'), b, [null] as never).relation, 'unrelated', `${JSON.stringify(b) ?? 'undefined'} as candidate`)
  }
  t.equal(scoreItem(item('uk', 'HR AII', ''), item('uk', 'HR AII', '')).relation, 'unrelated', 'unreadable codes and no description')
})

t.test('part numbers, description words and stems', async (t) => {
  const parts: Array<[unknown, string | null]> = [['GG-1320 AN', 'GG1320AN'], ['gg1320an', 'GG1320AN'], ['  ab.12/c ', 'AB12C'], ['1-2', null], [null, null], [12345, null]]
  for (const [raw, key] of parts) t.equal(normalisePartNumber(raw), key, String(raw))
  const stems: Array<[string, string]> = [['batteries', 'battery'], ['armoured', 'armour'], ['altimeters', 'altimeter'], ['chemical', 'chemical'], ['imaging', 'imag'], ['image', 'imag'], ['gas', 'gas'], ['process', 'process'], ['boxes', 'box'], ['7mm', '7mm']]
  for (const [word, stem] of stems) t.equal(stemWord(word), stem, word)
  // CCL "Batteries (lead-acid and nickel-cadmium) for military aircraft"; UK ML9 full_description
  t.strictSame(contentWords('Batteries (lead-acid and nickel-cadmium) for military aircraft'), ['battery', 'lead', 'acid', 'nickel', 'cadmium', 'military', 'aircraft'])
  t.strictSame(contentWords('‘Vessels’ of war (surface or underwater), special naval equipment, accessories, components'), ['vessel', 'war', 'surfac', 'underwater', 'special', 'naval'])
  t.strictSame(contentWords('Équipement spécialement conçu'), ['equipement', 'specialement', 'concu'], 'accents dropped')
})
