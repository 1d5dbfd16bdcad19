import { legalFamiliesAgree } from './legal-forms.js'
import { prepareNameForms } from './normalise-name.js'
import type {
  MatchFeature, NameKind, NameWord, PartyIdentifier, PartyInput, PartyMatch, PreparedName, PreparedParty, ScoreOptions
} from './party-types.js'
import { alignWords, wordSimilarity, type Alignment } from './text-similarity.js'
import { skeletonJoin, skeletonSimilarity } from './skeleton.js'
import { consonantKey, letterSet, phoneticKey, stemKey, toLatinWords, vowelKey } from './transliterate.js'

/**
 * The score from which two parties are reported as a match. Measured on the bench
 * (bench/matching-eval.ts, docs/matching.md): aliases that are spelling variants of each
 * other score above it, different entities with similar names below.
 */
export const DEFAULT_PARTY_THRESHOLD = 0.85

/** Prepares a party once (names, country, address, identifiers), to score it many times. */
export function prepareParty (input: PartyInput): PreparedParty {
  const names = [
    { source: input.name, kind: 'name' as const },
    ...(input.aliases ?? []).map((source) => ({ source, kind: 'alias' as const }))
  ].filter((n) => n.source.trim() !== '')
  return {
    kind: 'prepared-party',
    names: names.map((n) => ({ ...n, forms: prepareNameForms(n.source) })),
    country: normaliseCountry(input.country),
    addressWords: new Set(toLatinWords(input.address ?? '').map((w) => w.text).filter((w) => w.length > 1)),
    identifiers: (input.identifiers ?? []).map(normaliseIdentifier).filter((id) => id.value !== '')
  }
}

/**
 * Scores how likely `candidate` is the same party as `query`, in [0, 1], and explains it.
 * Every name of the query is compared with every name and alias of the candidate; the best
 * pair carries the name evidence, which identifiers, country, address and legal forms then
 * adjust. Pass `prepareParty` results to score one query against many candidates quickly.
 */
export function scoreParty (query: PartyInput | PreparedParty, candidate: PartyInput | PreparedParty, options: ScoreOptions = {}): PartyMatch {
  const threshold = options.threshold ?? DEFAULT_PARTY_THRESHOLD
  const q = isPrepared(query) ? query : prepareParty(query)
  const c = isPrepared(candidate) ? candidate : prepareParty(candidate)
  const best = bestNamePair(q, c)
  const base = best.similarity
  const features: MatchFeature[] = [{
    feature: 'name',
    value: round(base),
    contribution: round(base),
    note: describeAlignment(best)
  }]
  const legal = compareLegalForms(best.query, best.candidate)
  if (legal !== undefined && base > 0) features.push(legal)
  features.push(...compareIdentifiers(q.identifiers, c.identifiers, base))
  const country = compareCountries(q.country, c.country)
  if (country !== undefined) features.push(country)
  const address = compareAddresses(q.addressWords, c.addressWords)
  if (address !== undefined) features.push(address)
  const score = round(Math.min(1, Math.max(0, features.reduce((sum, f) => sum + f.contribution, 0))))
  const isMatch = score >= threshold
  const matched = { queryName: best.queryName, candidateName: best.candidateName, candidateNameKind: best.candidateNameKind }
  return { score, isMatch, matched, features, explanation: explain(matched, features, score, threshold, isMatch) }
}

function isPrepared (party: PartyInput | PreparedParty): party is PreparedParty {
  return (party as PreparedParty).kind === 'prepared-party'
}

interface NamePair {
  queryName: string
  candidateName: string
  candidateNameKind: NameKind
  query: PreparedName
  candidate: PreparedName
  alignment: Alignment
  similarity: number
}

function bestNamePair (q: PreparedParty, c: PreparedParty): NamePair {
  let best: NamePair | undefined
  for (const qn of q.names) {
    for (const cn of c.names) {
      for (const qf of qn.forms) {
        for (const cf of cn.forms) {
          if (qf.parenthetical && cf.parenthetical) continue
          const alignment = alignNames(qf, cf)
          if (best === undefined || alignment.similarity > best.similarity) {
            best = {
              queryName: qn.source,
              candidateName: cn.source,
              candidateNameKind: cn.kind,
              query: qf,
              candidate: cf,
              alignment,
              similarity: alignment.similarity
            }
          }
        }
      }
    }
  }
  if (best !== undefined) return best
  const empty: PreparedName = { source: '', words: [], legalForms: [], legalWords: [], parenthetical: false }
  return {
    queryName: q.names[0]?.source ?? '',
    candidateName: c.names[0]?.source ?? '',
    candidateNameKind: 'name',
    query: empty,
    candidate: empty,
    alignment: { similarity: 0, pairs: [], unmatchedA: [], unmatchedB: [] },
    similarity: 0
  }
}

