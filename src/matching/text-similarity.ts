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
// what the difference costs: German and Dutch "ch" for kh (Indonesian "Mochammad"), Korean
// McCune-Reischauer "ch" for revised "j" ("Cho'ng", "Jong"), French "ch" for sh, Belarusian "dz"
// for d ("Dzmitry"), Pashto "dz" for z, "zh" for j, Belarusian "ia" for Russian "e"
// ("Piatkevich", "Petkevich"), "io" for ё, Korean "eo"/"eu" for ŏ/ŭ, "ng" for n, Wade-Giles
// "hs" for pinyin x (folded to "ks": "Hsu", "Xu") and "ch" for zh ("Chang", "Zhang"), postal
// "sz" for s ("Szechuan", "Sichuan"); and, dearer, m
// for n (Ukrainian "Mykola", Russian "Nikolai") and d for z (Arabic ض and ظ: "Dafeer", "Zafir").
// (German "ch" stands for kh inside a word only: "Ho" is not "Cho").
const VARIANTS: Array<[string, string, number, 'inner'?]> = [
  ['ch', 'h', 0.25, 'inner'], ['ch', 'k', 0.3, 'inner'], ['ch', 'j', 0.3], ['ch', 'sh', 0.35], ['ch', 'c', 0.35], ['sh', 's', 0.35],
  ['zh', 'j', 0.25], ['zh', 'z', 0.35], ['zh', 'sh', 0.4], ['dz', 'd', 0.25], ['dz', 'z', 0.3], ['dz', 'j', 0.35],
  ['ia', 'e', 0.25], ['ie', 'e', 0.2], ['io', 'e', 0.3], ['iu', 'u', 0.2], ['eo', 'o', 0.2], ['eu', 'u', 0.2],
  ['ae', 'e', 0.2], ['ng', 'n', 0.35], ['hs', 'ks', 0.2], ['ch', 'zh', 0.3], ['sz', 's', 0.2], ['m', 'n', 0.5], ['d', 'z', 0.5]
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
  d[0] = 0
  for (let j = 1; j <= b.length; j++) d[j] = (d[j - 1] ?? 0) + indelCost(indel, b.charCodeAt(j - 1))
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
      const e = b.charCodeAt(j - 1)
      const change = c === e ? 0 : c < 128 && e < 128 ? substitute[c * 128 + e] ?? 1 : 1
      let best = Math.min((d[row - width + j] ?? 0) + deleteC, (d[row + j - 1] ?? 0) + indelCost(indel, e),
        (d[row - width + j - 1] ?? 0) + change)
      const previousE = j > 1 ? b.charCodeAt(j - 2) : -1
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
 * "Qods", "Ghods"; "Serhiy", "Sergey" in short words).
 */
export function wordSimilarity (a: string, b: string): number {
  if (a === b) return 1
  const length = Math.max(a.length, b.length)
  // Both views are 0 once the edit similarity is 0.2 or less (Jaro-Winkler is at most 1).
  const edit = Math.max(0, 1 - romanisationDistance(a, b, 0.8 * length) / length)
  if (edit <= 0.2) return 0
  const mean = (jaroWinkler(a, b) + edit) / 2
  return Math.max(mean <= 0.6 ? 0 : (mean - 0.6) / 0.4, edit <= 0.55 ? 0 : (edit - 0.55) / 0.45)
}

/** A word to align: `weight` is how much it says about identity (0 to 1). */
export interface AlignedWord {
  key: string
  weight: number
}

/**
 * One step of an alignment: words of one side (several when they were joined, "gazprom" +
 * "bank") paired with words of the other ("gazprombank"), with their similarity.
 */
export interface WordPair {
  a: number[]
  b: number[]
  similarity: number
}

export interface Alignment {
  similarity: number
  pairs: WordPair[]
  unmatchedA: number[]
  unmatchedB: number[]
}

