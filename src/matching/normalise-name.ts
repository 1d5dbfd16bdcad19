import { spelledRuns, spellsWhole, type SpelledWord } from './acronyms.js'
import { findLegalForms, isLegalWord, isOneWordForm, legalWordTypo, splitJoinedForm } from './legal-forms.js'
import { digitsOf, numberOf, numbersOf } from './name-numbers.js'
import { plainSkeleton } from './skeleton.js'
import { wordSimilarity } from './text-similarity.js'
import type { NameWord, PreparedName } from './party-types.js'
import { bareKey, consonantKey, letterSet, phoneticKey, stemKey, toLatinWords, vowelKey, type LatinWord } from './transliterate.js'

// Words that join names rather than name anything: articles, conjunctions, prepositions in
// the languages of the lists, the Arabic article written apart ("al-Rawi", "Zia-ur-Rahman",
// "Shahab-ud-Din") and the Persian and Urdu ezafe ("Tehrik-e Taliban"). `LINKS` are stop words
// only between two words: the ezafe "i" ("Lashkar-i-Taiba"), the Russian "i" (and), the Burmese
// title "U" ("Shein, U Win"); elsewhere they are initials ("I&S Holding", "Han Kon U").
const STOP_WORDS = new Set(('the and of for in on at to by a an de del della di da do dos das du des la le les el al ul ud ur ' +
  'ad ar as at az ash ed y e et und der den die van von zu ve wa').split(' '))
const LINKS = new Set(['i', 'u'])

// Titles and ranks in front of personal names ("Colonel Innocent KAINA").
const TITLES = new Set(('mr mrs ms miss dr doctor prof professor sir sheikh shaykh shaikh sheik haj haji hajji alhaji mullah mulla maulavi ' +
  'mawlawi maulvi maulana qari imam engineer eng colonel col commandant major maj captain capt lieutenant lt ' +
  'brigadier brig admiral commander cdr sergeant sgt chief').split(' '))

// Words common in company names that say little about which company: they count half as much
// as a distinctive word, so "Shenzhen Ditai Technology" and "Shenzhen Datang Technology"
// differ by what differs.
const GENERIC_WORDS = new Set(('bank trading trade traders international intl group industrial industries industry technology ' +
  'technologies tech engineering electronics electronic electric import export imports exports impex general holding holdings ' +
  'services service enterprise enterprises institute research science sciences scientific university center centre ' +
  'development investment investments commercial national state production manufacturing manufacture systems system ' +
  'solutions logistics shipping marine maritime petroleum oil gas energy power equipment machinery materials material ' +
  'chemical chemicals products product global world worldwide organization organisation association foundation agency ' +
  'office branch department ministry factory plant works concern firm partners associates brothers bros sons supply ' +
  'supplies network communications communication information instruments automation aviation aerospace defense defence ' +
  'military nuclear medical pharmaceutical construction building import-export consulting consultants management ' +
  'resources mining metals steel transport transportation airlines airline air navigation software computer digital ' +
  'precision optical optics laboratory lab academy school college hospital foreign united new first ' +
  'china chinese russia russian iran iranian korea korean syria syrian iraq iraqi pakistan india hong kong beijing ' +
  'shanghai shenzhen guangzhou tianjin wuhan chengdu hangzhou nanjing xian moscow petersburg tehran dubai uae emirates ' +
  'america american europe european asia asian middle east far limited').split(' ').map(phoneticKey))