function alignNames (a: PreparedName, b: PreparedName): Alignment {
  if (!a.words.some(isTelling) || !b.words.some(isTelling)) {
    return { similarity: 0, pairs: [], unmatchedA: [], unmatchedB: [] }
  }
  const abjad = a.words.some((w) => w.abjad) || b.words.some((w) => w.abjad)
  return alignWords(a.words, b.words, {
    similarity: nameWordSimilarity, join: abjad ? joinWithSkeletons : joinWords, worthJoining, minSimilarity: 0.3, unmatchedPenalty: UNMATCHED_PENALTY, optional
  })
}

function worthJoining (joined: NameWord, word: NameWord): boolean {
  if (joined.abjad || word.abjad) return Math.abs(joined.consonants.length - word.consonants.length) <= 2
  return joined.key[0] === word.key[0] && Math.abs(joined.key.length - word.key.length) <= 2 + word.key.length / 4
}

// A word of one name with no counterpart in the other ("Yasir" in "Yasir Sabawi Ibrahim Hassan")
// weighs this much more than a matched one: sons, branches and sub-units share most words, and
// spelling variants of one name have every word in the other. Patronymics, initials and
// connectors ("bin", "abu") are left out of names often, and weigh only their weight.
const UNMATCHED_PENALTY = 2.5

function optional (word: NameWord): boolean {
  return word.role === 'patronymic' || word.role === 'initial' || word.role === 'connector'
}

function isTelling (word: NameWord): boolean {
  return word.role !== 'stop'
}

/**
 * Similarity of two words of names: 0 for stop words, which count only inside joined runs
 * ("abd al rahman" = "abdelrahman"), 1 when spelt alike, 0.97 when they differ only by a
 * romanisation variant, 0.8 for an initial and a word it begins, else the best of
 * `wordSimilarity` of the phonetic keys (0 when they share under a third of their letters),
 * 0.88 (or 0.85 × their similarity) for their vowel-folded
 * keys, and 0.8 for an abbreviation of 4 letters or more ("trans", "transportation"); a word
 * written in an abjad is also compared by its consonants.
 */
