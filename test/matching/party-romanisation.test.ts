import t from 'tap'
import { DEFAULT_PARTY_THRESHOLD, phoneticKey, scoreParty, wordSimilarity } from '../../src/matching/index.js'
import { romanisationDistance } from '../../src/matching/text-similarity.js'
import { stemKey } from '../../src/matching/transliterate.js'

// Real names copied from /work/shared/data (the tests never read it): OFAC =
// ofac-sdn-2021/sdn.csv and alt.csv, by ent_num; UN = un-consolidated-2026/un_names.csv, by
// dataid; BIS = us-restricted-lists-2026/bis_entity_list.json, by position in `entities`.
// Each line: source, class of variant, one name, another name of the same party.
const variants: Array<[string, string, string, string]> = [
  // Belarusian, Ukrainian and Russian forms of one name
  ['OFAC 9760', 'Belarusian -a, Russian -o; h/g; ia/e', 'LUKASHENKO, Alexander Grigoriyevich', 'LUKASHENKA, Alyaksandr Hryhoryavich'],
  ['OFAC 9760', 'Belarusian and Russian', 'LUKASHENKO, Aleksandr Ryhoravich', 'LUKASHENKA, Alyaksandr Hryhoryavich'],
  ['OFAC 9768', 'Belarusian dz for d', 'PAULICHENKA, Dmitri Valeryevich', 'PAULICHENKA, Dzmitry Valeryevich'],
  ['OFAC 9762', 'Belarusian u for v, a for o', 'ZIMOVSKY, Aleksandr Leonidovich', 'ZIMOUSKY, Aliaksandr Leanidavich'],
  ['OFAC 9771', 'Belarusian ia for e, u- for v-', 'PIATKEVICH, Natalya Vladimirovna', 'PIATKEVICH, Natallia Uladzimirauna'],
  ['OFAC 23275', 'Ukrainian h for Russian g', 'KUSYUK, Serhiy', 'KUSIUK, Sergey'],
  ['OFAC 30545', 'Belarusian h for Russian g', 'KAZAKEVICH, Genadz Arkadzievich', 'KAZAKEVICH, Henadz Arkadzievich'],
  ['OFAC 17241', 'Ukrainian Mykola, Russian Nikolai', 'KOZITSYN, Mykola', 'KOZITSYN, Nikolai'],
  // Korean: McCune-Reischauer against revised romanisation
  ['OFAC 22992', "ch'/j", "KIM, Cho'ng-man", 'KIM, Jong Man'],
  ['OFAC 24607', "ch'/j, o'/o", "RI, Cho'ng-Wo'n", 'RI, Jong Won'],
  ['OFAC 20575', 'ch/j', 'JANG, Chang Ha', 'CHANG, Chang-ha'],
  ['OFAC 23516', 'b/p, g/k', 'BAK, Gwang Hun', 'PAK, Kwang Hun'],
  ['OFAC 21304', "ph/p'", 'KANG, Phil Hun', "KANG, P'il-Hun"],
  // Persian and Arabic in Latin letters
  ['OFAC 16418', 'Persian gh/q', 'GHODS AVIATION INDUSTRIES', 'QODS AVIATION INDUSTRIES'],
  ['OFAC 13107', 'Persian q/gh', "QA'ANI, Esma'il", 'GHANI, Esmail'],
  ['OFAC 12057', 'gh/q, a name written together', 'NAGHDI, Mohammedreza', 'NAQDI, Mohammad Reza'],
  ['OFAC 16534', 'q/gh in a joined run', 'MAHMUDI, Qolam Reza', 'MAHMOUDI, Gholamreza'],
  ['OFAC 12606', 'the article written onto the word', 'ELKADDAFI, Muammar', 'QADHAFI, Muammar'],
  ['UN 3014161', 'the article assimilated (ed-Din)', 'Ansar Dine', 'ANSAR EDDINE'],
  ['OFAC 10011', 'z/th for ذ', 'AL-BAZALI, Mubarak Mishkhas Sanad', 'AL-BATHALI, Mubarak Mushakhas Sanad'],
  ['OFAC 20965', 'd/z for ض', 'AL-DAFEER, Ali', 'AL-ZAFIR, Ali'],
  ['OFAC 4696', 'ee/i (not -al-Din)', 'HARAKAT UL-MUJAHIDIN', 'HARAKAT UL-MUJAHIDEEN'],
  ['OFAC 9451', 'Abdyl/Abdul', 'SALEH, Abdyl Latif', 'SALEH, Dr. Abdul Latif'],
  ['OFAC 7140', 'the ezafe -i-/-e', 'LASHKAR-I-TAIBA', 'LASHKAR E-TAYYIBA'],
  ['OFAC 6366', 'ae/a\'i; "al" does not count against', 'AL QAEDA', "AL QA'IDA"],
  // Indonesian (Dutch) ch for kh
  ['OFAC 13095', 'Dutch ch', 'ACHWAN, Muhammad', 'ACHWAN, Mochammad'],
  ['UN 2971675', 'Dutch ch', 'Abdul Rachim Bashir', "ABDUL RAHIM BA'AYSIR"],
  ['OFAC 18621', 'Muh. for Muhammad', 'IBRAHIM, Muh Sholeh', 'IBRAHIM, Muhammad Sholeh'],
  // Chinese: pinyin against Wade-Giles
  ['OFAC 6714', 'x/hs, syllables written together', 'WEI, Xuekang', 'WEI, Hsueh Kang'],
  // company words: abbreviations, plurals and endings, web addresses
  ['OFAC 17226', 'an abbreviation', 'CASPIAN AIR', 'CASPIAN AIRLINES'],
  ['BIS 1230', 'an abbreviation', 'Zhangjiang Lab', 'Zhangjiang Laboratory'],
  ['OFAC 21039', 'a plural', 'THE RAILWAYS OF CRIMEA', 'CRIMEAN RAILWAY'],
  ['OFAC 8244', 'a web address', 'WWW.AEROCONTINENTE.COM.PE', 'AERO CONTINENTE S.A']
]

