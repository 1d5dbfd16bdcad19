/**
 * Hard negatives for bench/matching-eval's perturbed variants: other parties of the same list
 * whose names a matcher could take for the source's. Found with the bench's own word rules
 * (`nameWords`), never the matcher's, so that what counts as a negative does not move with it.
 *
 * - `numbered`: the same name but for a number ("711th" and "715th Research Institute",
 *   "FIRST" and "ELEVENTH OCEAN ADMINISTRATION GMBH");
 * - `place`: the same name but for a country or city in it, the sibling in another country
 *   ("Huawei Technologies Bahrain" and "Huawei Technologies Lebanon", "Beijing" and "Shanghai
 *   Naura Microelectronics Equipment Co., Ltd.");
 * - `first-word`: the nearest names (by trigrams) that share the source's first word
 *   ("KIM, Jong Un" and "KIM, Yong Chol", "Beijing Institute of …" and "Beijing …").
 *
 * Never a negative: a name the same as the source's once spelling is set aside (same words in
 * any order, or the same letters joined), or a party sharing a name or alias with it: the same
 * party listed twice (the BIS list enters a party once under each of its countries; State's
 * list once per sanction, with or without its acronym in brackets); nor, for `first-word`, a
 * name spelt alike word for word (`spelledAlike`), which may well be the same party again.
 */
import { countryNames, type ListEntry } from './list-entries.js'
import { coreSpan, fold, LEGAL_WORDS, STOP_WORDS } from './perturb.js'

export const NEGATIVE_CLASSES = ['numbered', 'place', 'first-word'] as const
export type NegativeClass = typeof NEGATIVE_CLASSES[number]

export interface HardNegative { entry: ListEntry, negativeClass: NegativeClass }

const PER_CLASS: Record<NegativeClass, number> = { numbered: 3, place: 3, 'first-word': 2 }

const ORDINALS = new Set(['first', 'second', 'third', 'fourth', 'fifth', 'sixth', 'seventh', 'eighth', 'ninth', 'tenth', 'eleventh', 'twelfth',
  'thirteenth', 'fourteenth', 'fifteenth', 'sixteenth', 'seventeenth', 'eighteenth', 'nineteenth', 'twentieth', 'thirtieth', 'fortieth', 'fiftieth'])

// Cities that name the sibling companies of the lists (Chinese, Russian, Gulf), beside every country's English name.
const CITIES = ['beijing', 'shanghai', 'shenzhen', 'guangzhou', 'hangzhou', 'tianjin', 'chengdu', 'wuhan', 'xian', 'nanjing', 'chongqing', 'suzhou',
  'hefei', 'changsha', 'harbin', 'dalian', 'qingdao', 'xiamen', 'zhuhai', 'dongguan', 'ningbo', 'shenyang', 'jinan', 'zhengzhou', 'kunming', 'wuxi',
  'moscow', 'st petersburg', 'saint petersburg', 'novosibirsk', 'yekaterinburg', 'kazan', 'minsk', 'kiev', 'kyiv', 'dubai', 'sharjah', 'abu dhabi',
  'tehran', 'istanbul', 'karachi', 'lahore', 'islamabad', 'kabul', 'damascus', 'beirut', 'baghdad', 'singapore', 'hong kong', 'taipei']

/** A name's words as negatives are found by: folded, legal forms at either end set aside, split at anything but letters and digits, stop words and legal words left out. */
export function nameWords (name: string): string[] {
  const core = coreSpan(name)
  return fold(name.slice(core.start, core.end)).split(/[^\p{L}\p{N}]+/u).filter((w) => w !== '' && !STOP_WORDS.has(w) && !LEGAL_WORDS.has(w))
}

interface Info {
  words: string[]
  /** The words without what stands in brackets ("(SBIG)", "(Beijing)"). */
  plainWords: string[]
  grams: Set<string>
  /** Every name and alias, as its words sorted and as its letters joined. */
  spellings: Set<string>
  numbered: { key: string, numbers: string } | undefined
  placed: { key: string, places: string } | undefined
}

export class HardNegatives {
  private readonly infos = new Map<ListEntry, Info>()
  private readonly groups = new Map<string, ListEntry[]>()
  private readonly places: string[]

  constructor (entries: readonly ListEntry[]) {
    this.places = [...new Set([...countryNames(), ...CITIES])].filter((p) => p.length >= 4 || p === 'uk' || p === 'uae').sort((a, b) => b.length - a.length)
    for (const entry of entries) {
      const info = this.info(entry)
      const first = info.words[0]
      if (first !== undefined) this.group(`${entry.list}|first|${first}`, entry)
      if (info.numbered !== undefined) this.group(`${entry.list}|numbered|${info.numbered.key}`, entry)
      if (info.placed !== undefined) this.group(`${entry.list}|place|${info.placed.key}`, entry)
    }
  }

  /** Whether the entry has a numbered or place sibling on its list: sources worth choosing first. */
  hasSiblings (entry: ListEntry): boolean {
    return this.negativesOf(entry).some((n) => n.negativeClass !== 'first-word')
  }

