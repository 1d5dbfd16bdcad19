import t from 'tap'
import {
  consonantKey, findLegalForms, jaroWinkler, keyKindsSearched, nameProbeKeys, nameSearchKeys, unmarkedKey, normaliseName, phoneticKey, prepareNameForms, toLatinWords,
  tokenSetSimilarity, wordSimilarity
} from '../../src/matching/index.js'

// Names from /work/shared/data: OFAC = ofac-sdn-2021/sdn.csv and alt.csv, UN =
// un-consolidated-2026/un_names.csv, BIS = us-restricted-lists-2026/bis_entity_list.json.
// The Romashka lines are the STYLE.md example, not listed parties.
t.test('normaliseName: Latin, lowercase, no punctuation or legal forms, words in order', async (t) => {
  const names: Array<[string, string]> = [
    ['OOO "Romashka"', 'romashka'],
    ['ООО «Ромашка»', 'romashka'],
    ['Romashka, LLC', 'romashka'],
    ['Общество с ограниченной ответственностью "Ромашка"', 'romashka'],
    ['CIMEX, S.A.', 'cimex'], // OFAC 537
    ['ANGLO-CARIBBEAN CO., LTD.', 'anglo caribbean'], // OFAC 173
    ['HAVANA INTERNATIONAL BANK, LTD', 'havana international bank'], // OFAC alt 906
    ['ROSOBORONEKSPORT OAO', 'rosoboroneksport'], // OFAC 18782
    ['LAKOKRASKA OPEN JOINT-STOCK COMPANY', 'lakokraska'], // OFAC
    ['Joint Stock Company Concern Avtomatika', 'concern avtomatika'], // BIS
    ['Tro.Ya, LLC', 'troya'], // BIS
    ['Shenzhen Ditai Technology Со., Ltd.', 'shenzhen ditai technology'], // BIS: "Со" is Cyrillic
    ['Эмират Кавказ', 'emirat kavkaz'], // UN 2971893
    ['JÉRÔME KAKWAVU BUKANDE', 'jerome kakwavu bukande'], // UN 6907997
    ['Company Limited', 'company limited'] // legal forms only: nothing else to keep
  ]
  for (const [raw, expected] of names) t.equal(normaliseName(raw), expected, raw)
})

t.test('toLatinWords transliterates every script and marks abjad words', async (t) => {
  // UN 6908048, original script of SADDAM HUSSEIN AL-TIKRITI: the article "ال" is dropped
  t.strictSame(toLatinWords('صدام حسين التكريتي').map((w) => [w.text, w.abjad]), [['sdm', true], ['hsyn', true], ['tkryty', true]])
  t.strictSame(toLatinWords('Умаров Доку Хаматович').map((w) => w.text), ['umarov', 'doku', 'khamatovich']) // UN 2960872
  t.strictSame(toLatinWords('华为技术').map((w) => w.text), ['hua', 'wei', 'ji', 'shu'], 'one word per Han syllable')
  t.strictSame(toLatinWords('Ελληνικά').map((w) => w.text), ['ellinika'])
})

t.test('phoneticKey folds romanisation variants; consonantKey meets abjad spellings', async (t) => {
  const same: Array<[string, string]> = [
    ['gaziev', 'gaziyev'],
    ['hussein', 'husayn'],
    ['tsoy', 'tzoi'],
    ['dzhikhad', 'jihad'],
    ['ivanoff', 'ivanov'],
    ['abdurrahman', 'abdalrahman'],
    ['sirajuddin', 'sirajaldin']
  ]
  for (const [a, b] of same) t.equal(phoneticKey(a), phoneticKey(b), `${a} ~ ${b}`)
  t.not(phoneticKey('zhang'), phoneticKey('yang'), 'zh is not folded into y')
  t.not(phoneticKey('jong'), phoneticKey('yong'), 'nor j: Korean Jong and Yong are different names')
  t.ok(wordSimilarity(phoneticKey('yakovlev'), phoneticKey('jakovlev')) > 0.85, 'the German j for y costs little')
  t.equal(consonantKey('tikriti'), consonantKey('tkryty'))
  t.equal(consonantKey('javad'), consonantKey('jwd'))
  t.equal(consonantKey('thaqib'), 'Tqb', 'digraphs are one symbol')
})

t.test('findLegalForms: longest form wins; short forms only at the ends', async (t) => {
  const words = (name: string): string[] => toLatinWords(name).map((w) => phoneticKey(w.text))
  const llc = findLegalForms(words('Limited Liability Company Gazprom Bureniye'))
  t.strictSame(llc.hits.map((h) => h.family), ['limited-liability'])
  t.strictSame(llc.hitOf, [0, 0, 0, -1, -1])
  t.strictSame(findLegalForms(words('Ak Bars Holding')).hits, [], '"ak" in the middle of nowhere is no legal form') // BIS
  t.strictSame(findLegalForms(words('VABO 2005 EOOD')).hits, [], 'unknown forms stay words') // OFAC
  t.strictSame(findLegalForms(words('ATLAS HOLDING SAL')).hits.map((h) => h.words), ['sal']) // OFAC
})