// Places that name companies (provinces and cities of China, Russia, Iran and the Gulf that
// recur in the lists' names), beside every country's one-word English name: two different ones
// make two different parties ("Changzhou" and "Chengdu NetForward Microelectronics"; see
// `nameWordSimilarity`). Their weight stays what it is: a place left out of one name is a
// branch as often as not ("ISIL" and "ISIL - Yemen").
const PLACE_WORDS = ('beijing shanghai shenzhen guangzhou tianjin chongqing wuhan chengdu hangzhou nanjing xian suzhou hefei changsha ' +
  'harbin dalian qingdao xiamen zhuhai dongguan foshan ningbo shenyang jinan zhengzhou kunming wuxi changzhou nanchang fuzhou ' +
  'taiyuan shijiazhuang guiyang nanning lanzhou urumqi mianyang luoyang baotou yantai weihai zibo jiangsu zhejiang guangdong ' +
  'fujian shandong hebei hubei hunan henan anhui jiangxi sichuan shaanxi shanxi liaoning jilin heilongjiang yunnan guizhou ' +
  'guangxi gansu qinghai hainan xinjiang tibet ningxia kowloon macau moscow petersburg novosibirsk yekaterinburg kazan samara ' +
  'omsk chelyabinsk rostov ufa perm voronezh krasnoyarsk nizhny tula izhevsk minsk kiev kyiv kharkiv odessa tehran isfahan ' +
  'shiraz tabriz mashhad karaj dubai sharjah fujairah doha manama muscat riyadh jeddah kuwait istanbul ankara karachi ' +
  'lahore islamabad kabul damascus aleppo beirut baghdad pyongyang').split(' ')

let places: Set<string> | undefined

function placeWords (): Set<string> {
  if (places !== undefined) return places
  const display = new Intl.DisplayNames(['en'], { type: 'region' })
  const countries: string[] = []
  for (let i = 0; i < 26 * 26; i++) {
    const code = String.fromCharCode(65 + Math.floor(i / 26), 65 + (i % 26))
    const name = display.of(code)
    if (name !== undefined && name !== code && /^[A-Za-z]+$/.test(name)) countries.push(name.toLowerCase())
  }
  places = new Set([...PLACE_WORDS, ...countries].map(phoneticKey))
  return places
}

// Connectors inside Arabic and Berber personal names: "bin", "ibn", "abu", "ould".
const CONNECTORS = new Set('bin ibn bint abu abou abo ben ould ag'.split(' ').map(phoneticKey))

// The same in Arabic script: stop words ("في" in, "و" and, "من" from, "عن" about, "ال" written
// apart, Pashto "د" of and "او" and), titles ("حاجي" haji, "ملا" mulla, "قاري" qari, "شيخ" sheikh,
// "مولوي" mawlawi, "مولانا" maulana) and connectors ("بن" bin, "بنت" bint, "ابو" abu, "ولد" ould,
// Tuareg "اغ" ag). Latin lists never apply to Arabic-script words: "عمر" (Omar) is "mr", not
// Mister.
const ABJAD_ROLES = new Map<string, NameWord['role']>([
  ...'في و من عن ال د او حاجي حاجی حجي حاج ملا قاري قاری شيخ شیخ مولوي مولوی مولانا'.split(' ').map((w) => [w, 'stop'] as const),
  ...'بن ابن بنت ابو أبو ولد اغ'.split(' ').map((w) => [w, 'connector'] as const)
])

// Abbreviations read as the word they stand for: "Md.", "Mohd.", "Muh." for Muhammad (Bangladesh,
// Malaysia, Indonesia).
const ABBREVIATIONS = new Map(['md', 'mohd', 'muhd', 'mhd', 'muh', 'moh'].map((w) => [w, 'muhammad']))

const WEIGHTS = { core: 1, generic: 0.5, patronymic: 0.5, connector: 0.5, initial: 0.4, stop: 0 } as const

// Russian, Ukrainian and Belarusian patronymics: often left out, and spelt differently in each
// language ("Grigoriyevich", "Hryhoryavich").
const PATRONYMIC = /(?:ovich|evich|avich|ovych|ievich|yevich|ovna|evna|auna|ivna|ichna)$/