function nameWordSimilarity (x: NameWord, y: NameWord): number {
  if (x.role === 'stop' || y.role === 'stop') return 0
  if (x.text === y.text) return 1
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

// Phonetic keys: 0.97 when equal, 0.88 when they differ only in vowels, else `wordSimilarity`
// (or 0.85 of it on the vowel-folded keys), and 0 when they share under a third of their letters.
function keySimilarity (kx: string, vx: string, lx: number, ky: string, vy: string, ly: number): number {
  if (kx === ky) return 0.97
  if (vx === vy) return 0.88
  if (!shareLetters(lx, ly)) return 0
  const similarity = wordSimilarity(kx, ky)
  return similarity > 0 ? Math.max(similarity, 0.85 * wordSimilarity(vx, vy)) : 0
}

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
    joined: true
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

function describeAlignment (pair: NamePair): string {
  const { alignment, query, candidate } = pair
  if (alignment.pairs.length === 0) return 'no word of the names agrees'
  const words = (name: PreparedName, indices: number[]): string => indices.map((i) => name.words[i]?.text ?? '').join(' ')
  const parts = alignment.pairs.map((p) => {
    const ours = words(query, p.a)
    const theirs = words(candidate, p.b)
    const joined = p.a.length > 1 || p.b.length > 1 ? ', joined' : ''
    if (p.similarity === 1) return `${ours} = ${theirs}${joined}`
    return `${ours} ~ ${theirs} (${round(p.similarity)}${joined})`
  })
  const telling = (name: PreparedName) => (i: number): boolean => name.words[i]?.role !== 'stop'
  const unmatched = [
    ...alignment.unmatchedA.filter(telling(query)).map((i) => `ours "${query.words[i]?.text ?? ''}"`),
    ...alignment.unmatchedB.filter(telling(candidate)).map((j) => `theirs "${candidate.words[j]?.text ?? ''}"`)
  ]
  return parts.join(', ') + (unmatched.length > 0 ? `; unmatched: ${unmatched.join(', ')}` : '')
}

function compareLegalForms (a: PreparedName, b: PreparedName): MatchFeature | undefined {
  if (a.legalForms.length === 0 || b.legalForms.length === 0) return undefined
  const ours = a.legalForms.map((f) => f.words).join(' ')
  const theirs = b.legalForms.map((f) => f.words).join(' ')
  const agree = a.legalForms.some((x) => b.legalForms.some((y) => legalFamiliesAgree(x.family, y.family)))
  return agree
    ? { feature: 'legal-form', value: `${ours} / ${theirs}`, contribution: 0.02, note: 'legal forms of the same kind' }
    : { feature: 'legal-form', value: `${ours} / ${theirs}`, contribution: -0.03, note: 'legal forms of different kinds' }
}

const IDENTIFIER_TYPES: Record<string, string> = {
  passport: 'passport',
  passportno: 'passport',
  passportnumber: 'passport',
  nationalid: 'national-id',
  nationalidno: 'national-id',
  nationalidnumber: 'national-id',
  nationalidentificationnumber: 'national-id',
  idnumber: 'national-id',
  identitycard: 'national-id',
  tax: 'tax',
  taxid: 'tax',
  taxidno: 'tax',
  taxidentificationnumber: 'tax',
  tin: 'tax',
  inn: 'tax',
  vat: 'tax',
  vatnumber: 'tax',
  registration: 'registration',
  registrationnumber: 'registration',
  registrationid: 'registration',
  registrationno: 'registration',
  companynumber: 'registration',
  businessregistrationnumber: 'registration',
  ogrn: 'registration',
  imo: 'imo',
  imonumber: 'imo',
  swift: 'swift',
  swiftbic: 'swift',
  bic: 'swift'
}

function normaliseIdentifier (id: PartyIdentifier): PartyIdentifier {
  const type = id.type.toLowerCase().replace(/[^a-z0-9]/g, '')
  return { type: IDENTIFIER_TYPES[type] ?? type, value: id.value.normalize('NFKC').toUpperCase().replace(/[^A-Z0-9]/g, '') }
}

/**
 * Identifiers: the same type and value is strong evidence (it closes 75% of the gap to 1);
 * the same value under different types half of that; the same type with only different
 * values counts against (-0.1), as a party can hold several passports or numbers.
 */
function compareIdentifiers (a: PartyIdentifier[], b: PartyIdentifier[], base: number): MatchFeature[] {
  if (a.length === 0 || b.length === 0) return []
  const same = a.find((x) => b.some((y) => x.type === y.type && x.value === y.value))
  if (same !== undefined) {
    return [{ feature: 'identifier', value: `${same.type} ${same.value}`, contribution: round(0.75 * (1 - base)), note: 'same identifier' }]
  }
  const value = a.find((x) => x.value.length >= 5 && b.some((y) => x.value === y.value))
  if (value !== undefined) {
    return [{
      feature: 'identifier', value: value.value, contribution: round(0.4 * (1 - base)), note: 'same identifier value under another type'
    }]
  }
  const conflict = a.find((x) => b.some((y) => x.type === y.type))
  if (conflict !== undefined) {
    return [{ feature: 'identifier', value: conflict.type, contribution: -0.1, note: `different ${conflict.type} numbers` }]
  }
  return []
}

function compareCountries (a: string | null, b: string | null): MatchFeature | undefined {
  if (a === null || b === null) return undefined
  return a === b
    ? { feature: 'country', value: a, contribution: 0.03, note: 'same country' }
    : { feature: 'country', value: `${a} / ${b}`, contribution: -0.05, note: 'different countries' }
}

function compareAddresses (a: Set<string>, b: Set<string>): MatchFeature | undefined {
  if (a.size === 0 || b.size === 0) return undefined
  let shared = 0
  for (const word of a) if (b.has(word)) shared++
  if (shared < 2) return undefined
  const overlap = shared / Math.min(a.size, b.size)
  return { feature: 'address', value: round(overlap), contribution: round(0.03 * overlap), note: `${shared} address words in common` }
}

let countryCodes: Map<string, string> | undefined

// English names and codes of every ISO 3166 region Node's ICU knows, built on first use,
// plus the long names the UN list uses.
function countryIndex (): Map<string, string> {
  if (countryCodes !== undefined) return countryCodes
  const index = new Map<string, string>()
  const display = new Intl.DisplayNames(['en'], { type: 'region' })
  for (let i = 0; i < 26 * 26; i++) {
    const code = String.fromCharCode(65 + Math.floor(i / 26), 65 + (i % 26))
    const name = display.of(code)
    if (name === undefined || name === code) continue
    index.set(countryKey(name), code)
    index.set(countryKey(name.replace(/\s*\(.*\)$/, '').replace(/ SAR China$/, '')), code)
  }
  const extra: Record<string, string> = {
    'russian federation': 'RU',
    'iran islamic republic of': 'IR',
    'democratic peoples republic of korea': 'KP',
    'republic of korea': 'KR',
    'syrian arab republic': 'SY',
    'democratic republic of the congo': 'CD',
    'republic of the congo': 'CG',
    'united states of america': 'US',
    usa: 'US',
    uk: 'GB',
    'united kingdom of great britain and northern ireland': 'GB',
    'great britain': 'GB',
    'viet nam': 'VN',
    'lao peoples democratic republic': 'LA',
    burma: 'MM',
    turkiye: 'TR',
    'bolivia plurinational state of': 'BO',
    'venezuela bolivarian republic of': 'VE',
    'united republic of tanzania': 'TZ',
    'republic of moldova': 'MD',
    'state of palestine': 'PS',
    'ivory coast': 'CI'
  }
  for (const [name, code] of Object.entries(extra)) index.set(name, code)
  countryCodes = index
  return index
}

function countryKey (name: string): string {
  return toLatinWords(name).map((w) => w.text).join(' ')
}

function normaliseCountry (country: string | null | undefined): string | null {
  const value = country?.trim() ?? ''
  if (value === '') return null
  if (/^[A-Za-z]{2}$/.test(value)) return value.toUpperCase()
  const key = countryKey(value)
  return countryIndex().get(key) ?? ALPHA3.get(value.toUpperCase()) ?? key
}

// Alpha-3 codes of the countries most often named in export-control lists (alpha-3 then
// alpha-2, five letters each); others compare as given.
const ALPHA3 = new Map(('RUSRU CHNCN IRNIR PRKKP KORKR SYRSY IRQIQ PAKPK INDIN AREAE TURTR BLRBY UKRUA HKGHK MACMO TWNTW SGPSG MYSMY ' +
  'USAUS GBRGB FRAFR DEUDE ITAIT ESPES NLDNL BELBE CHECH AUTAT SWESE FINFI POLPL CZECZ JPNJP CANCA AUSAU ISRIL ' +
  'LBNLB AFGAF YEMYE SDNSD LBYLY CUBCU VENVE MMRMM KAZKZ UZBUZ ARMAM AZEAZ GEOGE KGZKG TJKTJ TKMTM SAUSA QATQA ' +
  'OMNOM KWTKW BHRBH JORJO EGYEG THATH VNMVN IDNID PHLPH BRABR MEXMX').split(' ').map((c) => [c.slice(0, 3), c.slice(3)]))

function explain (
  matched: PartyMatch['matched'], features: MatchFeature[], score: number, threshold: number, isMatch: boolean
): string {
  const theirs = matched.candidateNameKind === 'alias' ? 'their alias' : 'their name'
  const [name, ...others] = features
  const head = isMatch
    ? `Our name "${matched.queryName}" matches ${theirs} "${matched.candidateName}"`
    : `Closest names: our "${matched.queryName}" and ${theirs} "${matched.candidateName}"`
  const evidence = [`name similarity ${fixed(name?.contribution ?? 0)} (${name?.note ?? ''})`,
    ...others.map((f) => `${f.note} (${String(f.value)}) ${signed(f.contribution)}`)]
  const verdict = isMatch ? `at or above the threshold ${fixed(threshold)}: a match` : `below the threshold ${fixed(threshold)}: not a match`
  return `${head}: ${evidence.join('; ')}. Score ${fixed(score)}, ${verdict}.`
}

function round (x: number): number {
  return Math.round(x * 1000) / 1000
}

function fixed (x: number): string {
  return x.toFixed(2)
}

function signed (x: number): string {
  return (x >= 0 ? '+' : '') + x.toFixed(2)
}
