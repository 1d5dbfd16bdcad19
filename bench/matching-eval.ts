/**
 * bench/matching-eval: precision and recall of the party-name matcher on real sanctions and
 * export-control lists, per kind of name variant, in two evaluations.
 *
 *   npm run bench:matching [-- --data ../shared/data --threshold 0.81 --worst 15]
 *   [--only alias|variants] [--sample 150] [--stored 4000] [--twins 200] [--seed 1] [--batch 25] [--keep]
 *
 * `--dump FILE` writes every pair, its kind and score as JSON lines, to study, then every
 * perturbed variant (lines with `"evaluation":"variants"`).
 *
 * The alias evaluation reads the UN Consolidated List, the OFAC SDN list and the BIS Entity
 * List from the shared data folder (see its README). Positives: a listed party's primary name
 * against each of its other names. Negatives: the same query name against the two nearest
 * names (by trigram similarity) of other parties of the same list. Every pair goes through the
 * real `scoreParty`, names only. The rules that sort pairs into kinds are in `classifyPair` and
 * docs/matching.md.
 *
 * The second evaluation (bench/lib/variant-eval.ts) makes variants of listed names by
 * perturbation (typos, legal forms, joins and splits, word order, acronyms, Cyrillic and Arabic
 * script, diacritics, case and punctuation; bench/lib/perturb.ts), `--sample` of each kind,
 * and screens them through `POST /v1/screenings` against the list entries stored as an ally's
 * denials in a fresh PostgreSQL database (BENCH_PG_URL, default postgres://postgres@127.0.0.1:5432/postgres;
 * created and dropped, or kept with `--keep`), beside hard negatives (numbered siblings,
 * siblings in another place, names sharing the first word): retrieval recall, recall and
 * precision per kind. `--threshold` applies to both evaluations when given.
 */
import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'
import { parse } from 'csv-parse/sync'
import { runVariantEvaluation } from './lib/variant-eval.js'
import {
  DEFAULT_PARTY_THRESHOLD, levenshtein, prepareName, prepareNameForms, prepareParty, scoreParty, toLatinWords,
  type PartyMatch, type PreparedName, type PreparedParty
} from '../src/matching/index.js'

const { values: args } = parseArgs({
  options: {
    data: { type: 'string', default: fileURLToPath(new URL('../../shared/data', import.meta.url)) },
    threshold: { type: 'string' },
    worst: { type: 'string', default: '15' },
    dump: { type: 'string' },
    only: { type: 'string' },
    sample: { type: 'string', default: '150' },
    stored: { type: 'string', default: '4000' },
    twins: { type: 'string', default: '200' },
    seed: { type: 'string', default: '1' },
    batch: { type: 'string', default: '25' },
    keep: { type: 'boolean', default: false }
  }
})
const THRESHOLD = Number(args.threshold ?? DEFAULT_PARTY_THRESHOLD)
const WORST = Number(args.worst)

type AltType = 'aka' | 'fka' | 'original-script'
interface ListedName { text: string, alt: AltType | 'primary' }
interface Party { list: string, id: string, names: ListedName[] }

const SPELLING_KINDS = ['case-punctuation', 'legal-form', 'word-order', 'joined-split', 'original-script', 'transliteration-typo'] as const
const OTHER_KINDS = ['partial', 'original-partial', 'original-translated', 'acronym', 'unrelated-alias', 'unrelated-fka'] as const
type Kind = typeof SPELLING_KINDS[number] | typeof OTHER_KINDS[number]

interface Pair { list: string, kind: Kind, positive: boolean, homonym: boolean, query: string, candidate: string, match?: PartyMatch }

function loadUn (dir: string): Party[] {
  const rows: Array<Record<string, string>> = parse(readFileSync(join(dir, 'un-consolidated-2026/un_names.csv')), { columns: true })
  const parties = new Map<string, Party>()
  for (const row of rows) {
    const id = row.dataid ?? ''
    const party = parties.get(id) ?? { list: 'UN', id, names: [] }
    parties.set(id, party)
    const alt = row.name_type === 'primary' ? 'primary' : row.name_type === 'original_script' ? 'original-script' : row.quality === 'f.k.a.' ? 'fka' : 'aka'
    party.names.push({ text: row.name ?? '', alt })
  }
  return [...parties.values()]
}

