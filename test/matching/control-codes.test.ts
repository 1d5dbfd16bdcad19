import t from 'tap'
import { codeSearchPrefixes, escapeLike, normaliseCode, relateCodes, type CrosswalkLink } from '../../src/matching/index.js'

// Real codes, copied from ../shared/data (never read by the tests, CI has only the repo):
//   UK = uk-export-licensing-caat/ratings_2015-07.csv and ratings_2026-05.csv (`rating` column,
//        and sub-items quoted in `full_description`, e.g. PL5017's "ML12.b., ML17.n.")
//   CCL = ccl-alpha-index-2015/ccl_alphabetical_index_2015-06-16.tsv (description → ECCN cells)
// Codes marked "list" are from the published lists themselves (EU Annex I, Wassenaar, USML,
// MTCR, NSG, CWC), not from those files.

const spellings: Array<[regime: string, code: string, canonical: string, family: string, category: string, source: string]> = [
  ['eu', '3A001.a.1', '3A001.a.1', 'dual-use', '3', 'list'],
  ['eu', '3A001a1', '3A001.a.1', 'dual-use', '3', 'list, compact'],
  ['wassenaar', '3.A.1.a.1', '3A001.a.1', 'dual-use', '3', 'list, Wassenaar style'],
  ['wassenaar', 'WA 3.A.1.a.1.', '3A001.a.1', 'dual-use', '3', 'list, with prefix and trailing dot'],
  ['eu', 'EU 3A001 a 1', '3A001.a.1', 'dual-use', '3', 'list, spaces'],
  ['uk', '3A001', '3A001', 'dual-use', '3', 'UK'],
  ['uk', '0A001', '0A001', 'dual-use', '0', 'UK'],
  ['uk', '9E102', '9E102', 'dual-use', '9', 'UK'],
  ['uk', '5A002', '5A002', 'dual-use', '5', 'UK'],
  ['eu', '1c350', '1C350', 'dual-use', '1', 'UK, lower case'],
  ['ag', '1C350', '1C350', 'dual-use', '1', 'UK: the AG precursors list as numbered in the EU list'],
  ['ag', 'AG 1C351d1', '1C351.d.1', 'dual-use', '1', 'CCL "Abrin"'],
  ['cwc', '1C450', '1C450', 'dual-use', '1', 'UK: CWC schedules as numbered in the EU list'],
  ['mtcr', '9A004', '9A004', 'dual-use', '9', 'UK: an MTCR item as numbered in the EU list'],
  ['uk', 'ML10', 'ML10', 'military', 'ML10', 'UK'],
  ['uk', 'ml16', 'ML16', 'military', 'ML16', 'UK 2015, lower case'],
  ['uk', 'ML22a', 'ML22.a', 'military', 'ML22', 'brief'],
  ['uk', 'ML12.b.', 'ML12.b', 'military', 'ML12', 'UK, PL5017 full_description'],
  ['wassenaar', 'ML10.a', 'ML10.a', 'military', 'ML10', 'list'],
  ['eu', 'ML 10 a', 'ML10.a', 'military', 'ML10', 'list, spaces'],
  ['national', 'ML04', 'ML4', 'military', 'ML4', 'list, zero-padded'],
  ['uk', 'PL5017', 'PL5017', 'national', 'PL5017', 'UK'],
  ['national', 'PL 9013', 'PL9013', 'national', 'PL9013', 'UK 2026'],
  ['us-eccn', '0A501', '0A501', 'us-eccn', '0', 'list (600/500-series firearms)'],
  ['us-eccn', '9A610x', '9A610.x', 'us-eccn', '9', 'CCL "Aircraft parts and components"'],
  ['us-eccn', '9A610.x', '9A610.x', 'us-eccn', '9', 'list'],
  ['us-eccn', '9A610y24', '9A610.y.24', 'us-eccn', '9', 'CCL "Batteries (lead-acid and nickel-cadmium) for military aircraft"'],
  ['us-eccn', '0A606y1', '0A606.y.1', 'us-eccn', '0', 'CCL "Brake discs, rotors … for ground vehicles"'],
  ['us-eccn', '3A001a5', '3A001.a.5', 'us-eccn', '3', 'CCL "ADCs (analog-to-digital converters)"'],
  ['us-eccn', '6A002 a1d', '6A002.a.1.d', 'us-eccn', '6', 'CCL, as written there'],
  ['us-eccn', 'ECCN 3A090', '3A090', 'us-eccn', '3', 'list (US-only entry)'],
  ['us-usml', 'USML Category XI(a)(3)', 'XI(a)(3)', 'us-usml', 'XI', 'list'],
  ['us-usml', 'Cat. XI(a)(3)(i)', 'XI(a)(3)(i)', 'us-usml', 'XI', 'list'],
  ['us-usml', 'XI.a.3', 'XI(a)(3)', 'us-usml', 'XI', 'list, dotted'],
  ['us-usml', 'Category 11(a)(3)', 'XI(a)(3)', 'us-usml', 'XI', 'list, arabic category'],
  ['us-usml', 'XXI', 'XXI', 'us-usml', 'XXI', 'list'],
  ['mtcr', 'MTCR 2.A.1', '2.A.1', 'mtcr', '2', 'list'],
  ['mtcr', '2A1a', '2.A.1.a', 'mtcr', '2', 'list, compact'],
  ['mtcr', 'Item 19.A.1', '19.A.1', 'mtcr', '19', 'list'],
  ['nsg', 'NSG 1.A.1', '1.A.1', 'nsg', '1', 'list (Part 2)'],
  ['cwc', 'Schedule 2 Part B 4', '2.B.4', 'cwc', '2', 'list'],
  ['cwc', '2B4', '2.B.4', 'cwc', '2', 'list, compact']
]