  /** The entry's hard negatives, nearest first within each class; each other party at most once, in its most specific class. */
  negativesOf (entry: ListEntry): HardNegative[] {
    const info = this.info(entry)
    const taken = new Set<ListEntry>([entry])
    const out: HardNegative[] = []
    const add = (negativeClass: NegativeClass, candidates: ListEntry[], differs: (other: Info) => boolean) => {
      const ranked = candidates
        .filter((other) => !taken.has(other) && differs(this.info(other)) && !this.sameParty(info, this.info(other)))
        .map((other) => ({ other, similarity: jaccard(info.grams, this.info(other).grams) }))
        .sort((a, b) => b.similarity - a.similarity || (a.other.key < b.other.key ? -1 : 1))
        .slice(0, PER_CLASS[negativeClass])
      for (const { other } of ranked) {
        taken.add(other)
        out.push({ entry: other, negativeClass })
      }
    }
    if (info.numbered !== undefined) {
      const numbers = info.numbered.numbers
      add('numbered', this.groups.get(`${entry.list}|numbered|${info.numbered.key}`) ?? [], (other) => other.numbered?.numbers !== numbers)
    }
    if (info.placed !== undefined) {
      const places = info.placed.places
      add('place', this.groups.get(`${entry.list}|place|${info.placed.key}`) ?? [], (other) => other.placed?.places !== places)
    }
    const first = info.words[0]
    if (first !== undefined) add('first-word', this.groups.get(`${entry.list}|first|${first}`) ?? [], (other) => !spelledAlike(info.plainWords, other.plainWords))
    return out
  }

  private group (key: string, entry: ListEntry): void {
    const list = this.groups.get(key) ?? []
    list.push(entry)
    this.groups.set(key, list)
  }

  private sameParty (a: Info, b: Info): boolean {
    for (const spelling of a.spellings) if (b.spellings.has(spelling)) return true
    return false
  }

  private info (entry: ListEntry): Info {
    let found = this.infos.get(entry)
    if (found !== undefined) return found
    const words = nameWords(entry.name)
    const spellings = new Set<string>()
    for (const name of [entry.name, ...entry.aliases].flatMap((n) => [n, n.replace(/\([^)]*\)/g, ' ')])) {
      const w = nameWords(name)
      if (w.length === 0) continue
      spellings.add(`w:${[...w].sort().join(' ')}`)
      spellings.add(`j:${w.join('')}`)
    }
    found = { words, plainWords: nameWords(entry.name.replace(/\([^)]*\)/g, ' ')), grams: trigrams(words), spellings, numbered: numberedKey(words), placed: this.placeKey(words) }
    this.infos.set(entry, found)
    return found
  }

  // The name with its places written as "#", when it has one and another word of three letters or more.
  private placeKey (words: string[]): { key: string, places: string } | undefined {
    let text = ` ${words.join(' ')} `
    const found: string[] = []
    for (const place of this.places) {
      const padded = ` ${place} `
      while (text.includes(padded)) {
        found.push(place)
        text = text.replace(padded, ' # ')
      }
    }
    const key = text.trim()
    if (found.length === 0 || !key.split(' ').some((w) => w !== '#' && w.length >= 3)) return undefined
    return { key, places: found.sort().join('+') }
  }
}

/** Whether two names are probably one party spelt two ways (`spelledAlike`), what stands in brackets set aside. */
export function namesAlike (a: string, b: string): boolean {
  const plain = (name: string) => nameWords(name.replace(/\([^)]*\)/g, ' '))
  return spelledAlike(plain(a), plain(b))
}

/**
 * Whether two names' words are probably one party's spelt two ways: as many words, each alike its own
 * word of the other, in order or sorted ("Tactical Missile" and "Tactical Missiles Corporation
 * JSC", "Shahid Bakeri Industries" and "Industrial Group", State's "Organziation"). Words are
 * alike when equal, when they share a beginning of five letters or more and most of the shorter
 * word, or when two edits or fewer part words of six letters or more.
 */
export function spelledAlike (a: readonly string[], b: readonly string[]): boolean {
  if (a.length !== b.length || a.length === 0) return false
  const alike = (x: string, y: string): boolean => {
    if (x === y) return true
    let prefix = 0
    while (prefix < x.length && x[prefix] === y[prefix]) prefix++
    if (prefix >= 5 && prefix >= 0.7 * Math.min(x.length, y.length)) return true
    return Math.min(x.length, y.length) >= 6 && editDistance(x, y) <= 2
  }
  const inOrder = (x: readonly string[], y: readonly string[]) => x.every((w, i) => alike(w, y[i] ?? ''))
  return inOrder(a, b) || inOrder([...a].sort(), [...b].sort())
}

function editDistance (a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j)
  for (let i = 1; i <= a.length; i++) {
    const current = [i]
    for (let j = 1; j <= b.length; j++) {
      current[j] = Math.min((previous[j] ?? 0) + 1, (current[j - 1] ?? 0) + 1, (previous[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1))
    }
    previous = current
  }
  return previous[b.length] ?? 0
}

// The name with its numbers ("711th", "12", "FIRST") written as "#", when it has one and another word of three letters or more.
function numberedKey (words: string[]): { key: string, numbers: string } | undefined {
  const numbers: string[] = []
  const key = words.map((w) => {
    if (!/\d/.test(w) && !ORDINALS.has(w)) return w
    numbers.push(w)
    return '#'
  })
  if (numbers.length === 0 || !key.some((w) => w !== '#' && w.length >= 3)) return undefined
  return { key: key.join(' '), numbers: numbers.join('+') }
}

// pg_trgm-style trigrams: each word padded with two spaces in front and one behind.
function trigrams (words: string[]): Set<string> {
  const out = new Set<string>()
  for (const w of words) {
    const padded = `  ${w} `
    for (let i = 0; i + 3 <= padded.length; i++) out.add(padded.slice(i, i + 3))
  }
  return out
}

function jaccard (a: Set<string>, b: Set<string>): number {
  let shared = 0
  for (const g of a) if (b.has(g)) shared++
  return shared === 0 ? 0 : shared / (a.size + b.size - shared)
}