function loadOfac (dir: string): Party[] {
  const options = { relax_quotes: true, relax_column_count: true, skip_empty_lines: true } as const
  const sdn: string[][] = parse(readFileSync(join(dir, 'ofac-sdn-2021/sdn.csv'), 'latin1'), options)
  const alt: string[][] = parse(readFileSync(join(dir, 'ofac-sdn-2021/alt.csv'), 'latin1'), options)
  const parties = new Map<string, Party>()
  for (const [id, name, type] of sdn) {
    if (id === undefined || name === undefined || type === undefined || /vessel|aircraft/.test(type)) continue
    parties.set(id, { list: 'OFAC', id, names: [{ text: name, alt: 'primary' }] })
  }
  for (const [id, , type, name] of alt) {
    const party = parties.get(id ?? '')
    if (party !== undefined && name !== undefined) party.names.push({ text: name, alt: type === 'aka' ? 'aka' : 'fka' })
  }
  return [...parties.values()]
}

// The BIS JSON was extracted from the Federal Register text: some aliases carry an address
// or several names ("X; and Y", "X a.k.a. Y"). They are split there, and cut where an address begins.
function loadBis (dir: string): Party[] {
  const list = JSON.parse(readFileSync(join(dir, 'us-restricted-lists-2026/bis_entity_list.json'), 'utf8')) as {
    entities: Array<{ name: string, aliases: string[] }>
  }
  return list.entities.map((e, i) => ({
    list: 'BIS',
    id: String(i),
    names: [{ text: e.name, alt: 'primary' as const }, ...e.aliases.flatMap(cleanBisAlias).map((text) => ({ text, alt: 'aka' as const }))]
  }))
}