t.test('every spelling normalises to one canonical entry in its family', async (t) => {
  for (const [regime, code, canonical, family, category, source] of spellings) {
    t.match(normaliseCode(regime, code), { regime, canonical, family, category }, `${regime} ${code} (${source})`)
  }
})

t.test('the path lists the entry and each sub-item down to the code', async (t) => {
  const paths: Array<[string, string, string[]]> = [
    ['wassenaar', '3.A.1.a.1', ['3A001', '3A001.a', '3A001.a.1']],
    ['us-eccn', '6A001a2b', ['6A001', '6A001.a', '6A001.a.2', '6A001.a.2.b']], // CCL "Acoustic hydrophone arrays, towed"
    ['uk', 'ML10.a', ['ML10', 'ML10.a']],
    ['us-usml', 'XI(a)(3)(ii)(B)', ['XI', 'XI(a)', 'XI(a)(3)', 'XI(a)(3)(ii)', 'XI(a)(3)(ii)(B)']],
    ['mtcr', '2.A.1.a', ['2.A.1', '2.A.1.a']],
    ['cwc', '2.B.4', ['2.B.4']]
  ]
  for (const [regime, code, path] of paths) t.strictSame(normaliseCode(regime, code)?.path, path, `${regime} ${code}`)
})

t.test('what is not a control-list entry is null, never an exception', async (t) => {
  const garbage: Array<[string, string, string]> = [
    ['uk', 'End Use', 'UK: catch-all'], ['uk', 'MEND', 'UK: military end-use'], ['uk', 'MILTA', 'UK 2015'],
    ['uk', 'IRN', 'UK: sanctions rating'], ['uk', 'IRN OG', 'UK'], ['uk', 'Art 4B', 'UK'],
    ['uk', 'HR AII', 'UK: torture regulation annex'], ['uk', 'FR AI', 'UK 2026: firearms regulation annex'],
    ['us-eccn', '1C001a Note 1a', 'CCL: a note, not a sub-item'], ['us-eccn', '7A004-7A008', 'CCL: a range'],
    ['us-eccn', '6A003b3, b4', 'CCL: a list'], ['us-eccn', 'see Computers', 'CCL'], ['us-eccn', '1C11c3', 'CCL: typo'],
    ['us-eccn', 'Category 5, Part  2 Note 3 (b)', 'CCL'], ['us-eccn', '5B', 'CCL'], ['us-eccn', 'EAR99', 'not on the CCL'],
    ['us-eccn', '3.A.1', 'ECCNs are written in full'], ['eu', '3A0011', 'four-digit number'], ['eu', '3F001', 'no group F'],
    ['eu', '3A001.1', 'sub-items start with a letter'], ['eu', '3A001.ab', 'one letter per level'], ['eu', 'ML23', 'no ML23'],
    ['eu', 'ML0', 'no ML0'], ['eu', 'PL5017', 'PL entries are UK national'], ['us-usml', 'XXII', 'no category XXII'],
    ['us-usml', 'XI(a)(b)', 'second level is a number'], ['mtcr', '21.A.1', 'MTCR has 20 items'], ['nsg', '7.A.1', 'NSG Part 2 has 6 categories'],
    ['ag', 'Thiodiglycol', 'AG names, not codes'], ['cwc', '4.A.1', 'three schedules'], ['eu', '', 'empty'], ['eu', '   ', 'blank'],
    ['eu', 'a'.repeat(60) + '!', 'pathological'], ['eu', '3A001' + '.a.1'.repeat(100), 'overlong'], ['unknown', '3A001', 'unknown regime']
  ]
  for (const [regime, code, why] of garbage) t.equal(normaliseCode(regime, code), null, `${regime} "${code.slice(0, 30)}": ${why}`)
  t.equal(normaliseCode(undefined as unknown as string, '3A001'), null, 'no regime')
  t.equal(normaliseCode('eu', null as unknown as string), null, 'no code')
  t.equal(relateCodes({ regime: 'eu', code: '3A001' }, null as never).relation, 'unrelated', 'no code object')
  t.equal(relateCodes({ regime: 'eu', code: '3A001' }, { regime: 'eu', code: '3A001' }, [null, {}, { from: null }] as never).relation, 'same', 'malformed links are skipped')
})

