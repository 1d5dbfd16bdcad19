import { boundedMemoBy } from '../lib/bounded-memo.js'
import { spelledRuns } from './acronyms.js'
import type { NameWord, PreparedName } from './party-types.js'
import { skeletonJoin, skeletonSimilarity } from './skeleton.js'
import { alignWords, type Alignment } from './align-words.js'
import { digitsOf } from './name-numbers.js'
import { wordSimilarity } from './text-similarity.js'
import { consonantKey, letterSet, phoneticKey, stemKey, vowelKey } from './transliterate.js'

/**
 * Aligns the words of two prepared names (see `alignWords`) with `nameWordSimilarity`: words
 * compared by their phonetic keys, stems and skeletons, runs of words written together, an
 * unmatched distinctive word weighing 2.5 times. Names of stop words only score 0.
 */
export function alignNames (a: PreparedName, b: PreparedName): Alignment {
  if (!a.words.some(isTelling) || !b.words.some(isTelling)) {
    return { similarity: 0, total: 0, pairs: [], unmatchedA: [], unmatchedB: [] }
  }
  const abjad = a.words.some((w) => w.abjad) || b.words.some((w) => w.abjad)
  const extraPairs = a.words.some(isAcronym) || b.words.some(isAcronym) ? [...acronymPairs(a, b, false), ...acronymPairs(b, a, true)] : []
  return alignWords(a.words, b.words, {
    similarity: nameWordSimilarity,
    join: abjad ? joinWithSkeletons : joinWords,
    worthJoining,
    minSimilarity: 0.3,
    unmatchedPenalty: UNMATCHED_PENALTY,
    optional,
    ...(extraPairs.length > 0 ? { extraPairs } : {})
  })
}

function isAcronym (word: NameWord): boolean {
  return word.acronym === true
}

// How alike an acronym and the words it spells are: as a word and its abbreviation.
const ACRONYM = 0.9

// An acronym of one name ("CETC" in "CETC 29th Research Institute") against each run of two or
// more words of the other whose initials it spells ("China Electronics Technology Group
// Corporation": see `spelledRuns`). Initials only: a surname in capitals ("SHAH, Haji Ahmad")
// would spell the first letters of "Shah Hawala". `flip`: `x` is the second name.
function acronymPairs (x: PreparedName, y: PreparedName, flip: boolean): Array<{ a: number[], b: number[], similarity: number, kind: string }> {
  const pairs: Array<{ a: number[], b: number[], similarity: number, kind: string }> = []
  x.words.forEach((word, i) => {
    if (word.acronym !== true) return
    for (const [start, end] of spelledRuns(word.text, y.spelled)) {
      const run = y.words.flatMap((w, j) => w.at !== undefined && w.at >= start && w.at < end ? [j] : [])
      if (run.length < 2 || run.some((j) => y.words[j]?.text === word.text)) continue
      pairs.push(flip ? { a: run, b: [i], similarity: ACRONYM, kind: 'acronym' } : { a: [i], b: run, similarity: ACRONYM, kind: 'acronym' })
    }
  })
  return pairs
}

// A run of words written together is compared with a word when their lengths are close and
// they begin with letters that romanisations interchange ("Hsueh Kang", "Xuekang"; "Qolam Reza",
// "Gholamreza"; "Honor Bank", "Onerbank").
function worthJoining (joined: NameWord, word: NameWord): boolean {
  if (joined.abjad || word.abjad) return Math.abs(joined.consonants.length - word.consonants.length) <= 2
  return Math.abs(joined.key.length - word.key.length) <= 2 + word.key.length / 4 && (initials(joined.key) & initials(word.key)) !== 0
}

// Classes of first letters, as bits: vowels and h; h, k, g, q, x and ch; j, i, y, z and zh; b, p,
// f, v, w and u; t and d; s, z and a soft c. Other letters are a class of their own.
const INITIALS = new Map<string, number>([...'aeiou'].map((c) => [c, 1 | 8]))
for (const [letters, bit] of [['h', 1 | 2], ['kgqx', 2], ['jyz', 4], ['bpfvw', 8], ['td', 16], ['s', 32], ['z', 4 | 32]] as const) {
  for (const c of letters) INITIALS.set(c, bit)
}

function initials (key: string): number {
  const c = key[0] ?? ''
  if (c === 'c') return key[1] === 'h' ? 2 | 4 : 32
  return INITIALS.get(c) ?? 64 << (c.charCodeAt(0) % 20)
}

// A word of one name with no counterpart in the other ("Yasir" in "Yasir Sabawi Ibrahim Hassan")
// weighs this much more than a matched one: sons, branches and sub-units share most words, and
// spelling variants of one name have every word in the other. Patronymics, initials and
// connectors ("bin", "abu") are left out of names often, and weigh only their weight.
export const UNMATCHED_PENALTY = 2.5

