import { alignWords, type AlignedWord } from './align-words.js'

const flagsA: Uint8Array = new Uint8Array(64)
const flagsB: Uint8Array = new Uint8Array(64)

/**
 * Jaro-Winkler similarity of two strings, in [0, 1] (1: equal). Prefix scale 0.1, prefix up
 * to 4 characters, as in Winkler (1990). Compares UTF-16 code units, so pass normalised text.
 */
export function jaroWinkler (a: string, b: string): number {
  if (a === b) return 1
  const la = a.length
  const lb = b.length
  if (la === 0 || lb === 0) return 0
  const fa = la <= 64 ? flagsA.fill(0, 0, la) : new Uint8Array(la)
  const fb = lb <= 64 ? flagsB.fill(0, 0, lb) : new Uint8Array(lb)
  const window = Math.max(0, Math.floor(Math.max(la, lb) / 2) - 1)
  let matches = 0
  for (let i = 0; i < la; i++) {
    const from = Math.max(0, i - window)
    const to = Math.min(lb - 1, i + window)
    const c = a.charCodeAt(i)
    for (let j = from; j <= to; j++) {
      if (fb[j] === 0 && b.charCodeAt(j) === c) {
        fa[i] = 1
        fb[j] = 1
        matches++
        break
      }
    }
  }
  if (matches === 0) return 0
  let transpositions = 0
  let k = 0
  for (let i = 0; i < la; i++) {
    if (fa[i] === 0) continue
    while (fb[k] === 0) k++
    if (a.charCodeAt(i) !== b.charCodeAt(k)) transpositions++
    k++
  }
  const jaro = (matches / la + matches / lb + (matches - transpositions / 2) / matches) / 3
  let prefix = 0
  const maxPrefix = Math.min(4, la, lb)
  while (prefix < maxPrefix && a.charCodeAt(prefix) === b.charCodeAt(prefix)) prefix++
  return jaro + prefix * 0.1 * (1 - jaro)
}

const row: number[] = []

/** Levenshtein edit distance (insertions, deletions, substitutions each cost 1). */
export function levenshtein (a: string, b: string): number {
  if (a === b) return 0
  if (a.length === 0) return b.length
  if (b.length === 0) return a.length
  for (let j = 0; j <= b.length; j++) row[j] = j
  for (let i = 1; i <= a.length; i++) {
    let diagonal = row[0] ?? 0
    row[0] = i
    const c = a.charCodeAt(i - 1)
    for (let j = 1; j <= b.length; j++) {
      const above = row[j] ?? 0
      const cost = c === b.charCodeAt(j - 1) ? 0 : 1
      row[j] = Math.min(above + 1, (row[j - 1] ?? 0) + 1, diagonal + cost)
      diagonal = above
    }
  }
  return row[b.length] ?? 0
}

const VOWELS = 'aeiou'
// Letters that romanisations swap for one another: voiced and voiceless pairs (Korean k/g,
// p/b, t/d), c as k or s, h for kh, g for h (Ukrainian and Belarusian "Serhiy", Russian
// "Sergey"), j as i (German "Jakowlew") or as g (Egyptian "Gamal"), f for ph (Thai "ph" is p),
// a final t or h for the Arabic ta marbuta.
const KINDRED = ['bp', 'dt', 'gk', 'ck', 'cs', 'sz', 'fv', 'fp', 'uv', 'iy', 'ij', 'jg', 'hk', 'ht', 'gh']
// Letters written with two letters in one romanisation and one (or two others) in another, and
// what the difference costs: German and Dutch "ch" for kh inside a word (Indonesian
// "Mochammad"; "Ho" is not "Cho"), Korean McCune-Reischauer "ch" for revised "j" ("Cho'ng",
// "Jong"), French "ch" for sh, Belarusian "dz" for d ("Dzmitry"), Pashto "dz" for z, "zh" for j,
// Belarusian "ia" for Russian "e" ("Piatkevich", "Petkevich"), "io" for ё, Korean "eo"/"eu" for
// ŏ/ŭ, Wade-Giles "hs" for pinyin x (folded to "ks": "Hsu", "Xu") and "ch" for zh ("Chang",
// "Zhang"), postal "sz" for s ("Szechuan", "Sichuan"); and, dearer, m for n (Ukrainian "Mykola",
// Russian "Nikolai") and d for z (Arabic ض and ظ: "Dafeer", "Zafir").
const VARIANTS: Array<[string, string, number, 'inner'?]> = [
  ['ch', 'h', 0.25, 'inner'], ['ch', 'k', 0.3, 'inner'], ['ch', 'j', 0.3], ['ch', 'sh', 0.35], ['ch', 'c', 0.35], ['sh', 's', 0.35],
  ['zh', 'j', 0.25], ['zh', 'z', 0.35], ['zh', 'sh', 0.4], ['dz', 'd', 0.25], ['dz', 'z', 0.3], ['dz', 'j', 0.35],
  ['ia', 'e', 0.25], ['ie', 'e', 0.2], ['io', 'e', 0.3], ['iu', 'u', 0.2], ['eo', 'o', 0.2], ['eu', 'u', 0.2],
  ['ae', 'e', 0.2], ['hs', 'ks', 0.2], ['ch', 'zh', 0.3], ['sz', 's', 0.2], ['m', 'n', 0.5], ['d', 'z', 0.5]
]
const TRANSPOSE = 0.6