const PARENTHESES = /[([{]([^)\]}]*)[)\]}]/gu
const VARIANT_LABEL = /^\s*(?:original script|a\.?k\.?a\.?|f\.?k\.?a\.?|n\.?k\.?a\.?|also known as|formerly(?: known as)?|previously|now)\s*[:.,]?\s*/iu

/**
 * Normalises a name for display and comparison: Latin letters (any script transliterated),
 * lowercase, no diacritics or punctuation, legal forms removed, single spaces, words in their
 * original order. `normaliseName('ООО «Ромашка»')` and `normaliseName('Romashka, LLC')` are
 * both "romashka". A name made of legal forms only ("Company Limited") keeps them.
 */
export function normaliseName (name: string): string {
  const prepared = prepareName(name)
  return prepared.words.length > 0 ? prepared.words.map((w) => w.text).join(' ') : prepared.legalWords.join(' ')
}

/**
 * The strings to store for a name (each name and alias of a party), for trigram candidate
 * retrieval (pg_trgm word similarity): the normalised name, its phonetic form (romanisation
 * variants folded, see `phoneticKey`), the same with no spaces ("gazprom bank" →
 * "gazprombank"), and its consonant skeleton, marked by the script it was read from
 * (`SKELETON_MARK`: a Latin name's skeleton is searched by abjad names' only, see
 * `nameProbeKeys`). pg_trgm reads letters and digits only, so the mark changes no trigram.
 */
export function nameSearchKeys (name: string): string[] {
  const keys = new Set<string>()
  for (const form of prepareNameForms(name)) {
    const words = form.words.filter((w) => w.role !== 'stop')
    if (words.length === 0) continue
    keys.add(words.map((w) => w.text).join(' '))
    keys.add(words.map((w) => w.key).join(' '))
    keys.add(words.map((w) => w.key).join(''))
    const skeleton = markedSkeletonKey(words)
    if (skeleton !== null) keys.add(skeleton)
  }
  return [...keys]
}

/**
 * The strings a name is looked for by among the stored keys (`nameSearchKeys`): per form, its
 * phonetic form, its marked skeleton, and when the name is short (`SHORT_PROBE`) its normalised
 * form and the phonetic form with no spaces too. A short name has few trigrams, and folding or a
 * space can cost it half of those it shares with a spelling the other way: "class" is within
 * "klass" by word similarity, "clas" is not within "klas"; "gazprombank" is within
 * "gasprombank" (0.6), "gazprom bank" is not (0.39). A long name keeps enough trigrams either
 * way, and each key costs an index search, the longer the dearer (1 to 14 ms at a million
 * decisions: bench/screening).
 */
export function nameProbeKeys (name: string): string[] {
  const keys = new Set<string>()
  for (const form of prepareNameForms(name)) {
    const words = form.words.filter((w) => w.role !== 'stop')
    if (words.length === 0) continue
    const text = words.map((w) => w.text).join(' ')
    const short = text.length <= SHORT_PROBE
    if (short) keys.add(text)
    keys.add(words.map((w) => w.key).join(' '))
    if (short) keys.add(words.map((w) => w.key).join(''))
    const skeleton = markedSkeletonKey(words)
    if (skeleton !== null) keys.add(skeleton)
  }
  return [...keys]
}

/** A normalised form up to this long is a probe key beside its phonetic form (`nameProbeKeys`). */
const SHORT_PROBE = 16

/**
 * How a consonant-skeleton key is marked, by the script of the name it was read from. Stored
 * keys without a mark are searched by a probe's unmarked keys; skeletons meet skeletons only,
 * across scripts: a Latin name's skeleton is looked for among abjad names' (its own Latin
 * neighbours are found by its other keys, and a short skeleton is near thousands of Latin
 * names: "stk"), an abjad name's among both. The one definition: `party_name_keys.kind`
 * (migration 202612051000) reads the same marks.
 */
export const SKELETON_MARK = { latin: '~', abjad: '_' } as const