const rel = (a: [string, string], b: [string, string], crosswalks?: CrosswalkLink[]) =>
  relateCodes({ regime: a[0], code: a[1] }, { regime: b[0], code: b[1] }, crosswalks)

t.test('hierarchy, both ways, within one numbering', async (t) => {
  const cases: Array<[[string, string], [string, string], string]> = [
    [['eu', '3A001.a.1'], ['eu', '3A001'], 'within'],
    [['eu', '3A001'], ['eu', '3A001.a.1'], 'contains'],
    [['uk', 'ML10.a'], ['uk', 'ML10'], 'within'],
    [['uk', 'ML10'], ['uk', 'ML 10 a'], 'contains'],
    [['us-eccn', '9A610y24'], ['us-eccn', '9A610'], 'within'], // CCL
    [['us-usml', 'XI(a)(3)'], ['us-usml', 'Category XI'], 'within'],
    [['mtcr', '2.A.1'], ['mtcr', '2.A.1.a'], 'contains'],
    [['eu', '3A001.a.1'], ['eu', '3A001.a.10'], 'unrelated'],
    [['uk', 'ML1'], ['uk', 'ML10.a'], 'unrelated'],
    [['uk', 'ML10.a'], ['uk', 'ML10.b'], 'unrelated'],
    [['eu', '3A001'], ['eu', '3A002'], 'unrelated']
  ]
  for (const [a, b, relation] of cases) t.equal(rel(a, b).relation, relation, `${a.join(' ')} ${relation} ${b.join(' ')}`)
})

