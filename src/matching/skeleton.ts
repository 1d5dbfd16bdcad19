import anyAscii from 'any-ascii'

/*
 * Consonant skeletons: how a word written in an abjad (Arabic, Persian, Urdu and Pashto script)
 * meets its Latin spellings. Those scripts write consonants and long vowels only, so a word is
 * compared by its consonants: "صدام" (s, d, m) and "Saddam" (s, d, d, m). Each Arabic letter is
 * one symbol; each Latin consonant or digraph ("th", "kh", "sh") is one symbol. Lowercase
 * symbols are plain consonants; uppercase ones are sounds whose Latin spelling varies:
 *
 *   T  ث (th, s, t)     D  ذ ظ (dh, z, th, d)    V  ض (d, z, dh)      X  خ (kh, h, k)
 *   S  ش (sh, ch)       C  چ (ch, j)             Z  ژ (zh, j, z)      G  غ (gh, g, q)
 *   H  ة ta marbuta (h, t or nothing)
 *
 * `skeletonSimilarity` aligns the two with edit costs drawn from how Arabic, Persian and Urdu
 * names are romanised in English, French and German (Qasim/Gasmi, Nazir/Nadhir, Fazl/Fadl).
 */

// Letters that write vowels, hamza and ain become nothing: Latin spellings write them as vowels
// or leave them out.
const ARABIC: ReadonlyMap<string, string> = new Map([
  ...[...'اأإآٱءئؤىيیېۍےوۇۆۉع'].map((c) => [c, ''] as const),
  ...('بb پp تt طt ټt ٹt ثT جj چC حh خX دd ډd ڈd ذD ظD ضV رr ړr ڑr زz ځz ژZ ږZ سs صs څs شS ښS غG فf قq كk کk گg ' +
    'لl مm نn ڼn ںn هh ھh ہh ةH ۀH').split(' ').map((pair) => [pair.slice(0, 1), pair.slice(1)] as const)
])

/**
 * The skeleton of a word written in Arabic script (article and marks already removed): one
 * symbol per consonant letter, vowel letters left out. "صدام" → "sdm", "ثاقب" → "Tqb". Letters
 * of other abjads (Hebrew, Syriac) are read through their Latin transliteration.
 */
export function abjadSkeleton (word: string): string {
  let out = ''
  for (const c of word) out += ARABIC.get(c) ?? latinSymbols(anyAscii(c).toLowerCase())
  return skeletonTidy(out)
}

const ABD_ALONE = /^a?bd[aeiou]{1,2}[lr]?$/
const LATIN_DIGRAPHS: Array<[RegExp, string]> = [
  [/tch|tsch/g, 'C'], [/dzh|dj/g, 'j'], [/sch|sh/g, 'S'], [/ch/g, 'C'], [/kh/g, 'X'], [/gh/g, 'G'], [/th/g, 'T'], [/dh/g, 'D'],
  [/zh/g, 'Z'], [/ph/g, 'f'], [/ck/g, 'k'], [/c(?=[aou]|$)/g, 'k'], [/c/g, 's'], [/x/g, 'ks']
]

/**
 * The consonant skeleton of a lowercase Latin word, in the symbols of `abjadSkeleton`: vowels,
 * y, w and v (which write long vowels in Arabic script) left out, digraphs as one symbol,
 * "Abdul", "Abdel", "Abdur" alone as "bd" (Arabic writes the article with the next word).
 * "saddam" → "sdm", "thaqib" → "Tqb".
 */
export function consonantKey (word: string): string {
  if (ABD_ALONE.test(word)) return 'bd'
  return skeletonTidy(latinSymbols(word))
}

function latinSymbols (word: string): string {
  let key = word
  for (const [pattern, replacement] of LATIN_DIGRAPHS) key = key.replace(pattern, replacement)
  return key.replace(/[^a-zA-Z]|[aeiouyvw]/g, '')
}

/**
 * "bdl" at the start of a skeleton is "abd" + the article ("عبدالرحمن", "Abdul Rahman"
 * written together), as in "Abdurrahman", but not in "Abdullah". Doubled letters stay: Arabic
 * script writes them once, and `skeletonDistance` charges little for the difference, but "ابو
 * بكر" written together must stay closer to "Abubakar" than "بكر" alone.
 */
export function skeletonTidy (key: string): string {
  return key.replace(/^bdl(?=[^lh])/, 'bd')
}

const PLAIN = new Map(Object.entries({ T: 't', D: 'd', V: 'd', X: 'h', S: 's', C: 'c', Z: 'z', G: 'g', H: '' }))

/** A skeleton in plain lowercase letters, for search keys: "Tqb" → "tqb". */
export function plainSkeleton (skeleton: string): string {
  return skeleton.replace(/[A-Z]/g, (c) => PLAIN.get(c) ?? c.toLowerCase())
}

/** The skeleton of abjad words written together ("عبد" + "الرحمن" → "bdrhmn"). */
export function skeletonJoin (skeletons: readonly string[]): string {
  return skeletonTidy(skeletons.join(''))
}

