import t from 'tap'
import { HardNegatives, nameWords, namesAlike } from '../../bench/lib/hard-negatives.js'
import type { ListEntry } from '../../bench/lib/list-entries.js'
import { coreSpan, perturb, seeded, stripDiacritics, toArabic, toCyrillic, VARIANT_KINDS, type VariantKind } from '../../bench/lib/perturb.js'

// Names from /work/shared/data: BIS = us-restricted-lists-2026/bis_entity_list.json, OFAC =
// ofac-sdn-2021/sdn.csv, DPL = us-restricted-lists-2026/bis_dpl.json.
const variant = (name: string, kind: VariantKind, context = { country: null as string | null, type: null as 'individual' | 'entity' | null }) =>
  perturb(name, kind, seeded(1, name, kind), context)

t.test('perturb is deterministic: the same seed, the same variant', async (t) => {
  for (const kind of VARIANT_KINDS) {
    const name = 'Open Joint Stock Company "Radiofizika"' // BIS
    const context = { country: 'RU', type: null }
    t.equal(perturb(name, kind, seeded(7, name, kind), context), perturb(name, kind, seeded(7, name, kind), context), kind)
  }
})

t.test('typos change one letter of the name proper, never its first letter nor its legal form', async (t) => {
  const name = 'Beijing Naura Microelectronics Equipment Co., Ltd.' // BIS
  const distance = (a: string, b: string) => {
    const d = Array.from({ length: a.length + 1 }, (_, i) => [i, ...Array<number>(b.length).fill(0)])
    for (let j = 1; j <= b.length; j++) (d[0] as number[])[j] = j
    for (let i = 1; i <= a.length; i++) {
      for (let j = 1; j <= b.length; j++) {
        const row = d[i] as number[]
        const prev = d[i - 1] as number[]
        row[j] = Math.min((prev[j] as number) + 1, (row[j - 1] as number) + 1, (prev[j - 1] as number) + (a[i - 1] === b[j - 1] ? 0 : 1))
      }
    }
    return (d[a.length] as number[])[b.length] as number
  }
  for (const kind of ['typo-insert', 'typo-delete', 'typo-substitute'] as const) {
    for (let seed = 0; seed < 20; seed++) {
      const out = perturb(name, kind, seeded(seed, kind)) ?? ''
      t.equal(distance(name, out), 1, `${kind} ${out}`)
      t.ok(out.endsWith(' Co., Ltd.') && out[0] === 'B', `${kind} keeps the legal form and first letter: ${out}`)
    }
  }
  const swapped = perturb(name, 'typo-transpose', seeded(3, 'typo-transpose')) ?? ''
  t.equal([...swapped].sort().join(''), [...name].sort().join(''), 'a transposition keeps the letters')
  t.equal(variant('KIM, Jong Un', 'typo-insert')?.length, 'KIM, Jong Un'.length + 1)
})

t.test('legal forms: swapped for an equivalent, mistyped, left out', async (t) => {
  t.match(variant('Huawei Technologies Co., Ltd.', 'legal-form-swap'), /^Huawei Technologies Co(?:mpany|\.) Limited$/) // BIS
  t.equal(variant('ANGLO-CARIBBEAN CO., LTD.', 'legal-form-dropped'), 'ANGLO-CARIBBEAN') // OFAC 173
  t.equal(variant('Joint Stock Company 121 Aviation Repair Plant', 'legal-form-dropped'), '121 Aviation Repair Plant') // BIS
  t.equal(variant('OOO Kvant', 'legal-form-dropped'), 'Kvant')
  const typo = variant('Centre Bright Electronics Company Limited', 'legal-form-typo') ?? '' // BIS
  t.match(typo, /^Centre Bright Electronics /, 'the name proper is left alone')
  t.not(typo.slice(26), 'Company Limited', `the legal form is mistyped: ${typo}`)
  // the Russian forms only for a party of a country that writes them
  for (let seed = 0; seed < 10; seed++) t.notMatch(perturb('SIRJANCO TRADING LLC', 'legal-form-swap', seeded(seed), { country: 'AE', type: 'entity' }) ?? '', /OOO/) // DPL
  t.equal(variant('Systema VP', 'legal-form-swap'), undefined, 'no legal form, no swap') // BIS
})