t.test('EU, UK and Wassenaar (and regime codes in their numbering) share one numbering; the US does not', async (t) => {
  const cases: Array<[[string, string], [string, string], string]> = [
    [['eu', '3A001.a.1'], ['uk', '3A001a1'], 'same'],
    [['eu', '3A001.a.1'], ['wassenaar', '3.A.1.a.1'], 'same'],
    [['uk', '3A001.a.1'], ['wassenaar', '3.A.1'], 'within'],
    [['ag', '1C350'], ['uk', '1C350'], 'same'], // UK rating 1C350
    [['eu', '1C350.d.1'], ['ag', '1C350'], 'within'], // CCL "Ammonium hydrogen fluoride" 1C350d1
    [['uk', 'ML10'], ['wassenaar', 'ML10.a'], 'contains'],
    [['national', 'ML10'], ['eu', 'ML10'], 'same'],
    [['uk', 'PL5017'], ['uk', 'PL5017'], 'same'],
    [['uk', 'PL5017'], ['national', 'PL5017'], 'unrelated'], // national lists compare within one regime
    [['uk', '3A001'], ['us-eccn', '3A001'], 'unrelated'], // 3A001 is both a UK rating and in the CCL
    [['uk', 'ML11'], ['us-usml', 'XI'], 'unrelated'],
    [['mtcr', '2.A.1'], ['wassenaar', '2.A.1'], 'unrelated'], // same spelling, different lists
    [['nsg', '1.A.1'], ['mtcr', '1.A.1'], 'unrelated'],
    [['cwc', '2.B.4'], ['wassenaar', '2.B.4'], 'unrelated']
  ]
  for (const [a, b, relation] of cases) t.equal(rel(a, b).relation, relation, `${a.join(' ')} ${relation} ${b.join(' ')}`)
  t.match(rel(['eu', '3A001.a.1'], ['wassenaar', '3.A.1.a.1']).explanation, /share one numbering/)
  t.match(rel(['uk', '3A001'], ['us-eccn', '3A001']).explanation, /only a crosswalk relates them/)
  t.match(rel(['uk', 'End Use'], ['uk', 'End Use']).explanation, /not a uk control-list code/)
})

t.test('crosswalks relate codes across numberings, in either direction, with the hierarchy on each side', async (t) => {
  // UK 3A001 / 9A004 and CCL 3A001 / 9A004: the shared codes the data README suggests for a US↔UK crosswalk
  const equivalent: CrosswalkLink = { from: { regime: 'us-eccn', code: '3A001' }, to: { regime: 'uk', code: '3A001' }, relation: 'equivalent' }
  const broader: CrosswalkLink = { from: { regime: 'us-usml', code: 'XI(a)' }, to: { regime: 'uk', code: 'ML11.a' }, relation: 'broader' }
  const narrower: CrosswalkLink = { from: { regime: 'us-eccn', code: '9A610.x' }, to: { regime: 'eu', code: 'ML10' }, relation: 'narrower' }
  const links = [equivalent, broader, narrower]
  const cases: Array<[[string, string], [string, string], string, CrosswalkLink | undefined]> = [
    [['us-eccn', '3A001'], ['uk', '3A001'], 'crosswalk', equivalent],
    [['uk', '3A001'], ['us-eccn', '3A001'], 'crosswalk', equivalent],
    [['wassenaar', '3.A.1'], ['us-eccn', '3A001'], 'crosswalk', equivalent], // the link's UK side, in Wassenaar spelling
    [['eu', '3A001.a.1'], ['us-eccn', '3A001'], 'within', equivalent],
    [['us-eccn', '3A001'], ['eu', '3A001.a.5'], 'contains', equivalent],
    [['us-usml', 'XI(a)'], ['uk', 'ML11.a'], 'contains', broader],
    [['uk', 'ML11.a'], ['us-usml', 'XI(a)'], 'within', broader],
    [['us-usml', 'XI(a)(3)'], ['uk', 'ML11.a'], 'unrelated', undefined], // within XI(a), which is broader: no conclusion
    [['us-eccn', '9A610x'], ['eu', 'ML10'], 'within', narrower], // CCL "Aircraft parts and components"
    [['eu', 'ML10'], ['us-eccn', '9A610.x'], 'contains', narrower],
    [['wassenaar', 'ML10.a'], ['us-eccn', '9A610.x'], 'unrelated', undefined],
    [['eu', '3A001.a.1'], ['us-eccn', '3A001.a.1'], 'unrelated', undefined], // the link is between headings only
    [['us-eccn', '3A002'], ['uk', '3A002'], 'unrelated', undefined]
  ]
  for (const [a, b, relation, via] of cases) {
    const found = rel(a, b, links)
    t.equal(found.relation, relation, `${a.join(' ')} ${relation} ${b.join(' ')}`)
    t.equal(found.via, via, `${a.join(' ')} via`)
  }
  t.match(rel(['eu', '3A001.a.1'], ['us-eccn', '3A001.a.1'], links).explanation, /says nothing about their sub-items/)
  t.match(rel(['eu', '3A001.a.1'], ['us-eccn', '3A001'], links).explanation, /through the crosswalk us-eccn 3A001 → uk 3A001 \(equivalent\)/)
})