// Symbols, as indices into the cost tables.
const SYMBOLS = 'bcdfghjklmnpqrstvwxyzBCDGHSTVXZ'
const N = SYMBOLS.length
const indexOf = new Int8Array(128).fill(-1)
for (let i = 0; i < N; i++) indexOf[SYMBOLS.charCodeAt(i)] = i

// Each Arabic symbol, then the Latin symbols that spell it and their cost (the same symbol: 0).
const SPELLINGS = ['T s.1 t.2 D.2', 'D z.1 T.2 d.2 Z.3 s.4', 'V d.05 z.1 D.1 T.3', 'X h.2 k.3 C.3 G.4', 'S C.1 s.3', 'C j.3 S.3',
  'Z j.2 z.2', 'G g.1 q.2 k.3 X.4', 'H h0 t.1', 'q k.2 g.2 G.2 X.4', 'k q.2 g.3 X.3 C.4', 'g k.3 G.2 j.4', 'j g.3 Z.3 C.3',
  'h X.3 H0', 't d.35 T.2', 'd t.35 D.2 V.1', 'b p.3', 'p b.3 f.5', 'f p.5', 'z s.2 D.2 Z.2', 's z.3 T.2 S.3', 'm n.5', 'n m.5']
// Sun letters: the article "l" before them is written as a doubled letter in Latin ("Abdurrahman").
const SUN = new Set('tTdDrzsSVnl')

let substitute: Float32Array | undefined

function costs (): Float32Array {
  if (substitute !== undefined) return substitute
  substitute = new Float32Array(N * N).fill(1)
  for (let i = 0; i < N; i++) substitute[i * N + i] = 0
  for (const [arabic = '', ...spellings] of SPELLINGS.map((line) => line.split(' '))) {
    for (const spelling of spellings) {
      const a = indexOf[arabic.charCodeAt(0)] ?? -1
      const l = indexOf[spelling.charCodeAt(0)] ?? -1
      substitute[a * N + l] = Number(spelling.slice(1).replace(/^\./, '0.'))
    }
  }
  return substitute
}

const row: number[] = []

/**
 * Weighted edit distance from an abjad skeleton to a Latin one (see `SPELLINGS`). Besides
 * substitutions: an Arabic h left out of the Latin costs 0.3 (0.1 at the end of the word, where
 * it often stands for the ta marbuta, and for the ta marbuta itself), an article l
 * before a sun letter 0.2, a Latin letter doubled 0.05, a Latin h 0.3, and an article "al-",
 * "el-" written onto the Latin word (`latinArticle`) 0.2.
 */
export function skeletonDistance (arabic: string, latin: string, latinArticle = false): number {
  const substitutes = costs()
  row[0] = 0
  for (let j = 1; j <= latin.length; j++) row[j] = (row[j - 1] ?? 0) + insertCost(latin, j - 1, latinArticle)
  for (let i = 1; i <= arabic.length; i++) {
    const a = indexOf[arabic.charCodeAt(i - 1)] ?? -1
    const drop = dropCost(arabic, i - 1)
    let diagonal: number = row[0] ?? 0
    row[0] = diagonal + drop
    for (let j = 1; j <= latin.length; j++) {
      const l = indexOf[latin.charCodeAt(j - 1)] ?? -1
      const above = row[j] ?? 0
      const change = a < 0 || l < 0 ? (arabic[i - 1] === latin[j - 1] ? 0 : 1) : substitutes[a * N + l] ?? 1
      row[j] = Math.min(above + drop, (row[j - 1] ?? 0) + insertCost(latin, j - 1, latinArticle), diagonal + change)
      diagonal = above
    }
  }
  return row[latin.length] ?? 0
}

function dropCost (arabic: string, i: number): number {
  const c = arabic[i]
  if (c === 'H' || (c === 'h' && i === arabic.length - 1)) return 0.1
  if (c === 'h') return 0.3
  if (c === 'l' && SUN.has(arabic[i + 1] ?? '')) return 0.2
  return c === arabic[i - 1] ? 0.05 : 1
}

function insertCost (latin: string, j: number, article: boolean): number {
  const c = latin[j]
  if (j > 0 && c === latin[j - 1]) return 0.05
  if (c === 'h') return 0.3
  return j === 0 && article && c === 'l' ? 0.2 : 1
}

const ARTICLE_START = /^(?:a|e|u)l./

/**
 * Similarity of an abjad word's skeleton and a Latin word's (`consonantKey`), in [0, 0.92]:
 * 0.92 when they agree, less by the share of the skeleton edited. `latinWord` tells whether the
 * Latin word begins with an article ("Alhosseini").
 */
export function skeletonSimilarity (arabic: string, latin: string, latinWord = ''): number {
  if (arabic === latin) return 0.92
  const length = Math.max(arabic.length, latin.length)
  if (length === 0) return 0
  const distance = skeletonDistance(arabic, latin, ARTICLE_START.test(latinWord))
  return Math.max(0, 0.92 * (1 - distance / length))
}