function cleanBisAlias (alias: string): string[] {
  return alias.split(/;\s*(?:and\b\s*)?|,?\s*\(?a\.k\.a\.,?\s*/i)
    .map((part) => part.split(/,\s*(?:\d|No\.|Room|Bldg|Building|Floor)|\.\s+No\.\s/)[0] ?? '')
    .map((part) => part.replace(/\s+and$/i, '').trim())
    .filter((part) => /\p{L}.*\p{L}/u.test(part))
}

// Kinds from the most to the least alike: a pair takes the best kind of any pair of its forms.
const KIND_ORDER: readonly Kind[] = ['case-punctuation', 'legal-form', 'word-order', 'joined-split', 'original-script', 'transliteration-typo',
  'acronym', 'partial', 'original-partial', 'original-translated', 'unrelated-alias', 'unrelated-fka']

// A name is read as the matcher reads it (`prepareNameForms`): each part of a list ("X; Y") and
// each name set aside from parentheses ("(EBCC)", "(original script: …)") is a form of its own.
// The pair's kind is the best kind of any pair of forms, two parenthetical forms excepted, as
// `scoreParty` compares forms the same way.
function classifyPair (primary: string, other: ListedName): Kind {
  let best = KIND_ORDER.length - 1
  for (const a of prepareNameForms(primary)) {
    for (const b of prepareNameForms(other.text)) {
      if (a.parenthetical && b.parenthetical) continue
      best = Math.min(best, KIND_ORDER.indexOf(classifyForms(a, b, other.alt)))
    }
  }
  return KIND_ORDER[best] ?? 'unrelated-alias'
}

// Rules, first that applies wins. Words: toLatinWords of the form; core words: the words that
// `prepareName` keeps (legal forms, stop words and titles set aside). Whether two words are
// related is decided by the bench's own rules (`related`, `CLASSIFY_KEY`), never by the
// matcher's similarity, so that improving the matcher does not move pairs between kinds.
function classifyForms (primary: PreparedName, other: PreparedName, alt: ListedName['alt']): Kind {
  const termsA = coreTerms(primary)
  const termsB = coreTerms(other)
  if (alt === 'original-script') {
    if (correspond(termsB, termsA)) return 'original-script'
    return anyRelated(termsB, termsA) ? 'original-partial' : 'original-translated'
  }
  const coreA = termsA.map((t) => t.text)
  const coreB = termsB.map((t) => t.text)
  const a = toLatinWords(primary.source).map((w) => w.text)
  const b = toLatinWords(other.source).map((w) => w.text)
  if (a.join(' ') === b.join(' ')) return 'case-punctuation'
  if (coreA.join(' ') === coreB.join(' ')) return 'legal-form'
  if ([...coreA].sort().join(' ') === [...coreB].sort().join(' ')) return 'word-order'
  if (coreA.join('') === coreB.join('')) return 'joined-split'
  if (isAcronym(coreA, a, b) || isAcronym(coreB, b, a)) return 'acronym'
  if (correspond(termsA, termsB)) return 'transliteration-typo'
  if (anyRelated(termsA, termsB)) return 'partial'
  return alt === 'fka' ? 'unrelated-fka' : 'unrelated-alias'
}

function coreTerms (form: PreparedName): Term[] {
  return form.words.filter((w) => w.role !== 'stop').map((w) => ({ text: w.text, abjad: w.abjad }))
}

interface Term { text: string, abjad: boolean }
interface NameInfo { core: string[], keys: string[], grams: Set<string> }
const infos = new Map<string, NameInfo>()

function info (name: string): NameInfo {
  let found = infos.get(name)
  if (found === undefined) {
    const words = prepareName(name).words.filter((w) => w.role !== 'stop')
    const core = words.map((w) => w.text)
    infos.set(name, found = { core, keys: words.map((w) => w.key), grams: trigrams(core) })
  }
  return found
}

// An acronym: one word of 2 to 8 letters (or single letters) whose letters are, in order, the
// initials of the other name's words (all of them, or a subsequence starting with the first).
function isAcronym (core: string[], words: string[], other: string[]): boolean {
  const letters = core.length === 1 ? core[0] ?? '' : core.every((w) => w.length === 1) ? core.join('') : ''
  if (letters.length < 2 || letters.length > 8 || words.length > core.length + 2) return false
  const initials = other.map((w) => w[0] ?? '').join('')
  if (initials[0] !== letters[0]) return false
  let k = 0
  for (const c of initials) if (c === letters[k]) k++
  return k === letters.length
}

// The bench's own romanisation folding and consonant skeleton, frozen copies of the matcher's
// `phoneticKey` and `consonantKey` of 2026-11-23: kinds must not follow the matcher's changes.
const CLASSIFY_KEY: Array<[RegExp, string]> = [
  [/^abd[aeiou]l?/, 'abd'], [/[aeiou]l?d+ine?$/, 'aldin'], [/tsch|tch/g, 'ch'], [/dzh|dsch|dj/g, 'j'], [/shch|sch|shh/g, 'sh'],
  [/c(?=[aou]|$)/g, 'k'], [/ts|tz|cz/g, 'c'], [/th/g, 't'], [/dh/g, 'd'], [/gh/g, 'g'], [/ph/g, 'f'], [/kh/g, 'h'], [/ck|q/g, 'k'],
  [/x/g, 'ks'], [/w/g, 'v'], [/ou|oo/g, 'u'], [/ee/g, 'i'], [/[yj]/g, 'i'], [/ei/g, 'ai'], [/(?<=[aeiou])i(?=[aeiou])/g, ''],
  [/off$/g, 'ov'], [/(.)\1+/g, '$1']
]
const CLASSIFY_SKELETON: Array<[RegExp, string]> = [
  [/tch|tsch/g, 'ch'], [/dzh|dj/g, 'j'], [/th/g, 't'], [/dh/g, 'd'], [/gh/g, 'g'], [/kh/g, 'h'], [/ph/g, 'f'], [/ch/g, 'sh'],
  [/q|c(?=[aou]|$)|ck/g, 'k'], [/x/g, 'ks'], [/[aeiouyvw]/g, ''], [/(.)\1+/g, '$1'], [/(?<=.)h$/, ''], [/^bdl(?=.)/, 'bd']
]

function fold (word: string, rules: Array<[RegExp, string]>): string {
  return rules.reduce((key, [pattern, replacement]) => key.replace(pattern, replacement), word)
}

// Two words are related when they meet under romanisation folding (or, for a word written in an
// abjad, by consonant skeleton), differ in at most 40% of their letters, or one contains the
// other (3 letters or more). Deliberately lenient.
function related (x: Term, y: Term): boolean {
  const [kx, ky] = keysOf(x, y)
  if (kx === ky) return true
  if (levenshtein(kx, ky) <= 0.4 * Math.max(kx.length, ky.length)) return true
  return Math.min(x.text.length, y.text.length) >= 3 && (x.text.includes(y.text) || y.text.includes(x.text))
}

// A run of adjacent words written together relates to a word more strictly: the same key, or at
// most 25% of letters edited where each end word of the run brings the run closer to the word
// ("Abd al Rahman" and "Abdulrahman", "Kheir Beik" and "Khayrbik"; not "Vladimir P." and
// "Vladimir", nor "Semiconductors Stock" and "Semiconductors").
function relatedRun (run: Term[], y: Term): boolean {
  const distance = (terms: Term[]): number => {
    const [kx, ky] = keysOf(joinTerms(terms), y)
    return kx === ky ? 0 : levenshtein(kx, ky)
  }
  const [kx, ky] = keysOf(joinTerms(run), y)
  if (kx === ky) return true
  const d = distance(run)
  return d <= 0.25 * Math.max(kx.length, ky.length) && d < distance(run.slice(1)) && d < distance(run.slice(0, -1))
}

function keysOf (x: Term, y: Term): [string, string] {
  const rules = x.abjad || y.abjad ? CLASSIFY_SKELETON : CLASSIFY_KEY
  return [fold(x.text, rules), fold(y.text, rules)]
}

function joinTerms (terms: Term[]): Term {
  return { text: terms.map((t) => t.text).join(''), abjad: terms.some((t) => t.abjad) }
}

// Whether any word, or run of two adjacent words, of one name is related to a word of the other.
function anyRelated (a: Term[], b: Term[]): boolean {
  const pairs = (terms: Term[]): Term[][] => terms.slice(1).map((t, i) => [terms[i] as Term, t])
  return a.some((x) => b.some((y) => related(x, y))) ||
    pairs(a).some((run) => b.some((y) => relatedRun(run, y))) ||
    pairs(b).some((run) => a.some((x) => relatedRun(run, x)))
}

/**
 * Whether the words of two names correspond one to one: every word of each name is related to
 * its own word of the other, or a run of two or three adjacent words, written together, to one
 * word of the other ("abd al rahman" and "abdulrahman"). A word added, dropped or repeated
 * breaks the correspondence. Exact search with backtracking over names of up to 30 words.
 */
function correspond (a: Term[], b: Term[]): boolean {
  if (a.length === 0 || b.length === 0 || a.length > 30 || b.length > 30) return false
  const full = (n: number): number => n === 30 ? 0x3fffffff : (1 << n) - 1
  const failed = new Set<string>()
  const run = (terms: Term[], used: number, start: number, length: number): Term[] | undefined => {
    if (start + length > terms.length) return undefined
    for (let k = start; k < start + length; k++) if ((used & (1 << k)) !== 0) return undefined
    return terms.slice(start, start + length)
  }
  const mask = (start: number, length: number): number => ((1 << length) - 1) << start
  const cover = (usedA: number, usedB: number): boolean => {
    if (usedA === full(a.length)) return usedB === full(b.length)
    const state = `${usedA},${usedB}`
    if (failed.has(state)) return false
    let i = 0
    while ((usedA & (1 << i)) !== 0) i++
    // a[i] alone against one to three words of b, or a run of a starting at a[i] against one word
    const shapes: Array<[number, number]> = [[1, 1], [1, 2], [1, 3], [2, 1], [3, 1]]
    for (let j = 0; j < b.length; j++) {
      for (const [la, lb] of shapes) {
        const x = run(a, usedA, i, la)
        const y = run(b, usedB, j, lb)
        if (x === undefined || y === undefined) continue
        const fits = la > 1 ? relatedRun(x, y[0] as Term) : lb > 1 ? relatedRun(y, x[0] as Term) : related(x[0] as Term, y[0] as Term)
        if (fits && cover(usedA | mask(i, la), usedB | mask(j, lb))) return true
      }
    }
    failed.add(state)
    return false
  }
  return cover(0, 0)
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

// Trigrams found in more names than this are skipped when looking for neighbours, as a stop
// list: they are mostly word beginnings such as "  a" and "  s" that every list shares.
const COMMON_TRIGRAM = 1000

interface Indexed { party: Party, text: string, grams: Set<string> }

function buildIndex (parties: Party[]): { entries: Indexed[], postings: Map<string, number[]>, shared: Uint16Array } {
  const entries: Indexed[] = []
  const postings = new Map<string, number[]>()
  for (const party of parties) {
    for (const name of party.names) {
      if (name.alt === 'original-script') continue
      const grams = info(name.text).grams
      const n = entries.push({ party, text: name.text, grams }) - 1
      for (const g of grams) {
        const list = postings.get(g) ?? []
        list.push(n)
        postings.set(g, list)
      }
    }
  }
  return { entries, postings, shared: new Uint16Array(entries.length) }
}

function nearestOthers (query: string, party: Party, index: ReturnType<typeof buildIndex>, count: number): string[] {
  const grams = info(query).grams
  if (index.shared.length < index.entries.length) index.shared = new Uint16Array(index.entries.length)
  const shared = index.shared
  const touched: number[] = []
  for (const g of grams) {
    const list = index.postings.get(g) ?? []
    if (list.length > COMMON_TRIGRAM) continue
    for (const n of list) if ((shared[n] = (shared[n] ?? 0) + 1) === 1) touched.push(n)
  }
  // The best entry of each of the `count` nearest other parties, kept in a short sorted list.
  const top: Array<{ entry: Indexed, sim: number }> = []
  for (const n of touched) {
    const s = shared[n] ?? 0
    shared[n] = 0
    const entry = index.entries[n]
    if (entry === undefined || entry.party === party) continue
    const sim = s / (grams.size + entry.grams.size - s)
    const same = top.findIndex((t) => t.entry.party === entry.party)
    if (same >= 0) {
      if ((top[same]?.sim ?? 0) >= sim) continue
      top.splice(same, 1)
    }
    if (top.length === count && (top[count - 1]?.sim ?? 0) >= sim) continue
    top.push({ entry, sim })
    top.sort((x, y) => y.sim - x.sim)
    if (top.length > count) top.pop()
  }
  return top.map((t) => t.entry.text)
}

// Different parties whose names are the same once spelling is normalised (same phonetic words
// in any order, or the same letters once joined, stop words included): no name matcher can or
// should tell them apart.
function isHomonym (a: string, b: string): boolean {
  const ka = info(a).keys
  const kb = info(b).keys
  const joined = (name: string): string => prepareName(name).words.map((w) => w.key).join('')
  return [...ka].sort().join(' ') === [...kb].sort().join(' ') || ka.join('') === kb.join('') || joined(a) === joined(b)
}

function buildPairs (parties: Party[]): Pair[] {
  const index = buildIndex(parties)
  const pairs: Pair[] = []
  for (const party of parties) {
    const [primary, ...others] = party.names
    if (primary === undefined) continue
    const seen = new Set<string>([primary.text])
    for (const other of others) {
      if (seen.has(other.text)) continue
      seen.add(other.text)
      const kind = classifyPair(primary.text, other)
      pairs.push({ list: party.list, kind, positive: true, homonym: false, query: other.text, candidate: primary.text })
      for (const negative of nearestOthers(other.text, party, index, 2)) {
        pairs.push({ list: party.list, kind, positive: false, homonym: isHomonym(other.text, negative), query: other.text, candidate: negative })
      }
    }
  }
  return pairs
}

interface Counts { positives: number, tp: number, negatives: number, fp: number, homonyms: number, homonymMatches: number }

function count (pairs: Pair[]): Counts {
  const c = { positives: 0, tp: 0, negatives: 0, fp: 0, homonyms: 0, homonymMatches: 0 }
  for (const p of pairs) {
    const hit = p.match?.isMatch === true
    if (p.positive) {
      c.positives++
      if (hit) c.tp++
    } else if (p.homonym) {
      c.homonyms++
      if (hit) c.homonymMatches++
    } else {
      c.negatives++
      if (hit) c.fp++
    }
  }
  return c
}

function row (label: string, c: Counts): string {
  const precision = c.tp + c.fp === 0 ? 1 : c.tp / (c.tp + c.fp)
  const recall = c.positives === 0 ? 1 : c.tp / c.positives
  const f1 = precision + recall === 0 ? 0 : 2 * precision * recall / (precision + recall)
  const cells = [label.padEnd(26), String(c.positives).padStart(6), String(c.negatives).padStart(6), fmt(precision), fmt(recall), fmt(f1),
    String(c.fp).padStart(5), `${c.homonymMatches}/${c.homonyms}`.padStart(9)]
  return cells.join('  ')
}

function fmt (x: number): string {
  return x.toFixed(3).padStart(6)
}

/** The alias evaluation: its report lines and its pairs for `--dump`. */
function aliasEvaluation (): { lines: string[], dump: unknown[] } {
  const started = performance.now()
  const parties = [...loadUn(args.data), ...loadOfac(args.data), ...loadBis(args.data)]
  const pairs = [...['UN', 'OFAC', 'BIS'].flatMap((list) => buildPairs(parties.filter((p) => p.list === list)))]
  const built = performance.now()
  const prepared = new Map<string, PreparedParty>()
  const prepare = (name: string): PreparedParty => {
    let party = prepared.get(name)
    if (party === undefined) prepared.set(name, party = prepareParty({ name }))
    return party
  }
  const scoringStarted = performance.now()
  for (const pair of pairs) pair.match = scoreParty(prepare(pair.query), prepare(pair.candidate), { threshold: THRESHOLD })
  const scored = performance.now()

  const out: string[] = []
  out.push(`matching-eval ${new Date().toISOString().slice(0, 10)}: ${parties.length} parties (UN, OFAC SDN 2021, BIS Entity List), ` +
    `threshold ${THRESHOLD}`)
  out.push(`${pairs.filter((p) => p.positive).length} positive pairs, ${pairs.filter((p) => !p.positive).length} negative pairs; ` +
    `pairs built in ${((built - started) / 1000).toFixed(1)} s, scored in ${((scored - scoringStarted) / 1000).toFixed(1)} s ` +
    `(${((scored - scoringStarted) * 1000 / pairs.length).toFixed(0)} µs a pair)`)
  out.push('aims (all spelling variants): precision >= 0.98 with recall >= 0.95')
  out.push('')
  const header = ['kind'.padEnd(26), 'pos'.padStart(6), 'neg'.padStart(6), '  prec', '   rec', '    F1', '   FP', 'homonyms'.padStart(9)]
  out.push(header.join('  '))
  const spelling = pairs.filter((p) => (SPELLING_KINDS as readonly string[]).includes(p.kind))
  for (const kind of [...SPELLING_KINDS, ...OTHER_KINDS]) {
    out.push(row(kind, count(pairs.filter((p) => p.kind === kind))))
    if (kind === 'transliteration-typo') out.push(row('= all spelling variants', count(spelling)))
  }
  out.push(row('= everything', count(pairs)))
  out.push('')
  for (const list of ['UN', 'OFAC', 'BIS']) out.push(row(`spelling, ${list}`, count(spelling.filter((p) => p.list === list))))
  out.push('')
  out.push('Spelling variants at other thresholds (precision / recall):')
  out.push([0.75, 0.8, 0.85, 0.9, 0.95].map((threshold) => {
    const hits = (p: Pair): boolean => (p.match?.score ?? 0) >= threshold
    const tp = spelling.filter((p) => p.positive && hits(p)).length
    const fp = spelling.filter((p) => !p.positive && !p.homonym && hits(p)).length
    return `  ${threshold.toFixed(2)}: ${fmt(tp / Math.max(1, tp + fp)).trim()} / ${fmt(tp / spelling.filter((p) => p.positive).length).trim()}`
  }).join(''))
  out.push('')
  out.push('Worst misses among spelling variants (lowest scores):')
  for (const p of spelling.filter((p) => p.positive && p.match?.isMatch !== true).sort(byScore).slice(0, WORST)) out.push(describe(p))
  out.push('')
  out.push('Worst false positives (highest scores of different parties, homonyms left out):')
  for (const p of pairs.filter((p) => !p.positive && !p.homonym && p.match?.isMatch === true).sort(byScore).reverse().slice(0, WORST)) {
    out.push(describe(p))
  }
  return { lines: out, dump: pairs.map((p) => ({ ...p, match: undefined, score: p.match?.score, note: p.match?.features[0]?.note })) }
}

async function main (): Promise<void> {
  if (args.only !== undefined && !['alias', 'variants'].includes(args.only)) throw new Error('--only takes alias or variants')
  const dump: unknown[] = []
  if (args.only !== 'variants') {
    const alias = aliasEvaluation()
    process.stdout.write(alias.lines.join('\n') + '\n')
    dump.push(...alias.dump)
  }
  if (args.only !== 'alias') {
    if (args.only !== 'variants') process.stdout.write('\n')
    const variants = await runVariantEvaluation({
      data: args.data,
      perKind: Number(args.sample),
      stored: Number(args.stored),
      twins: Number(args.twins),
      seed: Number(args.seed),
      batch: Number(args.batch),
      threshold: args.threshold === undefined ? undefined : THRESHOLD,
      worst: WORST,
      keep: args.keep
    })
    process.stdout.write(variants.lines.join('\n') + '\n')
    dump.push(...variants.dump)
  }
  if (args.dump !== undefined) writeFileSync(args.dump, dump.map((d) => JSON.stringify(d)).join('\n'))
}

function byScore (a: Pair, b: Pair): number {
  return (a.match?.score ?? 0) - (b.match?.score ?? 0)
}

function describe (p: Pair): string {
  const note = p.match?.features[0]?.note ?? ''
  return `  ${(p.match?.score ?? 0).toFixed(2)} ${p.list} ${p.kind}: "${p.query}" vs "${p.candidate}" [${note}]`
}

await main()