t.test('words joined, split and reordered; acronyms added and removed', async (t) => {
  t.equal(variant('AL-QAIDA', 'words-joined'), 'ALQAIDA')
  t.equal(variant('Mohammed Abdul Rahman', 'words-joined', { country: null, type: 'individual' })?.split(' ').length, 2)
  t.equal(variant('State Research Institute of Aviation Systems', 'words-joined')?.includes('ofaviation'), false, 'function words are not joined on')
  const split = variant('Beijing Naura Microelectronics Equipment Co., Ltd.', 'word-split') ?? ''
  t.equal(split.replace(/ /g, ''), 'BeijingNauraMicroelectronicsEquipmentCo.,Ltd.')
  t.equal(variant('AL-ZAWAHIRI, Ayman', 'word-order', { country: 'EG', type: 'individual' }), 'Ayman AL-ZAWAHIRI') // OFAC
  t.equal(variant('COOPERATIVA AVESTRUZ CUEMIR, S.C. DE R.L. DE C.V.', 'word-order', { country: 'MX', type: 'entity' }),
    'AVESTRUZ CUEMIR COOPERATIVA, S.C. DE R.L. DE C.V.', 'an entity\'s words turn, its legal form stays at the end') // OFAC
  t.equal(variant('China Aerospace Science and Technology Corporation (CASC) 1st Academy 12 Research Institute', 'acronym-removed'),
    'China Aerospace Science and Technology Corporation 1st Academy 12 Research Institute') // BIS
  t.equal(variant('Mac Aviation Group MAG', 'acronym-removed'), 'Mac Aviation Group')
  t.equal(variant('Systema VP', 'acronym-removed'), undefined, '"VP" is not its initials') // BIS
  t.equal(variant('State Research Institute of Aviation Systems', 'acronym-bracketed'), 'State Research Institute of Aviation Systems (SRIAS)')
  t.equal(variant('Vizneh Trading Company', 'acronym-appended'), 'Vizneh Trading Company VTC') // BIS
  t.equal(variant('FUTURE BANK B.S.C.', 'acronym-bracketed'), undefined, 'two words, and the legal form is not in the acronym') // OFAC
  t.equal(variant('KIM, Jong Un', 'acronym-bracketed', { country: 'KP', type: 'individual' }), undefined, 'people have no acronyms')
  t.equal(variant('LA HACIENDA (USA), LLC', 'acronym-removed'), undefined, '"(USA)" qualifies the name') // OFAC
})

t.test('scripts: Cyrillic and Arabic as agencies writing them would, only for names that are transliterations', async (t) => {
  t.equal(toCyrillic('Open Joint Stock Company "Radiofizika"'), 'ОАО «Радиофизика»') // BIS
  t.equal(toCyrillic('ROTENBERG, Arkady Romanovich'), 'РОТЕНБЕРГ, Аркадий Романович') // OFAC
  t.equal(toCyrillic('Sergey Nikolayevich Yevtushenko'), 'Сергей Николаевич Евтушенко')
  t.equal(toArabic('Mohammed Abdul Rahman Al-Hashimi'), 'محمد عبد الرحمن الحشيمي')
  t.equal(toArabic('SIRJANCO TRADING LLC'), 'سيرجنكو تردينغ ذ.م.م') // DPL
  t.equal(toArabic('GHARE SABZ CO.', true), 'شرکت غر سبز', 'Persian letters and forms for Iran') // DPL
  const ru = { country: 'RU', type: null }
  t.equal(variant('State Research Institute of Aviation Systems', 'to-cyrillic', ru), undefined, 'an English description is translated, not transliterated')
  t.equal(variant('ROTENBERG, Arkady Romanovich', 'to-cyrillic', { country: 'CN', type: 'individual' }), undefined, 'only for a country writing Cyrillic')
  t.equal(variant('ROTENBERG, Arkady Romanovich', 'from-cyrillic', { country: 'RU', type: 'individual' }), 'РОТЕНБЕРГ, Аркадий Романович')
})