t.test('prepareNameForms reads names in parentheses and lists separated by ";"', async (t) => {
  // BIS (Afghanistan); UN 6908547; UN 6908060 alias list
  t.strictSame(prepareNameForms('Emal Bilal Construction Company (EBCC)').map((f) => [f.words.map((w) => w.text).join(' '), f.parenthetical]),
    [['emal bilal construction', false], ['ebcc', true]])
  t.strictSame(prepareNameForms('Amir Khazmat (original script: Амир Хазмат)').map((f) => f.words.map((w) => w.text).join(' ')),
    ['amir khazmat', 'amir khazmat'])
  t.equal(prepareNameForms('Husain Salimi; Hosain Salimi; Hussain Salimi').length, 3)
})

t.test('nameSearchKeys: what to store and query for trigram retrieval', async (t) => {
  t.strictSame(nameSearchKeys('Gazprom Bank'), ['gazprom bank', 'gazprombank', '~gzprm bnk'])
  t.ok(nameSearchKeys('GAZPROMBANK').includes('gazprombank'), 'joined and split names share a key')
  t.strictSame(nameSearchKeys('OOO Kaspersky Group'), nameSearchKeys('Kaspersky Group Limited Liability Company')) // BIS
  t.ok(nameSearchKeys('صدام حسين التكريتي').includes('_sdm hsn tkrt'), 'abjad names add their consonants, marked as an abjad skeleton')
  t.ok(nameSearchKeys('نور محمد ثاقب').includes('_nr mhmd tqb'), 'in plain letters') // UN 111210
  // a Latin name's consonants, doubled letters once: the key its Arabic spelling shares (issue 12), marked as a Latin skeleton
  t.ok(nameSearchKeys('Saddam Hussein Al-Tikriti').includes('~sdm hsn tkrt'), 'Latin names add their consonants too')
  t.ok(nameSearchKeys('Mohammed Abdul Rahman Al-Hashimi').includes('~mhmd bd rhmn hsm'))
  t.ok(nameSearchKeys('محمد عبد الرحمن الحشيمي').includes('_mhmd bd rhmn hsm'))
  t.equal(unmarkedKey('~mhmd bd rhmn hsm'), unmarkedKey('_mhmd bd rhmn hsm'), 'exact keys compare skeletons without their mark')
  t.ok(nameSearchKeys('Samina Pvt. Ltd.').includes('~smn') && nameSearchKeys('سمينا المحدودة').includes('_smn'), '"المحدودة" is a legal form, as "Ltd." is') // BIS
  t.notOk(nameSearchKeys('Air Co').some((k) => /^[a-z]{1,2}$/.test(unmarkedKey(k).replace(/ /g, ''))), 'fewer than three consonants say too little to search by')
  t.strictSame(nameSearchKeys('Company Limited'), [], 'legal forms alone are not searchable')
})

t.test('nameProbeKeys: what a name is looked for by, and among which stored keys', async (t) => {
  // the phonetic form and the marked skeleton; a short name's normalised and joined forms too
  t.strictSame(nameProbeKeys('Gazprom Bank'), ['gazprom bank', 'gazprombank', '~gzprm bnk'], '"gazprombank" is near "Gasprombank", "gazprom bank" is not')
  t.strictSame(nameProbeKeys('Joint Stock Company Class'), ['class', 'clas', '~sls'], 'a short name keeps its normalised form: "class" is near "klass", "clas" not near "klas"')
  t.strictSame(nameProbeKeys('China Electronics Technology Group Corporation'), ['china electronics technologi grup', '~cn lstrns tcnlg grp'], 'a long one its phonetic form and skeleton only')
  t.ok(nameProbeKeys('Gazprom Bank').every((k) => nameSearchKeys('Gazprom Bank').includes(k)), 'each probe key is a stored key of the same name')
  t.strictSame(keyKindsSearched('gazprom bank'), ['n'], 'unmarked keys among unmarked keys')
  t.strictSame(keyKindsSearched('~gzprm bnk'), ['a'], "a Latin name's skeleton among abjad names' skeletons only")
  t.strictSame(keyKindsSearched('_mhmd bd rhmn hsm'), ['a', 'l'], "an abjad name's skeleton among both")
})

t.test('jaroWinkler and tokenSetSimilarity', async (t) => {
  const cases: Array<[string, string, number]> = [['MARTHA', 'MARHTA', 0.961], ['DWAYNE', 'DUANE', 0.84], ['DIXON', 'DICKSONX', 0.813]]
  for (const [a, b, expected] of cases) t.equal(Math.round(jaroWinkler(a, b) * 1000) / 1000, expected, `${a} ${b}`)
  t.equal(jaroWinkler('', 'abc'), 0)
  t.equal(jaroWinkler('abc', 'abc'), 1)
  t.equal(tokenSetSimilarity(['gazprom', 'bank'], ['gazprombank']), 1)
  t.equal(tokenSetSimilarity(['navarro', 'omeara'], ['omeara', 'navarro']), 1)
  t.ok(tokenSetSimilarity(['bank', 'melli'], ['bank', 'mellat']) < 0.85)
})