export interface AlignOptions<T extends AlignedWord> {
  /** Similarity of two words in [0, 1]. */
  similarity: (a: T, b: T) => number
  /** The word that `words[start]` to `words[end - 1]` make when written together. */
  join: (words: readonly T[], start: number, end: number) => T
  /** Pairs below this similarity are left unmatched. */
  minSimilarity: number
  /** Longest run of adjacent words joined into one (default 3). */
  maxRun?: number
  /** How much more an unmatched word weighs than a matched one (default 1). */
  unmatchedPenalty?: number
  /** Words whose absence is ordinary (a patronymic, an initial): unmatched, they weigh only their weight. */
  optional?: (word: T) => boolean
  /**
   * Whether a joined run is worth comparing with a word: by default only when they begin
   * alike and their lengths are close.
   */
  worthJoining?: (joined: T, word: T) => boolean
}

function closeInLength (joined: AlignedWord, word: AlignedWord): boolean {
  return word.key[0] === joined.key[0] && Math.abs(word.key.length - joined.key.length) <= 2 + joined.key.length / 4
}

interface Candidate { a: number[], b: number[], similarity: number, weight: number }

/**
 * Aligns two word lists one-to-one, regardless of order, letting a run of adjacent words on
 * one side pair with one word on the other (joined or split words), choosing the pairs that
 * give the highest similarity (exactly for names of up to 12 words, else greedily by
 * similarity, then by the weight covered). The similarity is the weighted Dice coefficient
 * Σ sim·(wA + wB) / (ΣwA + ΣwB + (penalty − 1)·Σw unmatched): unmatched words count against
 * it by their weight, times `unmatchedPenalty`.
 */
export function alignWords<T extends AlignedWord> (a: readonly T[], b: readonly T[], options: AlignOptions<T>): Alignment {
  const candidates: Candidate[] = []
  const singles = new Float64Array(a.length * b.length)
  for (let i = 0; i < a.length; i++) {
    for (let j = 0; j < b.length; j++) {
      const similarity = options.similarity(a[i] as T, b[j] as T)
      singles[i * b.length + j] = similarity
      if (similarity >= options.minSimilarity) candidates.push({ a: [i], b: [j], similarity, weight: (a[i]?.weight ?? 0) + (b[j]?.weight ?? 0) })
    }
  }
  addRuns(a, b, false, singles, candidates, options)
  addRuns(b, a, true, singles, candidates, options)
  const greedy = select(a, b, candidates.sort((x, y) => y.similarity - x.similarity || y.weight - x.weight), options)
  if (a.length > EXACT_WORDS || b.length > EXACT_WORDS || candidates.length === 0) return greedy
  return optimalAlignment(a, b, candidates, options, greedy)
}

// Candidates pairing a run of two or three adjacent words of `side` with one word of `other`
// (`flip`: `side` is the second name). Each end word of a run must bring it closer to the word:
// "Tikriti Ali" is not "Tikriti" written together.
function addRuns<T extends AlignedWord> (
  side: readonly T[], other: readonly T[], flip: boolean, singles: Float64Array, candidates: Candidate[], options: AlignOptions<T>
): void {
  const maxRun = options.maxRun ?? 3
  const worthJoining = options.worthJoining ?? closeInLength
  const width = flip ? side.length : other.length
  const pairs = new Map<number, number>()
  for (let start = 0; start < side.length; start++) {
    for (let end = start + 2; end <= Math.min(side.length, start + maxRun); end++) {
      const joined = options.join(side, start, end)
      for (let j = 0; j < other.length; j++) {
        const word = other[j] as T
        if (!worthJoining(joined, word)) continue
        const run = flip ? options.similarity(word, joined) : options.similarity(joined, word)
        if (end - start === 2) pairs.set(start * 64 + j, run)
        if (run < options.minSimilarity) continue
        const without = (from: number, to: number): number => to - from === 1
          ? singles[flip ? j * width + from : from * width + j] ?? 0
          : pairs.get(from * 64 + j) ?? (flip ? options.similarity(word, options.join(side, from, to)) : options.similarity(options.join(side, from, to), word))
        if (without(start + 1, end) >= run || without(start, end - 1) >= run) continue
        const indices = range(start, end)
        const weight = sumWeights(side, indices) + word.weight
        candidates.push(flip ? { a: [j], b: indices, similarity: run, weight } : { a: indices, b: [j], similarity: run, weight })
      }
    }
  }
}

// Names of up to this many words are aligned exactly (`optimalAlignment`), longer ones greedily.
const EXACT_WORDS = 12