t.test('diacritics, case and punctuation', async (t) => {
  t.equal(variant('Bion Group Iç ve Dış Ticaret Limited Şirketi', 'diacritics-removed'), 'Bion Group Ic ve Dis Ticaret Limited Sirketi') // BIS
  t.equal(stripDiacritics('Huawei'), undefined)
  const marked = variant('Huawei Technologies Co., Ltd.', 'diacritics-added') ?? ''
  t.equal(stripDiacritics(marked), 'Huawei Technologies Co., Ltd.')
  t.equal(variant('ANGLO-CARIBBEAN CO., LTD.', 'case'), 'Anglo-Caribbean Co., Ltd.')
  const punctuated = variant('Huawei Technologies Co., Ltd.', 'punctuation') ?? ''
  t.equal(punctuated.replace(/[^\p{L}]/gu, ''), 'HuaweiTechnologiesCoLtd', `only punctuation changes: ${punctuated}`)
})

t.test('coreSpan sets legal forms at either end aside', async (t) => {
  const core = (name: string) => { const s = coreSpan(name); return name.slice(s.start, s.end) }
  t.equal(core('Huawei Technologies Co., Ltd.'), 'Huawei Technologies')
  t.equal(core('Open Joint Stock Company "Radiofizika"'), '"Radiofizika"')
  t.equal(core('Bion Group Iç ve Dış Ticaret Limited Şirketi'), 'Bion Group Iç ve Dış Ticaret')
  t.equal(core('Company Limited'), 'Company Limited', 'a name of legal forms only keeps them')
})

t.test('hard negatives: numbered and place siblings, names sharing the first word, never the same party', async (t) => {
  const entry = (id: number, name: string, country = 'CN', aliases: string[] = []): ListEntry =>
    ({ key: `BIS:${id}`, list: 'BIS', id: String(id), type: null, name, aliases, country })
  const entries = [
    entry(1, 'China State Shipbuilding Corporation, Limited (CSSC) 711th Research Institute'),
    entry(2, 'China State Shipbuilding Corporation, Limited (CSSC) 715th Research Institute'),
    entry(3, 'Beijing Naura Microelectronics Equipment Co., Ltd.'),
    entry(4, 'Shanghai Naura Microelectronics Equipment Co., Ltd.'),
    entry(5, 'Beijing Institute of Technology'),
    entry(6, 'Beijing Naura Microelectronics Equipment Co., Ltd.', 'HK'), // the same party under another country
    entry(7, 'Huawei Technologies Bahrain', 'BH'),
    entry(8, 'Huawei Technologies Lebanon', 'LB')
  ]
  const negatives = new HardNegatives(entries)
  const of = (e: ListEntry) => negatives.negativesOf(e).map((n) => [n.negativeClass, n.entry.id])
  t.same(of(entries[0] as ListEntry), [['numbered', '2']])
  t.same(of(entries[2] as ListEntry), [['place', '4'], ['first-word', '5']], 'Shanghai\'s sibling, and Beijing\'s other party; not the same party in HK')
  t.same(of(entries[6] as ListEntry), [['place', '8']])
  t.same(nameWords('KIM, Jong Un'), ['kim', 'jong', 'un'])
  // State's nonproliferation list: one party, spelt two ways; a Korean namesake is another
  t.ok(namesAlike('Shahid Bakeri Industries Group (SBIG)', 'Shahid Bakeri Industrial Group'))
  t.ok(namesAlike('Aerospace Industries Organization', 'Aerospace Industries Organziation'))
  t.ok(namesAlike('Tactical Missile Corporation', 'Tactical Missiles Corporation JSC')) // BIS
  t.notOk(namesAlike('JO, Kyong Chol', 'JO, Yong Chol')) // OFAC
  t.notOk(namesAlike('ROSNEFT TRADE LIMITED', 'ROSNEFT TRADING S.A.')) // OFAC consolidated
})
