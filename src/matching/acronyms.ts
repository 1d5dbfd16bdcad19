/** A word of a name as acronyms read it: its letters, and whether an acronym may leave it out. */
export interface SpelledWord {
  text: string
  /** Stop words, generic words, legal forms and numbers: an acronym may spell them or leave them out ("CETC" leaves out "Group"). */
  skippable: boolean
}

/**
 * The runs of `words` that `acronym` spells: each of its letters begins a word or, with
 * `prefixes` above 1, continues the one before it (up to that many letters of a word), the
 * words in order, a skippable word spelt or left out, every other word spelt, and at least two
 * words spelt. A run is given as [start, end) and begins and ends with a spelt word. "CETC"
 * spells "China Electronics Technology Group Corporation", "IAP" "Institute of Applied
 * Physics", and with prefixes of up to three letters "AVIC" "Aviation Industry Corporation".
 */
export function spelledRuns (acronym: string, words: readonly SpelledWord[], prefixes = 1): Array<[number, number]> {
  const runs: Array<[number, number]> = []
  if (acronym.length < 2) return runs
  for (let start = 0; start < words.length; start++) {
    if (words[start]?.text[0] !== acronym[0]) continue
    for (const end of spellFrom(acronym, words, start, prefixes)) runs.push([start, end])
  }
  return runs
}

/**
 * Whether `acronym` spells the whole of `words` (prefixes of up to three letters): every word
 * that is not skippable, or, when all are ("National University of Defense Technology",
 * "China Electronics Technology Group Corporation 13th Research Institute"), a run from the
 * first word.
 */
export function spellsWhole (acronym: string, words: readonly SpelledWord[]): boolean {
  const first = words.findIndex((w) => !w.skippable)
  let last = words.length - 1
  while (last >= 0 && words[last]?.skippable === true) last--
  return spelledRuns(acronym, words, 3).some(([start, end]) => first < 0 ? start === 0 : start <= first && end > last)
}

// The ends of the runs from `start` that spell `acronym`, the word at `start` spelt first.
function spellFrom (acronym: string, words: readonly SpelledWord[], start: number, prefixes: number): number[] {
  const ends = new Set<number>()
  // state: letter `k` of the acronym, word `i`; `used` words spelt so far
  const visit = (k: number, i: number, used: number): void => {
    if (k === acronym.length) {
      if (used >= 2) ends.add(i)
      return
    }
    for (let j = i; j < words.length; j++) {
      const word = words[j] as SpelledWord
      for (let n = 1; n <= Math.min(prefixes, word.text.length, acronym.length - k); n++) {
        if (word.text.slice(0, n) !== acronym.slice(k, k + n)) break
        visit(k + n, j + 1, used + 1)
      }
      if (j === start && i === start) return // the run begins with a spelt word
      if (!word.skippable) return // only skippable words are left out
    }
  }
  visit(0, start, 0)
  return [...ends]
}