interface EditCosts {
  substitute: Float32Array
  indel: Float32Array
  /**
   * For a letter or a pair of letters (code, or code × 128 + code), what it may be written as;
   * `inner`: not when the pair begins the word.
   */
  variants: Map<number, Array<{ length: number, key: number, cost: number, inner: boolean }>>
}

let costs: EditCosts | undefined

// Edit costs over lowercase ASCII: a vowel for a vowel 0.3, kindred consonants 0.35, adding or
// dropping a vowel or an h 0.4, the variants above, swapping two letters 0.6, anything else 1.
function editCosts (): EditCosts {
  if (costs !== undefined) return costs
  const substitute = new Float32Array(128 * 128).fill(1)
  const indel = new Float32Array(128).fill(1)
  for (let c = 0; c < 128; c++) substitute[c * 128 + c] = 0
  for (const x of VOWELS) {
    indel[x.charCodeAt(0)] = 0.4
    for (const y of VOWELS) if (x !== y) substitute[x.charCodeAt(0) * 128 + y.charCodeAt(0)] = 0.3
  }
  indel['h'.charCodeAt(0)] = 0.4
  for (const [x = '', y = ''] of KINDRED.map((pair) => [...pair])) {
    substitute[x.charCodeAt(0) * 128 + y.charCodeAt(0)] = 0.35
    substitute[y.charCodeAt(0) * 128 + x.charCodeAt(0)] = 0.35
  }
  const variants: EditCosts['variants'] = new Map()
  const key = (text: string): number => text.length === 1 ? text.charCodeAt(0) : text.charCodeAt(0) * 128 + text.charCodeAt(1)
  for (const [x, y, cost, inner] of VARIANTS) {
    for (const [from, to] of [[x, y], [y, x]] as const) {
      const list = variants.get(key(from)) ?? []
      list.push({ length: to.length, key: key(to), cost, inner: inner === 'inner' })
      variants.set(key(from), list)
    }
  }
  costs = { substitute, indel, variants }
  return costs
}

let table = new Float64Array(0)
let codesB = new Int32Array(0)
let insertB = new Float64Array(0)

type Variant = EditCosts['variants'] extends Map<number, Array<infer V>> ? V : never

/**
 * Edit distance where the usual romanisation differences cost less than other edits (see
 * `editCosts`): "ahmed" and "ahmet" are 0.35 apart, "barsukov" and "barsukou" 0.35,
 * "mochammad" and "mohammad" 0.25. Past `limit` the answer is only known to exceed it: the
 * computation stops once a whole row does.
 */
