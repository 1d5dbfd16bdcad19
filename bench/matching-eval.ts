/**
 * bench/matching-eval: precision and recall of the party-name matcher on real sanctions and
 * export-control lists, per kind of name variant.
 *
 *   npm run bench:matching [-- --data ../shared/data --threshold 0.85 --worst 15]
 *
 * `--dump FILE` writes every pair, its kind and score as JSON lines, to study.
 *
 * Reads the UN Consolidated List, the OFAC SDN list and the BIS Entity List from the shared
 * data folder (see its README). Positives: a listed party's primary name against each of its
 * other names. Negatives: the same query name against the two nearest names (by trigram
 * similarity) of other parties of the same list. Every pair goes through the real
 * `scoreParty`, names only. The rules that sort pairs into kinds are in `classifyPair` and
 * docs/matching.md.
 */
import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'
import { parse } from 'csv-parse/sync'
import {
  DEFAULT_PARTY_THRESHOLD, levenshtein, phoneticKey, prepareName, prepareParty, scoreParty, toLatinWords,
  type PartyMatch, type PreparedParty
} from '../src/matching/index.js'

const { values: args } = parseArgs({
  options: {
    data: { type: 'string', default: fileURLToPath(new URL('../../shared/data', import.meta.url)) },
    threshold: { type: 'string', default: String(DEFAULT_PARTY_THRESHOLD) },
    worst: { type: 'string', default: '15' },
    dump: { type: 'string' }
  }
})
const THRESHOLD = Number(args.threshold)
const WORST = Number(args.worst)

type AltType = 'aka' | 'fka' | 'original-script'
interface ListedName { text: string, alt: AltType | 'primary' }
interface Party { list: string, id: string, names: ListedName[] }

const SPELLING_KINDS = ['case-punctuation', 'legal-form', 'word-order', 'joined-split', 'original-script', 'transliteration-typo'] as const
const OTHER_KINDS = ['partial', 'acronym', 'unrelated-alias', 'unrelated-fka'] as const
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

// Rules, first that applies wins. Words: toLatinWords of the name; core words: the words that
// `prepareName` keeps (legal forms, stop words and titles set aside).
function classifyPair (primary: string, other: ListedName): Kind {
  if (other.alt === 'original-script') return 'original-script'
  const a = toLatinWords(primary).map((w) => w.text)
  const b = toLatinWords(other.text).map((w) => w.text)
  if (a.join(' ') === b.join(' ')) return 'case-punctuation'
  const coreA = coreWords(primary)
  const coreB = coreWords(other.text)
  if (coreA.join(' ') === coreB.join(' ')) return 'legal-form'
  if ([...coreA].sort().join(' ') === [...coreB].sort().join(' ')) return 'word-order'
  if (coreA.join('') === coreB.join('')) return 'joined-split'
  if (isAcronym(coreA, a, b) || isAcronym(coreB, b, a)) return 'acronym'
  const relatedA = coreA.filter((x) => coreB.some((y) => related(x, y, coreB)))
  const relatedB = coreB.filter((y) => coreA.some((x) => related(y, x, coreA)))
  if (relatedA.length === coreA.length && relatedB.length === coreB.length) return 'transliteration-typo'
  if (relatedA.length > 0 || relatedB.length > 0) return 'partial'
  return other.alt === 'fka' ? 'unrelated-fka' : 'unrelated-alias'
}

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

function coreWords (name: string): string[] {
  return info(name).core
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

// Two words are related when they meet under romanisation folding, differ in at most 40% of
// their letters, one contains the other (3 letters or more), or one contains a word of the
// other name joined to its neighbour. Deliberately lenient: a pair with any related word is
// not "unrelated".
function related (x: string, y: string, others: string[]): boolean {
  const px = phoneticKey(x)
  const py = phoneticKey(y)
  if (px === py) return true
  if (levenshtein(px, py) <= 0.4 * Math.max(px.length, py.length)) return true
  if (Math.min(x.length, y.length) >= 3 && (x.includes(y) || y.includes(x))) return true
  const i = others.indexOf(y)
  const joined = i >= 0 ? others.slice(i, i + 2).join('') : y
  return joined.length > y.length && (x.includes(joined) || joined.includes(x))
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

function main (): void {
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
  process.stdout.write(out.join('\n') + '\n')
  if (args.dump !== undefined) {
    writeFileSync(args.dump, pairs.map((p) => JSON.stringify({ ...p, match: undefined, score: p.match?.score, note: p.match?.features[0]?.note })).join('\n'))
  }
}

function byScore (a: Pair, b: Pair): number {
  return (a.match?.score ?? 0) - (b.match?.score ?? 0)
}

function describe (p: Pair): string {
  const note = p.match?.features[0]?.note ?? ''
  return `  ${(p.match?.score ?? 0).toFixed(2)} ${p.list} ${p.kind}: "${p.query}" vs "${p.candidate}" [${note}]`
}

main()