/** The kinds of stored keys (`party_name_keys.kind`: `n` unmarked, `l` Latin skeleton, `a` abjad skeleton) a probe key is searched among. */
export function keyKindsSearched (probeKey: string): ReadonlyArray<'n' | 'l' | 'a'> {
  if (probeKey.startsWith(SKELETON_MARK.latin)) return ['a']
  if (probeKey.startsWith(SKELETON_MARK.abjad)) return ['a', 'l']
  return ['n']
}

/** The key without its skeleton mark: what exact keys compare. */
export function unmarkedKey (key: string): string {
  return key.startsWith(SKELETON_MARK.latin) || key.startsWith(SKELETON_MARK.abjad) ? key.slice(1) : key
}

function markedSkeletonKey (words: readonly NameWord[]): string | null {
  const skeleton = skeletonKey(words)
  if (skeleton === null) return null
  return (words.every((w) => w.abjad) ? SKELETON_MARK.abjad : SKELETON_MARK.latin) + skeleton
}

/** Consonants a skeleton key needs (`skeletonKey`). */
const MIN_SKELETON_KEY = 3

/**
 * A name's consonants as a search key, in plain letters with doubled letters written once
 * ("Mohammed Abdul Rahman" and "محمد عبد الرحمن" are both "mhmd bd rhmn"): the only key a
 * name written in an abjad and its Latin spelling share trigrams by, so every name has one,
 * whatever its script. Null when it would say next to nothing (under `MIN_SKELETON_KEY`
 * consonants: "Air Co" would be near every short name).
 */
function skeletonKey (words: readonly NameWord[]): string | null {
  const skeletons = words.map((w) => plainSkeleton(w.consonants).replace(/(.)\1+/g, '$1')).filter((s) => s !== '')
  return skeletons.join('').length < MIN_SKELETON_KEY ? null : skeletons.join(' ')
}

/**
 * A name and the names written inside it: "Emal Bilal Construction Company (EBCC)" is read
 * as "Emal Bilal Construction Company" and "EBCC"; "Amir Khazmat (original script: Амир
 * Хазмат)" as both spellings; "X; Y" as X and Y. An acronym of the whole name written after
 * it ("CAR CARE CENTER CCC", "Institute Of Applied Physics IAP") is set aside as one in
 * parentheses is, so that a name with its acronym appended and the same name with it in
 * parentheses, or without it, read alike. Parentheses that qualify the name ("Huawei Device
 * (Dongguan)") stay part of it. Names set aside are marked `parenthetical` (and `appended`
 * when written after the name).
 */
export function prepareNameForms (name: string): PreparedName[] {
  const forms: PreparedName[] = []
  for (const part of name.split(NAME_LIST)) {
    const outside = toLatinWords(part.replace(PARENTHESES, ' '))
    // the name with the words of its parentheses, for acronyms that spell them ("Suanli (Fujian) Technology (SFT)")
    const qualified = toLatinWords(part)
    const asides: string[] = []
    const restated: NonNullable<PreparedName['restated']> = []
    let full = part
    for (const m of part.matchAll(PARENTHESES)) {
      const inside = m[1] ?? ''
      const labelled = VARIANT_LABEL.test(inside)
      if (labelled || restates(inside, outside, qualified)) {
        full = full.replace(m[0], ' ')
        asides.push(inside.replace(VARIANT_LABEL, ''))
        if (!labelled) restated.push({ text: inside.trim(), appended: false })
      }
    }
    const appended = appendedAcronym(full)
    if (appended !== undefined) {
      full = appended.rest
      restated.push({ text: appended.acronym, appended: true })
    }
    if (HAS_TEXT.test(full)) forms.push(restated.length > 0 ? { ...prepareName(full), restated } : prepareName(full))
    for (const aside of asides) if (HAS_TEXT.test(aside)) forms.push(prepareName(aside, true))
    if (appended !== undefined) forms.push({ ...prepareName(appended.acronym, true), appended: true })
  }
  return forms.length > 0 ? forms : [prepareName(name)]
}