/**
 * The alignment of highest similarity. Greedy by similarity can take "نور" ~ "Nuri" before
 * "نور الله" ~ "Nurullah" and strand "نوری"; this one cannot. The similarity is a ratio
 * (matched / total, the total growing with unmatched words), maximised as in Dinkelbach's
 * method: with `ratio` the best similarity so far, find the choice of pairs that maximises
 * Σ weight × (similarity + ratio × (penalty − 1)) by dynamic programming over the words of
 * `a` in order and the set of words of `b` used; repeat while the similarity improves.
 */
function optimalAlignment<T extends AlignedWord> (
  a: readonly T[], b: readonly T[], candidates: readonly Candidate[], options: AlignOptions<T>, greedy: Alignment
): Alignment {
  const byStart: Candidate[][] = a.map(() => [])
  for (const c of candidates) byStart[c.a[0] ?? 0]?.push(c)
  const extra = (options.unmatchedPenalty ?? 1) - 1
  let best = greedy
  for (let round = 0; round < 4; round++) {
    const bonus = best.similarity * extra
    const memo = new Map<number, number>()
    const choice = new Map<number, Candidate | null>()
    const solve = (i: number, usedB: number): number => {
      if (i >= a.length) return 0
      const key = i * 65536 + usedB
      const known = memo.get(key)
      if (known !== undefined) return known
      let value = solve(i + 1, usedB)
      let chosen: Candidate | null = null
      for (const c of byStart[i] ?? []) {
        let mask = 0
        for (const j of c.b) mask |= 1 << j
        if ((usedB & mask) !== 0) continue
        const v = c.weight * (c.similarity + bonus) + solve(i + c.a.length, usedB | mask)
        if (v > value) {
          value = v
          chosen = c
        }
      }
      memo.set(key, value)
      choice.set(key, chosen)
      return value
    }
    solve(0, 0)
    const pairs: Candidate[] = []
    for (let i = 0, usedB = 0; i < a.length;) {
      const c = choice.get(i * 65536 + usedB) ?? null
      if (c === null) {
        i++
        continue
      }
      pairs.push(c)
      for (const j of c.b) usedB |= 1 << j
      i += c.a.length
    }
    const alignment = select(a, b, pairs.sort((x, y) => y.similarity - x.similarity), options)
    if (alignment.similarity <= best.similarity + 1e-9) break
    best = alignment
  }
  return best
}

// Takes candidates in order, each whose words are all still free.
function select<T extends AlignedWord> (a: readonly T[], b: readonly T[], candidates: readonly Candidate[], options: AlignOptions<T>): Alignment {
  const usedA = new Uint8Array(a.length)
  const usedB = new Uint8Array(b.length)
  const pairs: WordPair[] = []
  let matched = 0
  for (const c of candidates) {
    if (c.a.some((i) => usedA[i] === 1) || c.b.some((j) => usedB[j] === 1)) continue
    for (const i of c.a) usedA[i] = 1
    for (const j of c.b) usedB[j] = 1
    pairs.push({ a: c.a, b: c.b, similarity: c.similarity })
    matched += c.similarity * c.weight
  }
  const unmatchedA = range(0, a.length).filter((i) => usedA[i] === 0)
  const unmatchedB = range(0, b.length).filter((j) => usedB[j] === 0)
  const optional = options.optional ?? (() => false)
  const unmatched = sumWeights(a, unmatchedA.filter((i) => !optional(a[i] as T))) + sumWeights(b, unmatchedB.filter((j) => !optional(b[j] as T)))
  const total = sumWeights(a, range(0, a.length)) + sumWeights(b, range(0, b.length)) + ((options.unmatchedPenalty ?? 1) - 1) * unmatched
  return { similarity: total === 0 ? 0 : matched / total, pairs, unmatchedA, unmatchedB }
}

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

function sumWeights (words: readonly AlignedWord[], indices: readonly number[]): number {
  let sum = 0
  for (const i of indices) sum += words[i]?.weight ?? 0
  return sum
}

function range (from: number, to: number): number[] {
  const out: number[] = []
  for (let i = from; i < to; i++) out.push(i)
  return out
}
