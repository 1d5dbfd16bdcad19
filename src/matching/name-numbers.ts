import type { NameNumber, NameWord } from './party-types.js'

// English numbers and ordinals up to nineteen, then the tens: "Fifteenth Ocean", "First Design
// Department", "Twenty-First Century" (a ten and a unit next to each other are one number).
const UNITS = ('zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen ' +
  'seventeen eighteen nineteen').split(' ')
const UNIT_ORDINALS = ('zeroth first second third fourth fifth sixth seventh eighth ninth tenth eleventh twelfth thirteenth ' +
  'fourteenth fifteenth sixteenth seventeenth eighteenth nineteenth').split(' ')
const TENS = 'twenty thirty forty fifty sixty seventy eighty ninety'.split(' ')
const TEN_ORDINALS = 'twentieth thirtieth fortieth fiftieth sixtieth seventieth eightieth ninetieth'.split(' ')

const NUMBER_WORDS = new Map<string, number>([
  ...UNITS.map((w, i) => [w, i] as const),
  ...UNIT_ORDINALS.map((w, i) => [w, i] as const),
  ...TENS.map((w, i) => [w, 20 + 10 * i] as const),
  ...TEN_ORDINALS.map((w, i) => [w, 20 + 10 * i] as const)
])

const DIGITS = /^(\d{1,9})(?:st|nd|rd|th)?$/

/**
 * The numbers written in digits inside a word, or undefined when it has none: a run of words
 * written together keeps them ("705thresearch" is not "704th research").
 */
export function digitsOf (text: string): string | undefined {
  return /\d/.test(text) ? text.match(/\d+/g)?.join(' ') : undefined
}

/**
 * The number a word of a name writes, or undefined: digits with or without an English ordinal
 * ending ("711th", "711", "1st"), or an English number or ordinal word ("fifteenth", "first").
 */
export function numberOf (text: string): number | undefined {
  const digits = DIGITS.exec(text)
  if (digits !== null) return Number(digits[1])
  return NUMBER_WORDS.get(text)
}

/**
 * The numbers of a name, in order: each number word, a ten and a unit next to each other
 * counting as one ("twenty first" is 21, as "21st" is).
 */
export function numbersOf (words: readonly NameWord[]): NameNumber[] {
  const out: NameNumber[] = []
  for (let i = 0; i < words.length; i++) {
    const word = words[i] as NameWord
    if (word.number === undefined) continue
    const next = words[i + 1]
    if (word.number >= 20 && word.number < 100 && word.number % 10 === 0 && next?.number !== undefined && next.number > 0 && next.number < 10 &&
      !DIGITS.test(word.text) && !DIGITS.test(next.text)) {
      out.push({ value: word.number + next.number, text: `${word.text} ${next.text}` })
      i++
      continue
    }
    out.push({ value: word.number, text: word.text })
  }
  return out
}

/**
 * Numbers that two names disagree on: a number of each that the other does not write. Names
 * that differ only in a number ("CSSC 711th Research Institute", "CSSC 715th Research
 * Institute"; "Fourteenth Ocean", "Fifteenth Ocean") are different parties. A number only one
 * name writes is not a disagreement ("CASIC 3rd Academy 31 Research Institute", "31st
 * Institute"): the word is unmatched, as any other.
 */
export function differentNumbers (a: readonly NameNumber[], b: readonly NameNumber[]): { ours: NameNumber[], theirs: NameNumber[] } | undefined {
  if (a.length === 0 || b.length === 0) return undefined
  const ours = without(a, b)
  const theirs = without(b, a)
  return ours.length > 0 && theirs.length > 0 ? { ours, theirs } : undefined
}

// The numbers of `a` left once each number of `b` has taken an equal one.
function without (a: readonly NameNumber[], b: readonly NameNumber[]): NameNumber[] {
  const left = [...b.map((n) => n.value)]
  return a.filter((n) => {
    const k = left.indexOf(n.value)
    if (k < 0) return true
    left.splice(k, 1)
    return false
  })
}