function optional (word: NameWord): boolean {
  return word.role === 'patronymic' || word.role === 'initial' || word.role === 'connector'
}

function isTelling (word: NameWord): boolean {
  return word.role !== 'stop'
}

/**
 * Similarity of two words of names, in [0, 1]: 0 for stop words, which count only inside joined
 * runs ("abd al rahman" = "abdelrahman"), 1 when spelt alike; a number is only ever like the same
 * number, however written (0.97: "711th" and "711", "1st" and "first"), or a word that is no
 * number, as words are ("Elevenfh" mistyped for "Eleventh"); 0.97 when their phonetic keys
 * agree, 0.9 when their stems do ("Kasperskogo", "Kaspersky"), 0.88 when they differ only in
 * vowels, 0.8 for an initial and a word it begins and for an abbreviation ("Lab", "Laboratory"),
 * else `wordSimilarity` of the phonetic keys (0 when they share under a third of their letters),
 * also without an Arabic article written onto a word ("Elkaddafi"); a word written in an abjad
 * is compared by its consonant skeleton. Below 0.6 the similarity falls off as its cube
 * (0.5 → 0.35, 0.4 → 0.18): "Yong" and "Song", "Kamal" and "Jamal" are different words, and a
 * name that differs in one of them is a different name.
 */
export function nameWordSimilarity (x: NameWord, y: NameWord): number {
  const similarity = wordEvidence(x, y)
  if (x.place === true && y.place === true && similarity < PLACE_VARIANT) return 0
  return similarity >= 0.6 ? similarity : similarity ** 3 / 0.36
}

// Two places are one place spelt two ways only when this alike ("Hebei" and "Hubei" in one
// listing, a vowel apart): "Changzhou" and "Chengdu" (0.67), "Wuxi" and "Wuhan", are two places,
// and the names they begin two companies.
const PLACE_VARIANT = 0.8

function wordEvidence (x: NameWord, y: NameWord): number {
  if (x.role === 'stop' || y.role === 'stop') return 0
  if (x.text === y.text) return 1
  if (x.number !== undefined && y.number !== undefined) return x.number === y.number ? 0.97 : 0
  if ((x.digits ?? '') !== (y.digits ?? '') || !spellsNumbers(x, y) || !spellsNumbers(y, x)) return 0
  if (x.abjad || y.abjad) return abjadWordSimilarity(x, y)
  if (x.key === y.key) return 0.97
  if (x.role === 'initial' || y.role === 'initial') return x.text[0] === y.text[0] ? 0.8 : 0
  let similarity = keySimilarity(x.key, x.vowels, x.letters, y.key, y.vowels, y.letters)
  if (x.stem === y.stem) similarity = Math.max(similarity, 0.9)
  if (x.joined !== true && y.joined !== true && abbreviates(x, y)) similarity = Math.max(similarity, 0.8)
  if (x.bare !== '' || y.bare !== '') {
    const bx = x.bare === '' ? x.key : x.bare
    const by = y.bare === '' ? y.key : y.bare
    similarity = Math.max(similarity, 0.95 * keySimilarity(bx, vowelKey(bx), letterSet(bx), by, vowelKey(by), letterSet(by)))
  }
  return similarity
}

// A run of words written together that holds a number word is only like a word that writes it
// ("first division" is not "fourthdivision").
function spellsNumbers (run: NameWord, word: NameWord): boolean {
  return run.numberWords === undefined || run.numberWords.every((n) => word.text.includes(n))
}

// Phonetic keys: 0.97 when equal, 0.88 when they differ only in vowels, else `wordSimilarity`
// (or 0.85 of it on the vowel-folded keys), and 0 when they share under a third of their letters.
function keySimilarity (kx: string, vx: string, lx: number, ky: string, vy: string, ly: number): number {
  if (kx === ky) return 0.97
  return rememberedKeySimilarity([kx, vx, lx, ky, vy, ly])
}

// Key pairs compared, remembered: the names near a looked-for one share most of its words, and
// the same stored names are scored for one officer's end users after another's (`vx`, `lx`
// are `kx`'s vowel key and letter set, so the keys say it all): 4 % of a screening's time at a
// million decisions (bench/screening's requests, profiled).
const rememberedKeySimilarity = boundedMemoBy(
  ([kx, , , ky]: [string, string, number, string, string, number]) => `${kx}\u0000${ky}`,
  (keys: [string, string, number, string, string, number]) => computeKeySimilarity(...keys),
  200_000
)