t.test('romanisation variants of one name match, both ways', async (t) => {
  for (const [source, what, a, b] of variants) {
    const match = scoreParty({ name: a }, { name: b })
    t.ok(match.score >= DEFAULT_PARTY_THRESHOLD, `${source} (${what}): "${a}" ~ "${b}" scored ${match.score}: ${match.explanation}`)
    t.ok(scoreParty({ name: b }, { name: a }).score >= DEFAULT_PARTY_THRESHOLD, `${source}: and the other way round`)
  }
})

// Different parties (real names, different entries of the lists) whose names differ in one
// word, or in a word that the variants above must not reach.
const different: Array<[string, string, string, string]> = [
  ['OFAC 10743 / 12129', 'a different given name', 'HAQQANI, Sirajuddin', 'HAQQANI, Nasiruddin'],
  ['OFAC 12992 / 17928', 'a different given name', 'SALEH, Ali Mohamed', 'SALEH, Ahmed Ali'],
  ['OFAC 15667 / 26168', 'Korean: a different syllable', 'PAK, Chang-Ho', 'PAK, Kwang Ho'],
  ['UN 6908511 / 6908558', 'Korean: a different syllable', 'Kim Yong-Chol', 'KIM SONG CHOL'],
  ['UN 690734 / 6908581', 'German ch stands for kh inside a word only', 'Yun Ho-chin', 'CHO YON CHUN'],
  ['OFAC 9340 / 21042', '"Jian" does not abbreviate "Jiangping"', 'ZHANG, Jiangping', 'ZHANG, Jian'],
  ['OFAC 7880 / 8186', 'a son: one more given name', 'AL-TIKRITI, Barzan Ibrahim Hasan', 'AL-TIKRITI, Ali Barzan Ibrahim Hasan'],
  ['BIS 475 / 192', 'another institute', 'Institute of Microelectronics of the Chinese Academy of Sciences', 'The Institute of Electronics, Chinese Academy of Sciences']
]

t.test('the variants do not reach different names', async (t) => {
  for (const [source, what, a, b] of different) {
    const match = scoreParty({ name: a }, { name: b })
    t.ok(match.score < DEFAULT_PARTY_THRESHOLD, `${source} (${what}): "${a}" vs "${b}" scored ${match.score}: ${match.explanation}`)
  }
})

t.test('romanisationDistance: what each variant costs', async (t) => {
  const cases: Array<[string, string, number, string]> = [
    ['mohamad', 'mochamad', 0.25, 'German ch for kh inside a word'],
    ['chong', 'jong', 0.3, "Korean ch'/j"],
    ['dmitri', 'dzmitri', 0.25, 'Belarusian dz'],
    ['petkevich', 'piatkevich', 0.25, 'Belarusian ia for e'],
    ['sergei', 'serhii', 0.65, 'g/h and e/i'],
    ['kods', 'gods', 0.35, 'q (k) for gh (g)'],
    ['ksu', 'hsu', 0.2, 'Wade-Giles hs for pinyin x'],
    ['kahva', 'khava', 0.6, 'two letters swapped']
  ]
  for (const [a, b, cost, what] of cases) t.equal(Math.round(romanisationDistance(a, b) * 100) / 100, cost, `${what}: ${a} ~ ${b}`)
  t.equal(romanisationDistance('ho', 'cho'), 1, 'a word-initial ch is no kh')
  t.ok(romanisationDistance('abcdefgh', 'zyxwvuts', 2) > 2, 'stops once a row exceeds the limit')
})

t.test('phonetic keys, stems and word similarity', async (t) => {
  t.equal(phoneticKey('mujahidin'), phoneticKey('mujahideen'), '-idin is not -al-Din')
  t.equal(phoneticKey('sirajuddin'), phoneticKey('sirajaldin'), '-uddin is -al-Din')
  t.equal(phoneticKey('aleksej'), phoneticKey('aleksey'), 'a j after a vowel is a y')
  t.equal(stemKey(phoneticKey('kasperskogo')), stemKey(phoneticKey('kaspersky')), 'Russian genitive')
  t.equal(stemKey(phoneticKey('railways')), stemKey(phoneticKey('railway')), 'English plural')
  t.equal(stemKey(phoneticKey('lukashenka')), stemKey(phoneticKey('lukashenko')), 'Belarusian -a, Russian -o')
  t.ok(wordSimilarity(phoneticKey('qods'), phoneticKey('ghods')) > 0.75, 'a romanisation variant of the first letter')
  t.ok(wordSimilarity(phoneticKey('isis'), phoneticKey('isil')) < 0.6, 'a different letter')
})
