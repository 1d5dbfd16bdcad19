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
  /** The weight of the pair's words, both sides: the pair adds similarity × weight ÷ `Alignment.total`. */
  weight: number
  /** A pair given by `AlignOptions.extraPairs`, and what it is ("acronym"). */
  kind?: string
}

export interface Alignment {
  /** Σ pair similarity × pair weight ÷ `total`. */
  similarity: number
  /** The weight of all the words of both sides, an unmatched word counting `unmatchedPenalty` times. */
  total: number
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
  /**
   * More pairs to consider, each of a word and a run of adjacent words (either way round),
   * with their similarity and what they are: an acronym and the words it spells.
   */
  extraPairs?: ReadonlyArray<{ a: number[], b: number[], similarity: number, kind: string }>
}

function closeInLength (joined: AlignedWord, word: AlignedWord): boolean {
  return word.key[0] === joined.key[0] && Math.abs(word.key.length - joined.key.length) <= 2 + joined.key.length / 4
}

interface Candidate { a: number[], b: number[], similarity: number, weight: number, kind?: string }

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
  for (const extra of options.extraPairs ?? []) {
    if (extra.similarity >= options.minSimilarity) candidates.push({ ...extra, weight: sumWeights(a, extra.a) + sumWeights(b, extra.b) })
  }
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
    const pair = { a: c.a, b: c.b, similarity: c.similarity, weight: c.weight }
    pairs.push(c.kind === undefined ? pair : { ...pair, kind: c.kind })
    matched += c.similarity * c.weight
  }
  const unmatchedA = range(0, a.length).filter((i) => usedA[i] === 0)
  const unmatchedB = range(0, b.length).filter((j) => usedB[j] === 0)
  const optional = options.optional ?? (() => false)
  const unmatched = sumWeights(a, unmatchedA.filter((i) => !optional(a[i] as T))) + sumWeights(b, unmatchedB.filter((j) => !optional(b[j] as T)))
  const total = sumWeights(a, range(0, a.length)) + sumWeights(b, range(0, b.length)) + ((options.unmatchedPenalty ?? 1) - 1) * unmatched
  return { similarity: total === 0 ? 0 : matched / total, total, pairs, unmatchedA, unmatchedB }
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