function computeKeySimilarity (kx: string, vx: string, lx: number, ky: string, vy: string, ly: number): number {
  if (vx === vy) return 0.88
  if (!shareLetters(lx, ly)) return 0
  const similarity = wordSimilarity(kx, ky, RELEVANT)
  return similarity > 0 && similarity < 0.85 ? Math.max(similarity, 0.85 * wordSimilarity(vx, vy, RELEVANT / 0.85)) : similarity
}

// Word similarities under this weigh under 0.3 once cubed (see `nameWordSimilarity`), the least
// that pairs two words: they need not be computed exactly.
const RELEVANT = 0.48

// One word abbreviates the other: its first three letters or more when the other is a common
// company word ("Lab", "Laboratory"; "Imp.", "Import"; "Tech", "Technology"), five or more
// otherwise ("Jian" does not abbreviate "Jiangping").
function abbreviates (x: NameWord, y: NameWord): boolean {
  const [short, long] = x.key.length < y.key.length ? [x, y] : [y, x]
  const minimum = long.role === 'generic' || short.role === 'generic' ? 3 : 5
  return short.key.length >= minimum && long.key.startsWith(short.key)
}

// A word written in an abjad is compared with another by its consonant skeleton: with a Latin
// word through `skeletonSimilarity`, with another abjad word as letters.
function abjadWordSimilarity (x: NameWord, y: NameWord): number {
  if (x.consonants === '' || y.consonants === '') return 0
  if (x.abjad && y.abjad) return x.consonants === y.consonants ? 0.92 : 0.9 * wordSimilarity(x.consonants, y.consonants)
  const [arabic, latin] = x.abjad ? [x, y] : [y, x]
  return skeletonSimilarity(arabic.consonants, latin.consonants, latin.text)
}

// Joined runs of a prepared name's words, made once per name and run: without consonant
// skeletons when neither name has an abjad word (they would go unused), with them otherwise.
const joinedRuns = new WeakMap<readonly NameWord[], Map<number, NameWord>>()
const joinedRunsWithSkeletons = new WeakMap<readonly NameWord[], Map<number, NameWord>>()

function joinWords (words: readonly NameWord[], start: number, end: number): NameWord {
  return joinCached(joinedRuns, words, start, end, false)
}

function joinWithSkeletons (words: readonly NameWord[], start: number, end: number): NameWord {
  return joinCached(joinedRunsWithSkeletons, words, start, end, true)
}

function joinCached (
  cache: WeakMap<readonly NameWord[], Map<number, NameWord>>, words: readonly NameWord[], start: number, end: number, skeletons: boolean
): NameWord {
  let runs = cache.get(words)
  if (runs === undefined) cache.set(words, runs = new Map())
  let joined = runs.get(start * 1024 + end)
  if (joined === undefined) runs.set(start * 1024 + end, joined = makeJoinedWord(words.slice(start, end), skeletons))
  return joined
}

// Words with less than a third of their letters in common are not compared further.
function shareLetters (a: number, b: number): boolean {
  return 3 * bitCount(a & b) >= bitCount(a | b)
}

function bitCount (n: number): number {
  let v = n - ((n >>> 1) & 0x55555555)
  v = (v & 0x33333333) + ((v >>> 2) & 0x33333333)
  return (((v + (v >>> 4)) & 0x0f0f0f0f) * 0x01010101) >>> 24
}

function makeJoinedWord (run: NameWord[], skeletons: boolean): NameWord {
  const text = run.map((w) => w.text).join('')
  const key = phoneticKey(text)
  const abjad = run.every((w) => w.abjad)
  return {
    text,
    key,
    letters: letterSet(key),
    vowels: vowelKey(key),
    consonants: skeletons ? runSkeleton(run, text) : '',
    stem: stemKey(key),
    bare: '',
    weight: run.reduce((sum, w) => sum + w.weight, 0),
    role: 'core',
    abjad,
    joined: true,
    ...(run.some((w) => w.digits !== undefined) ? { digits: digitsOf(text) } : {}),
    ...(run.some((w) => w.number !== undefined) ? { numberWords: run.flatMap((w) => w.number === undefined ? [] : [w.text]) } : {})
  }
}

// The skeleton of a run of words written together, for comparison with abjad words: the words'
// skeletons one after the other for abjad words (a letter ending one word and beginning the
// next stays twice: "ابو بكر" is not "بكر"), none for a run that begins or ends with a stop word
// ("in the" is no Arabic word).
function runSkeleton (run: NameWord[], text: string): string {
  if (run.every((w) => w.abjad)) return skeletonJoin(run.map((w) => w.consonants))
  return run[0]?.role === 'stop' || run[run.length - 1]?.role === 'stop' ? '' : consonantKey(text)
}