// A parenthesis restates the name when it holds the name's acronym ("EBCC"; "CETC" of "10th
// Research Institute of China Electronic Technology Group Corp"; "AVIC", which spells the first
// letters of "AViation Industry Corporation"), with at most two more words that are numbers
// the name writes or acronyms of its words ("CETC 14", "CETC-7", "CETC55" in "CETC 14th
// Research Institute"), or one word that respells one of the name's words ("Butayev
// (Butaev)"). Other parentheses qualify the name ("Huawei Device (Dongguan)", "Kaili
// Industrial (HK)") and stay part of it.
function restates (inside: string, outside: LatinWord[], qualified: LatinWord[]): boolean {
  const latin = toLatinWords(inside)
  const words = latin.flatMap((w) => /^[a-z]+\d+$/.test(w.text) ? [w.text.replace(/\d+$/, ''), w.text.replace(/^[a-z]+/, '')] : [w.text])
  const [word] = words
  if (word === undefined || words.length > 3) return false
  const outsideWords = outside.map((w) => w.text)
  const initials = outsideWords.filter((w) => !STOP_WORDS.has(w)).map((w) => w[0] ?? '').join('')
  const spelled = spelledWords(qualified)
  const acronym = (w: string, first: boolean): boolean => /^[a-z]{2,8}$/.test(w) && (
    (first && w[0] === initials[0] && isSubsequence(w, initials)) ||
    spelledRuns(w, spelled, 3).some(([start]) => w.length >= 3 || start <= spelled.findIndex((x) => !x.skippable)))
  const number = (w: string): boolean => numberOf(w) !== undefined &&
    outsideWords.some((x) => numberOf(x) === numberOf(w) || (digitsOf(x)?.split(' ').includes(String(numberOf(w))) ?? false))
  if (words.length === 1) {
    if (word.length >= 2 && word[0] === initials[0] && isSubsequence(word, initials)) return true
    if ((latin[0]?.capitals === true || !/\p{Ll}/u.test(inside)) && acronym(word, true)) return true
    return outsideWords.some((w) => w.length >= 4 && wordSimilarity(phoneticKey(w), phoneticKey(word)) >= 0.5)
  }
  return acronym(word, true) && words.slice(1).every((w) => number(w) || acronym(w, false))
}

// The acronym of the whole name written after it, in capitals ("CAR CARE CENTER CCC"): the
// name without it, and the acronym. Three to eight letters, spelling every word of the name
// but stop words, generic words and legal forms (see `spellsWhole`), and no legal form itself.
function appendedAcronym (full: string): { rest: string, acronym: string } | undefined {
  const m = /\s(\p{Lu}{3,8})(?:[\s-]*(\d{1,4}))?\s*$/u.exec(full)
  const acronym = m?.[1]
  if (m === null || acronym === undefined) return undefined
  if (isOneWordForm(phoneticKey(acronym.toLowerCase()))) return undefined
  const rest = full.slice(0, m.index)
  const words = toLatinWords(rest)
  // a number after the acronym is one the name writes ("... 13th Research Institute CETC 13")
  const number = m[2] === undefined ? undefined : Number(m[2])
  if (number !== undefined && !words.some((w) => numberOf(w.text) === number)) return undefined
  return spellsWhole(acronym.toLowerCase(), spelledWords(words)) ? { rest, acronym: m[0].trim() } : undefined
}

/**
 * Words as acronyms read them: stop words, titles, generic words, legal-form words and numbers
 * may be left out ("558 Aircraft Repair Plant JSC ARP").
 */
function spelledWords (latin: readonly LatinWord[], keys?: readonly string[]): SpelledWord[] {
  return latin.map((w, i) => {
    const key = keys?.[i] ?? phoneticKey(w.text)
    return { text: w.text, skippable: isLegalWord(key) || STOP_WORDS.has(w.text) || TITLES.has(w.text) || GENERIC_WORDS.has(key) || /\d/.test(w.text) }
  })
}