export function romanisationDistance (a: string, b: string, limit = Infinity): number {
  if (a === b) return 0
  const { substitute, indel, variants } = editCosts()
  const width = b.length + 1
  if (table.length < (a.length + 1) * width) table = new Float64Array((a.length + 1) * width * 2)
  const d = table
  if (codesB.length < b.length) {
    codesB = new Int32Array(b.length * 2)
    insertB = new Float64Array(b.length * 2)
  }
  for (let j = 0; j < b.length; j++) {
    codesB[j] = b.charCodeAt(j)
    insertB[j] = indelCost(indel, codesB[j] ?? 0)
  }
  d[0] = 0
  for (let j = 1; j <= b.length; j++) d[j] = (d[j - 1] ?? 0) + (insertB[j - 1] ?? 1)
  for (let i = 1; i <= a.length; i++) {
    const c = a.charCodeAt(i - 1)
    const previous = i > 1 ? a.charCodeAt(i - 2) : -1
    const deleteC = indelCost(indel, c)
    const row = i * width
    d[row] = (d[row - width] ?? 0) + deleteC
    let rowMin = d[row] ?? 0
    const single = variants.get(c)
    const pair = previous >= 0 ? variants.get(previous * 128 + c) : undefined
    for (let j = 1; j <= b.length; j++) {
      const e = codesB[j - 1] ?? 0
      const change = c === e ? 0 : c < 128 && e < 128 ? substitute[c * 128 + e] ?? 1 : 1
      let best = Math.min((d[row - width + j] ?? 0) + deleteC, (d[row + j - 1] ?? 0) + (insertB[j - 1] ?? 1),
        (d[row - width + j - 1] ?? 0) + change)
      const previousE = j > 1 ? codesB[j - 2] ?? -1 : -1
      if (single !== undefined) best = Math.min(best, variantCost(d, single, 1, i, j, width, e, previousE))
      if (pair !== undefined) best = Math.min(best, variantCost(d, pair, 2, i, j, width, e, previousE))
      if (previous >= 0 && previousE >= 0 && c === previousE && previous === e && c !== previous) {
        best = Math.min(best, (d[(i - 2) * width + j - 2] ?? 0) + TRANSPOSE)
      }
      d[row + j] = best
      if (best < rowMin) rowMin = best
    }
    if (rowMin > limit) return rowMin
  }
  return d[a.length * width + b.length] ?? 0
}

function indelCost (indel: Float32Array, code: number): number {
  return code < 128 ? indel[code] ?? 1 : 1
}

// The cheapest way to reach cell (i, j) by writing the last `length` letters of `a` as one of
// their variants ending at b[j - 1].
function variantCost (
  d: Float64Array, list: readonly Variant[], length: number, i: number, j: number, width: number, e: number, previousE: number
): number {
  let best = Infinity
  for (const v of list) {
    if (v.length > j || (v.inner && (length === 2 ? i === 2 : j === 2))) continue
    const written = v.length === 1 ? e : previousE * 128 + e
    if (written === v.key) best = Math.min(best, (d[(i - length) * width + j - v.length] ?? 0) + v.cost)
  }
  return best
}

/**
 * Similarity of two words for name matching, in [0, 1]: the better of two views. The mean of
 * Jaro-Winkler (kind to shared prefixes) and the edit similarity (1 − the romanisation-weighted
 * edit distance over the longer length), rescaled so that a mean of 0.6 or less is 0; and the
 * edit similarity alone rescaled so that 0.55 or less is 0, which keeps words that differ by a
 * romanisation variant close even where Jaro-Winkler is harsh (a different first letter:
 * "Qods", "Ghods"; "Serhiy", "Sergey" in short words). A caller that has no use for
 * similarities under `floor` may get 0 for them, sooner.
 */
export function wordSimilarity (a: string, b: string, floor = 0): number {
  if (a === b) return 1
  const length = Math.max(a.length, b.length)
  // Both views are under `floor` once the edit similarity is 0.2 + 0.8 × floor or less
  // (Jaro-Winkler is at most 1).
  const least = 0.2 + 0.8 * floor
  const edit = Math.max(0, 1 - romanisationDistance(a, b, (1 - least) * length) / length)
  if (edit <= least) return 0
  const mean = (jaroWinkler(a, b) + edit) / 2
  return Math.max(mean <= 0.6 ? 0 : (mean - 0.6) / 0.4, edit <= 0.55 ? 0 : (edit - 0.55) / 0.45)
}

export { alignWords, type AlignedWord, type Alignment, type AlignOptions, type WordPair } from './align-words.js'

/**
 * Similarity of two lists of words in [0, 1], whatever their order and however they are
 * joined or split: `tokenSetSimilarity(['gazprom', 'bank'], ['gazprombank'])` is 1. Words
 * weigh alike; pass normalised words (see `normaliseName`).
 */
export function tokenSetSimilarity (a: readonly string[], b: readonly string[]): number {
  const words = (list: readonly string[]): AlignedWord[] => list.map((key) => ({ key, weight: 1 }))
  return alignWords(words(a), words(b), {
    similarity: (x, y) => wordSimilarity(x.key, y.key),
    join: (list, start, end) => ({ key: list.slice(start, end).map((w) => w.key).join(''), weight: end - start }),
    minSimilarity: 0.5
  }).similarity
}