t.test('a direct relation wins over a crosswalk; crosswalks are one hop', async (t) => {
  const toUs: CrosswalkLink = { from: { regime: 'eu', code: '9A004' }, to: { regime: 'us-eccn', code: '9A004' }, relation: 'equivalent' }
  const usToMtcr: CrosswalkLink = { from: { regime: 'us-eccn', code: '9A004' }, to: { regime: 'mtcr', code: '1.A.1' }, relation: 'broader' }
  t.equal(rel(['eu', '9A004'], ['uk', '9A004'], [toUs]).via, undefined, 'same number, no crosswalk needed')
  t.equal(rel(['eu', '9A004'], ['mtcr', '1.A.1'], [toUs, usToMtcr]).relation, 'unrelated', 'eu → us → mtcr is not followed')
  const unreadable: CrosswalkLink = { from: { regime: 'uk', code: 'End Use' }, to: { regime: 'us-eccn', code: '9A004' }, relation: 'equivalent' }
  t.equal(rel(['uk', 'End Use'], ['us-eccn', '9A004'], [unreadable]).relation, 'unrelated', 'links between unreadable codes are skipped')
})

t.test('codeSearchPrefixes: stored and queried keys make "within X" one prefix range', async (t) => {
  t.strictSame(codeSearchPrefixes('wassenaar', '3.A.1.a'), { family: 'dual-use', regime: null, canonical: '3A001.a', ancestors: ['3A001'], descendantPattern: '3A001.a.%' })
  t.strictSame(codeSearchPrefixes('uk', 'PL5017'), { family: 'national', regime: 'uk', canonical: 'PL5017', ancestors: [], descendantPattern: 'PL5017.%' })
  t.strictSame(codeSearchPrefixes('us-usml', 'XI(a)'), { family: 'us-usml', regime: null, canonical: 'XI(a)', ancestors: ['XI'], descendantPattern: 'XI(a)(%' })
  t.equal(codeSearchPrefixes('uk', 'End Use'), null)

  // the pattern must select exactly the codes that relateCodes calls `within`
  const like = (pattern: string, value: string) => value.startsWith(pattern.slice(0, -1))
  const stored: Array<[string, string]> = [['uk', 'ML1'], ['uk', 'ML1.a'], ['uk', 'ML10'], ['uk', 'ML10.a'], ['uk', 'ML11'], ['us-usml', 'XI'], ['us-usml', 'XI(a)(3)'], ['us-usml', 'XII(a)'], ['eu', '3A001.a.1'], ['eu', '3A001.a.10']]
  for (const [regime, code] of [['uk', 'ML1'], ['us-usml', 'XI'], ['eu', '3A001.a.1'], ['eu', '3A001.a']]) {
    const keys = codeSearchPrefixes(regime as string, code as string)
    for (const [r, c] of stored) {
      const n = normaliseCode(r, c)
      const selected = n !== null && keys !== null && n.family === keys.family && (n.canonical === keys.canonical || like(keys.descendantPattern, n.canonical))
      t.equal(selected, ['same', 'within'].includes(rel([r, c], [regime as string, code as string]).relation), `${code} selects ${c}: ${selected}`)
    }
  }
  t.equal(escapeLike('a_b%c\\d'), 'a\\_b\\%c\\\\d')
})