function isSubsequence (short: string, long: string): boolean {
  let k = 0
  for (const c of long) if (c === short[k]) k++
  return k === short.length
}

const HAS_TEXT = /[\p{L}\p{N}]/u
// Names listed in one string: "X; Y", and "X / Y" with spaces around the slash.
const NAME_LIST = /;|\s\/\s/

// Legal forms written in Arabic script ("شركة" company, "ذ.م.م" LLC, "المحدودة" limited, Persian
// "کمپنی", Urdu "لمیٹڈ" limited), by their written form: other Arabic-script words are never legal
// forms, whatever their transliteration ("اعظم", Azam, is not "ذمم").
const ABJAD_LEGAL = new Set('شركة شركت شرکت ذمم محدودة محدوده کمپنی كمبني کمپني لمتد لمیٹڈ لميتد'.split(' '))

/**
 * Prepares one spelling of a name: its words, their keys and weights, and its legal forms.
 * `parenthetical` marks a name found in parentheses inside another.
 */
export function prepareName (name: string, parenthetical = false): PreparedName {
  const { latin, shown } = readLegalWriting(toLatinWords(name.replace(DOMAIN, '$1$2')))
  const phonetic = latin.map((w) => phoneticKey(ABBREVIATIONS.get(w.text) ?? w.text))
  const eligible = latin.map((w) => !w.abjad || ABJAD_LEGAL.has(w.written.replace(/\./g, '')))
  // A misspelt legal-form word is looked for as the word it stands for ("Compnay"); if no form
  // takes it, it stays the word it is. A word one typo from a short one ("Jkint", "Stick") is
  // read so only inside a form of several words that holds a word spelt right.
  const strict = latin.map((w, i) => w.abjad ? undefined : legalWordTypo(w.text, false, phonetic[i]))
  const loose = latin.map((w, i) => strict[i] ?? (w.abjad ? undefined : legalWordTypo(w.text, true, phonetic[i])))
  const texts = latin.map((w) => w.text)
  const detect = (typos: Array<string | undefined>): ReturnType<typeof findLegalForms> & { typos: Array<string | undefined> } =>
    ({ ...findLegalForms(phonetic.map((key, i) => typos[i] === undefined ? key : phoneticKey(typos[i])), eligible, texts), typos })
  const first = detect(loose)
  const unread = loose.map((typo, i) => {
    const hit = first.hits[first.hitOf[i] ?? -1]
    return typo !== undefined && strict[i] === undefined && !(hit !== undefined && hit.indices.length > 1 && hit.indices.some((j) => loose[j] === undefined))
  })
  const { hitOf, hits, typos } = unread.some(Boolean) ? detect(loose.map((typo, i) => unread[i] === true ? undefined : typo)) : first
  const words: NameWord[] = []
  const legalWords: string[] = []
  const mixedCase = /\p{Ll}/u.test(name)
  latin.forEach((w, i) => {
    if (hitOf[i] !== -1) {
      legalWords.push(w.text)
      return
    }
    const key = phonetic[i] ?? ''
    const linking = LINKS.has(w.text) && (latin[i - 1]?.text.length ?? 0) >= 2 && (latin[i + 1]?.text.length ?? 0) >= 2
    const role = w.abjad ? ABJAD_ROLES.get(w.written) ?? 'core' : linking ? 'stop' : roleOf(w.text, key)
    const number = w.abjad ? undefined : numberOf(w.text)
    const digits = digitsOf(w.text)
    words.push({
      text: w.text,
      key,
      letters: letterSet(key),
      vowels: vowelKey(key),
      consonants: w.abjad ? w.skeleton : consonantKey(w.text),
      stem: stemKey(key),
      bare: w.abjad ? '' : bareKey(w.text),
      weight: WEIGHTS[role],
      role,
      abjad: w.abjad,
      at: i,
      ...(number === undefined ? {} : { number }),
      ...(digits === undefined ? {} : { digits }),
      ...(!w.abjad && placeWords().has(key) ? { place: true } : {}),
      ...(mixedCase && w.capitals && role === 'core' && /^[a-z]{2,6}$/.test(w.text) ? { acronym: true } : {})
    })
  })
  return {
    source: name,
    words,
    legalForms: hits.map(({ family, indices }) => {
      const written = indices.map((i) => shown[i] ?? latin[i]?.text ?? '').join(' ')
      const read = indices.map((i) => typos[i] ?? latin[i]?.text ?? '').join(' ')
      return read === written ? { words: written, family } : { words: written, family, read }
    }),
    legalWords,
    numbers: numbersOf(words),
    spelled: spelledWords(latin, phonetic),
    parenthetical
  }
}

/**
 * Legal forms written in ways the table does not hold, read as their form: letter by letter
 * ("О. О. О.", "O O O" at either end of a name is "ooo"), or written onto the name's word next
 * to it ("officejsc" at the end, "ooodelta" at the start: see `splitJoinedForm`). `shown` says,
 * for each word, how it was written when it was written otherwise.
 */
function readLegalWriting (words: LatinWord[]): { latin: LatinWord[], shown: Array<string | undefined> } {
  const latin = [...words]
  const shown: Array<string | undefined> = latin.map(() => undefined)
  const single = (w: LatinWord | undefined): boolean => w !== undefined && !w.abjad && /^[a-z]$/.test(w.text)
  for (const atStart of [true, false]) {
    let run = 0
    while (run < latin.length && single(latin[atStart ? run : latin.length - 1 - run])) run++
    for (let n = run; n >= 3; n--) {
      const from = atStart ? 0 : latin.length - n
      const letters = latin.slice(from, from + n)
      const text = letters.map((w) => w.text).join('')
      if (!isOneWordForm(phoneticKey(text)) || n === latin.length) continue
      latin.splice(from, n, { ...(letters[0] as LatinWord), text })
      shown.splice(from, n, letters.map((w) => w.text).join(' '))
      break
    }
  }
  for (const side of ['after', 'before'] as const) {
    // the word next to the run of legal-form words at that end of the name
    let i = side === 'after' ? latin.length - 1 : 0
    while (latin[i] !== undefined && isLegalWord(phoneticKey(latin[i]?.text ?? ''))) i += side === 'after' ? -1 : 1
    const word = latin[i]
    if (word === undefined || word.abjad) continue
    const split = splitJoinedForm(word.text, side)
    if (split === undefined) continue
    const parts = side === 'after' ? [split.word, split.form] : [split.form, split.word]
    latin.splice(i, 1, ...parts.map((text) => ({ ...word, text })))
    shown.splice(i, 1, ...parts.map((text) => text === split.form ? word.text : undefined))
  }
  return { latin, shown }
}

// A name written as a web address is the name in it: "WWW.AEROCONTINENTE.COM.PE" is "AEROCONTINENTE".
const DOMAIN = /(?:https?:\/\/)?www\.([a-z0-9-]+)(?:\.[a-z0-9-]+)+|(?:https?:\/\/)?\b([a-z0-9-]{3,})\.(?:com|net|org|info|biz)(?:\.[a-z]{2})?\b/giu

function roleOf (text: string, phonetic: string): NameWord['role'] {
  if (STOP_WORDS.has(text)) return 'stop'
  if (TITLES.has(text)) return 'stop'
  if (text.length === 1) return 'initial'
  if (text.length >= 8 && PATRONYMIC.test(text)) return 'patronymic'
  if (CONNECTORS.has(phonetic)) return 'connector'
  if (GENERIC_WORDS.has(phonetic)) return 'generic'
  return 'core'
}
