/**
 * Perturbed variants of listed names for bench/matching-eval's second evaluation: each kind
 * of variant an officer's spelling, an applicant's form or another agency's script makes of
 * a listed name (docs/matching.md, "Second evaluation: perturbed variants").
 *
 * Pure and deterministic: `perturb(name, kind, random)` with a seeded `random` (`seeded`)
 * gives the same variant on every run. The bench's own word lists (legal forms, places,
 * transliteration tables) are written here, never taken from the matcher, so that changes to
 * the matcher do not change what it is measured on.
 */
import { mulberry32 } from './random.js'

export const VARIANT_KINDS = [
  'typo-insert', 'typo-delete', 'typo-substitute', 'typo-transpose',
  'legal-form-swap', 'legal-form-typo', 'legal-form-dropped',
  'words-joined', 'word-split', 'word-order',
  'acronym-bracketed', 'acronym-appended', 'acronym-removed',
  'to-cyrillic', 'from-cyrillic', 'to-arabic', 'from-arabic',
  'diacritics-added', 'diacritics-removed',
  'case', 'punctuation'
] as const
export type VariantKind = typeof VARIANT_KINDS[number]

/** Kinds whose perturbed name is what the other agency stored, the listed name being the query. */
export const STORED_KINDS: ReadonlySet<VariantKind> = new Set(['from-cyrillic', 'from-arabic'])

/** A PRNG seeded from a text (FNV-1a): one stream per (name, kind), whatever the order of the run. */
export function seeded (...parts: Array<string | number>): () => number {
  let hash = 0x811c9dc5
  for (const ch of parts.join('\u0000')) {
    hash ^= ch.codePointAt(0) ?? 0
    hash = Math.imul(hash, 0x01000193) >>> 0
  }
  return mulberry32(hash)
}

export function pick<T> (random: () => number, items: readonly T[]): T | undefined {
  return items.length === 0 ? undefined : items[Math.floor(random() * items.length)]
}

/** `items` in a seeded random order (Fisher-Yates on a copy). */
export function shuffled<T> (random: () => number, items: readonly T[]): T[] {
  const out = [...items]
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1))
    ;[out[i], out[j]] = [out[j] as T, out[i] as T]
  }
  return out
}

/** Where a name's perturbation applies and who the party is (script kinds need a country written in that script). */
export interface PerturbContext {
  /** ISO 3166 alpha-2, or null when the list gives none. */
  country: string | null
  /** 'individual', 'entity', or null when the list does not say. */
  type: 'individual' | 'entity' | null
}

/** The variant of `name` of `kind`, or undefined when the kind does not apply to it (or would not change it). */
export function perturb (name: string, kind: VariantKind, random: () => number, context: PerturbContext = { country: null, type: null }): string | undefined {
  const out = PERTURBATIONS[kind](name, random, context)
  return out === undefined || out === name || out.trim() === '' ? undefined : out.replace(/\s+/g, ' ').trim()
}

const PERTURBATIONS: Record<VariantKind, (name: string, random: () => number, context: PerturbContext) => string | undefined> = {
  'typo-insert': (name, random) => typoInWord(name, random, coreWords(name), 'insert'),
  'typo-delete': (name, random) => typoInWord(name, random, coreWords(name), 'delete'),
  'typo-substitute': (name, random) => typoInWord(name, random, coreWords(name), 'substitute'),
  'typo-transpose': (name, random) => typoInWord(name, random, coreWords(name), 'transpose'),
  'legal-form-swap': swapLegalForm,
  'legal-form-typo': (name, random) => {
    const spans = words(name).filter((w) => LONG_LEGAL_WORDS.has(fold(w.text)))
    return typoInWord(name, random, spans, pick(random, TYPOS) ?? 'transpose')
  },
  'legal-form-dropped': dropLegalForms,
  'words-joined': joinWords,
  'word-split': splitWord,
  'word-order': (name, _random, context) => reorderWords(name, context),
  'acronym-bracketed': (name, _random, context) => addAcronym(name, context, true),
  'acronym-appended': (name, _random, context) => addAcronym(name, context, false),
  'acronym-removed': removeAcronym,
  'to-cyrillic': (name, _random, context) => inScriptCountry(name, context, CYRILLIC_COUNTRIES) ? toCyrillic(name) : undefined,
  'from-cyrillic': (name, _random, context) => inScriptCountry(name, context, CYRILLIC_COUNTRIES) ? toCyrillic(name) : undefined,
  'to-arabic': (name, _random, context) => inScriptCountry(name, context, ARABIC_COUNTRIES) ? toArabic(name, PERSIAN_COUNTRIES.has(context.country ?? '')) : undefined,
  'from-arabic': (name, _random, context) => inScriptCountry(name, context, ARABIC_COUNTRIES) ? toArabic(name, PERSIAN_COUNTRIES.has(context.country ?? '')) : undefined,
  'diacritics-added': addDiacritics,
  'diacritics-removed': (name) => stripDiacritics(name),
  case: changeCase,
  punctuation: changePunctuation
}

// ---------------------------------------------------------------------------------------------
// Words

interface Span { start: number, end: number, text: string }

/** Runs of letters (with their positions), the units a typo or a join works on. */
export function words (name: string): Span[] {
  return [...name.matchAll(/\p{L}+/gu)].map((m) => ({ start: m.index, end: m.index + m[0].length, text: m[0] }))
}

/** Lowercase without diacritics: how the bench compares words to its lists. */
export function fold (text: string): string {
  return stripDiacritics(text.toLowerCase()) ?? text.toLowerCase()
}

/** Words that join others ("of", "ve"): never written onto a word. */
const FUNCTION_WORDS = new Set(['of', 'the', 'and', 'for', 'de', 'la', 'le', 'du', 'des', 'i', 've', 'va', 'und', 'y', 'e', 'et', 'a'])
/** Words too slight for a typo or an acronym: function words and the particles of Arabic names. */
export const STOP_WORDS = new Set([...FUNCTION_WORDS, 'al', 'el', 'ul', 'bin', 'ibn', 'bint', 'abu'])

/** Legal-form words: whole words that on their own say only what kind of company it is. */
export const LEGAL_WORDS = new Set([
  'co', 'company', 'companies', 'corp', 'corporation', 'inc', 'incorporated', 'ltd', 'limited', 'llc', 'llp', 'plc', 'pvt', 'pte', 'pty',
  'jsc', 'ojsc', 'cjsc', 'pjsc', 'ooo', 'ao', 'zao', 'oao', 'pao', 'tov', 'gmbh', 'ag', 'sa', 'srl', 'sarl', 'bv', 'nv', 'spa', 'sdn', 'bhd',
  'fze', 'fzco', 'fzc', 'dmcc', 'sirketi', 'sti', 'kft', 'doo', 'ltda', 'sas', 'eood', 'ood', 'fgup', 'fsue', 'wll', 'tbk', 'oy', 'oyj', 'ab',
  'asa', 'kk', 'bsc', 'psc', 'qsc', 'ksc', 'kscc', 'saog', 'saoc', 'sal', 'sae', 'spzoo', 'sro', 'llp', 'lp'
])

// Legal forms of several words, and the single words above: what a name starts or ends with
// when it names its legal form. Patterns, lowercase; matched without regard to case.
const LEGAL_PHRASES = [
  '(?:open |closed |public |private )?joint[- ]stock company', 'limited liability (?:company|partnership)', '(?:federal )?state unitary enterprise',
  'sanayi ve ticaret limited şirketi', 'san\\. ve tic\\. ltd\\. şti', 'limited şirketi', 'ltd\\.? şti', 'anonim şirketi', 'a\\.ş',
  'public limited company', 'private limited', 'pvt\\.? ltd', 'company,? limited', 'co\\.?,? ltd', 'sdn\\.? bhd', 'sendirian berhad',
  'gesellschaft mit beschränkter haftung', 'free zone (?:establishment|company)', 'l\\.l\\.c', 'fz-llc',
  'obshchestvo s ogranichennoy otvetstvennostyu', 'obshchestvo s ogranichennoi otvetstvennostyu', 'obshchestvo s ogranichennoi otvetstvennostiu',
  '(?:zakrytoe |otkrytoe |publichnoe |nepublichnoe )?aktsionernoe obshchestvo', 'tovarystvo z obmezhenoyu vidpovidalnistyu',
  '[bnpqk]\\.\\s?[svp]\\.?(?:\\s?[ca]\\.?)?', 's\\.a\\.[le]', 'w\\.l\\.l', 'sp\\.? z o\\.?o', 'a\\.g',
  's\\.?\\s?[ac]\\.?(?: de r\\.?\\s?l\\.?)? de c\\.?\\s?v', 's\\.?\\s?de r\\.?\\s?l(?:\\.? de c\\.?\\s?v)?', 's\\.a\\.?(?: de c\\.v)?', 's\\.r\\.l', 's\\.a\\.r\\.l', 'e\\.i\\.r\\.l',
  ...[...LEGAL_WORDS].sort((a, b) => b.length - a.length)
].join('|')
const LEGAL_HEAD = new RegExp(`^[\\s,."“«(]*(?:${LEGAL_PHRASES})\\.?(?=[\\s,."“«)]|$)`, 'iu')
const LEGAL_WHOLE = new RegExp(`^(?:${LEGAL_PHRASES})\\.?[\\s,.)"”»]*$`, 'iu')

/** Where the name proper lies: the span left once legal forms at its start and end are set aside. */
export function coreSpan (name: string): { start: number, end: number } {
  let start = 0
  let end = name.length
  if (LEGAL_WHOLE.test(name.trim())) return { start, end } // legal forms only: nothing else to keep
  for (;;) {
    const m = LEGAL_HEAD.exec(name.slice(start, end))
    if (m === null || start + m[0].length >= end || !/\p{L}/u.test(name.slice(start + m[0].length, end))) break
    start += m[0].length
  }
  // a legal form at the end: the first word start, among the last 60 characters, from which the rest is one
  for (let found = true; found;) {
    found = false
    for (let at = Math.max(start + 1, end - 60); at < end; at++) {
      if (!/[\s,(]/.test(name[at - 1] ?? '') || /[\s,(]/.test(name[at] ?? '')) continue
      if (!LEGAL_WHOLE.test(name.slice(at, end)) || !/\p{L}/u.test(name.slice(start, at))) continue
      end = at
      while (end > start && /[\s,(]/.test(name[end - 1] ?? '')) end--
      found = true
      break
    }
  }
  while (start < end && /[\s,.]/.test(name[start] ?? '')) start++
  while (end > start && /[\s,]/.test(name[end - 1] ?? '')) end--
  return { start, end }
}

/** Long words of legal forms, the ones a legal-form typo changes ("Compnay"). */
const LONG_LEGAL_WORDS = new Set(['company', 'limited', 'corporation', 'incorporated', 'liability', 'joint', 'stock', 'sendirian', 'berhad',
  'sirketi', 'anonim', 'gesellschaft', 'unitary', 'partnership'])

function isLegal (word: string): boolean {
  return LEGAL_WORDS.has(fold(word))
}

/** Words that carry the name: letters only, four or more, in the name proper (legal forms at either end set aside), not stop words. */
function coreWords (name: string): Span[] {
  const core = coreSpan(name)
  return words(name).filter((w) => w.start >= core.start && w.end <= core.end && w.text.length >= 4 && !isLegal(w.text) && !STOP_WORDS.has(fold(w.text)))
}

function replaceSpan (name: string, span: { start: number, end: number }, text: string): string {
  return name.slice(0, span.start) + text + name.slice(span.end)
}

function isUpper (text: string): boolean {
  return text === text.toUpperCase() && text !== text.toLowerCase()
}

/** A name written in capitals only (OFAC, the DPL): replacements follow it. */
function allCaps (name: string): boolean {
  return !/\p{Ll}/u.test(name) && /\p{Lu}/u.test(name)
}

// ---------------------------------------------------------------------------------------------
// Typos

const TYPOS = ['insert', 'delete', 'substitute', 'transpose'] as const
type Typo = typeof TYPOS[number]

const KEYBOARD = ['qwertyuiop', 'asdfghjkl', 'zxcvbnm']
const NEIGHBOURS = new Map<string, string[]>()
for (const [r, row] of KEYBOARD.entries()) {
  for (const [c, key] of [...row].entries()) {
    const near: string[] = []
    for (const [dr, dc] of [[0, -1], [0, 1], [-1, 0], [-1, 1], [1, 0], [1, -1]] as const) {
      const other = KEYBOARD[r + dr]?.[c + dc]
      if (other !== undefined) near.push(other)
    }
    NEIGHBOURS.set(key, near)
  }
}

/** A letter typed by the key next to `letter`'s (a random letter for letters off the keyboard), in its case. */
function neighbour (letter: string, random: () => number, upper = letter !== letter.toLowerCase()): string {
  const found = pick(random, NEIGHBOURS.get(letter.toLowerCase()) ?? [...'etaoinshrdlu']) ?? 'e'
  return upper ? found.toUpperCase() : found
}

/**
 * One typo in one of `spans` (a random one): a letter inserted (a key next to the one before),
 * deleted, replaced by a key next to it, or two letters swapped. Never the first letter: people
 * seldom mistype it.
 */
function typoInWord (name: string, random: () => number, spans: Span[], typo: Typo): string | undefined {
  const eligible = spans.filter((s) => s.text.length >= (typo === 'transpose' ? 3 : 4))
  const span = pick(random, eligible)
  if (span === undefined) return undefined
  const chars = [...span.text]
  const at = 1 + Math.floor(random() * (chars.length - (typo === 'transpose' ? 2 : 1)))
  switch (typo) {
    case 'insert': chars.splice(at, 0, neighbour(chars[at - 1] ?? 'e', random, isUpper(chars[at] ?? ''))); break
    case 'delete': chars.splice(at, 1); break
    case 'substitute': chars[at] = neighbour(chars[at] ?? 'e', random); break
    case 'transpose': {
      if (chars[at] === chars[at + 1]) return undefined
      ;[chars[at], chars[at + 1]] = [chars[at + 1] ?? '', chars[at] ?? '']
      break
    }
  }
  return replaceSpan(name, span, chars.join(''))
}

// ---------------------------------------------------------------------------------------------
// Legal forms

// Equivalent forms, each written as a pattern and as the form it becomes; longest first, so
// that "Open Joint Stock Company" is swapped whole. `edge`: only at the start or end of a name
// (short forms that are also words).
const SWAPS: Array<{ pattern: RegExp, to: string[], edge?: boolean }> = [
  { pattern: /\bSanayi ve Ticaret Limited Şirketi\b/iu, to: ['San. ve Tic. Ltd. Şti.'] },
  { pattern: /\bSan\. ve Tic\. Ltd\. Şti\.?/iu, to: ['Sanayi ve Ticaret Limited Şirketi'] },
  { pattern: /\bLimited Şirketi\b/iu, to: ['Ltd. Şti.'] },
  { pattern: /\bLtd\.? Şti\.?/iu, to: ['Limited Şirketi'] },
  { pattern: /\bAnonim Şirketi\b/iu, to: ['A.Ş.'] },
  { pattern: /\bA\.Ş\./iu, to: ['Anonim Şirketi'] },
  { pattern: /\bLimited Liability Company\b/i, to: ['LLC', 'Ltd.'] },
  { pattern: /\bLimited Liability Partnership\b/i, to: ['LLP'] },
  { pattern: /\bFederal State Unitary Enterprise\b/i, to: ['FSUE', 'FGUP'] },
  { pattern: /\bOpen Joint[- ]Stock Company\b/i, to: ['OJSC', 'OAO'] },
  { pattern: /\bClosed Joint[- ]Stock Company\b/i, to: ['CJSC', 'ZAO'] },
  { pattern: /\bPublic Joint[- ]Stock Company\b/i, to: ['PJSC', 'PAO'] },
  { pattern: /\bJoint[- ]Stock Company\b/i, to: ['JSC', 'AO'] },
  { pattern: /\bPublic Limited Company\b/i, to: ['PLC'] },
  { pattern: /\bCompany,? Limited\b/i, to: ['Co., Ltd.', 'Co. Ltd'] },
  { pattern: /\bCo\.?,? Ltd\b\.?/i, to: ['Company Limited', 'Co. Limited'] },
  { pattern: /\bPrivate Limited\b/i, to: ['Pvt. Ltd.', 'Pvt Ltd'] },
  { pattern: /\bPvt\.? Ltd\b\.?/i, to: ['Private Limited'] },
  { pattern: /\bSdn\.? Bhd\b\.?/i, to: ['Sendirian Berhad'] },
  { pattern: /\bSendirian Berhad\b/i, to: ['Sdn. Bhd.'] },
  { pattern: /\bGmbH\b/i, to: ['Gesellschaft mit beschränkter Haftung'] },
  { pattern: /\bFree Zone Establishment\b/i, to: ['FZE'] },
  { pattern: /\bFZE\b/i, to: ['Free Zone Establishment'] },
  { pattern: /\bFZCO\b/i, to: ['Free Zone Company'] },
  { pattern: /\bL\.L\.C\.?/i, to: ['Limited Liability Company', 'LLC'] },
  { pattern: /\bLLC\b/i, to: ['Limited Liability Company', 'OOO'] },
  { pattern: /\bLLP\b/i, to: ['Limited Liability Partnership'] },
  { pattern: /\bPLC\b/i, to: ['Public Limited Company'] },
  { pattern: /\bOJSC\b/i, to: ['Open Joint Stock Company', 'OAO'] },
  { pattern: /\bCJSC\b/i, to: ['Closed Joint Stock Company', 'ZAO'] },
  { pattern: /\bPJSC\b/i, to: ['Public Joint Stock Company', 'PAO'] },
  { pattern: /\bJSC\b/i, to: ['Joint Stock Company', 'AO'] },
  { pattern: /\bOOO\b/, to: ['LLC', 'Limited Liability Company'], edge: true },
  { pattern: /\bZAO\b/, to: ['CJSC'], edge: true },
  { pattern: /\bOAO\b/, to: ['OJSC'], edge: true },
  { pattern: /\bPAO\b/, to: ['PJSC'], edge: true },
  { pattern: /\bAO\b/, to: ['JSC'], edge: true },
  { pattern: /\bFSUE\b|\bFGUP\b/i, to: ['Federal State Unitary Enterprise'] },
  { pattern: /\bCorporation\b/i, to: ['Corp.', 'Corp'] },
  { pattern: /\bCorp\b\.?/i, to: ['Corporation'] },
  { pattern: /\bIncorporated\b/i, to: ['Inc.'] },
  { pattern: /\bInc\b\.?/i, to: ['Incorporated'] },
  { pattern: /\bCompany\b/i, to: ['Co.', 'Co'] },
  { pattern: /\bCo\b\.?/i, to: ['Company'], edge: true },
  { pattern: /\bLimited\b/i, to: ['Ltd', 'Ltd.'] },
  { pattern: /\bLtd\b\.?/i, to: ['Limited'] }
]

/** One legal form written as an equivalent one: "Company" as "Co.", "Co., Ltd." as "Company Limited", "OOO" as "LLC". */
function swapLegalForm (name: string, random: () => number, context: PerturbContext): string | undefined {
  const russian = context.country !== null && CYRILLIC_COUNTRIES.has(context.country)
  const found: Array<{ start: number, end: number, to: string[] }> = []
  for (const swap of SWAPS) {
    const global = new RegExp(swap.pattern.source, swap.pattern.flags.includes('g') ? swap.pattern.flags : swap.pattern.flags + 'g')
    for (const m of name.matchAll(global)) {
      const span = { start: m.index, end: m.index + m[0].length, to: swap.to }
      if (found.some((f) => f.start < span.end && span.start < f.end)) continue
      if (swap.edge === true && !atEdge(name, span)) continue
      found.push(span)
    }
  }
  const chosen = pick(random, found)
  if (chosen === undefined) return undefined
  // the Russian forms (OOO, AO…) only for a party of a country that writes them
  const to = pick(random, chosen.to.filter((form) => russian || !/^(?:OOO|OAO|ZAO|PAO|AO)$/.test(form))) ?? ''
  if (to === '') return undefined
  return replaceSpan(name, chosen, allCaps(name) ? to.toUpperCase() : to)
}

/** Whether the span lies in the legal form at the start or end of the name, outside the name proper. */
function atEdge (name: string, span: { start: number, end: number }): boolean {
  const core = coreSpan(name)
  return span.end <= core.start || span.start >= core.end
}

/** The legal form left out, at the start or end of the name ("Huawei Technologies Co., Ltd." as "Huawei Technologies"). */
function dropLegalForms (name: string): string | undefined {
  const core = coreSpan(name)
  if (core.start === 0 && core.end === name.length) return undefined
  return name.slice(core.start, core.end).replace(/^["“«]([^"”»]*)["”»]$/, '$1')
}

// ---------------------------------------------------------------------------------------------
// Joins, splits, order

/** Two adjacent words (a space or a hyphen between them) written as one: "Gazprom Bank" as "Gazprombank", "AL-QAIDA" as "ALQAIDA". */
function joinWords (name: string, random: () => number): string | undefined {
  const core = coreSpan(name)
  const spans = words(name).filter((w) => w.start >= core.start && w.end <= core.end)
  const seams: Array<{ start: number, end: number }> = []
  for (let i = 0; i + 1 < spans.length; i++) {
    const a = spans[i] as Span
    const b = spans[i + 1] as Span
    if (!/^[ -]$/.test(name.slice(a.end, b.start)) || isLegal(a.text) || isLegal(b.text)) continue
    if (FUNCTION_WORDS.has(fold(a.text)) || FUNCTION_WORDS.has(fold(b.text))) continue
    if (a.text.length < 2 || b.text.length < 2) continue
    seams.push({ start: a.end, end: b.start })
  }
  const seam = pick(random, seams)
  if (seam === undefined) return undefined
  const joined = replaceSpan(name, seam, '')
  // "Gazprom Bank" → "Gazprombank": the second word keeps its capital only in a name in capitals
  const next = joined[seam.start] ?? ''
  return allCaps(name) ? joined : joined.slice(0, seam.start) + next.toLowerCase() + joined.slice(seam.start + 1)
}

/** A long word written as two, as by a stray space: "Microelectronics" as "Microel ectronics" (three letters or more each side). */
function splitWord (name: string, random: () => number): string | undefined {
  const span = pick(random, coreWords(name).filter((w) => w.text.length >= 7))
  if (span === undefined) return undefined
  const at = 3 + Math.floor(random() * (span.text.length - 5))
  const second = span.text.slice(at)
  return replaceSpan(name, span, `${span.text.slice(0, at)} ${second}`)
}

/**
 * The words in another order: a person's "SURNAME, Given Names" as "Given Names SURNAME"; otherwise the
 * first word of the name (legal forms at either end left in place) moved to the end of it.
 */
function reorderWords (name: string, context: PerturbContext): string | undefined {
  const comma = /^([^,]+),\s*([^,]+)$/.exec(name)
  if (comma !== null && context.type !== 'entity' && coreSpan(name).end === name.length) return `${comma[2]} ${comma[1]}`
  const core = coreSpan(name)
  const parts = name.slice(core.start, core.end).split(/\s+/)
  if (parts.length < 2) return undefined
  const [first, ...rest] = parts
  return `${name.slice(0, core.start)}${rest.join(' ').replace(/,$/, '')} ${(first ?? '').replace(/,$/, '')}${name.slice(core.end)}`
}

// ---------------------------------------------------------------------------------------------
// Acronyms

const ACRONYM = /\s*\(([A-Z][A-Z0-9&-]{1,9}(?:[ -]\d+)?)\)/g

/**
 * An acronym the name carries, left out: in brackets ("(CASC)", "(CETC-7)") or, in a name in
 * mixed case, at its end; its letters the initials of the words before it ("(HK)" and "(USA)"
 * qualify a name, they are not its acronym).
 */
function removeAcronym (name: string, random: () => number): string | undefined {
  const found = [...name.matchAll(ACRONYM)]
    .filter((m) => isInitialsOf((m[1] ?? '').replace(/[^A-Z]/g, ''), words(name.slice(0, m.index))))
    .map((m) => ({ start: m.index, end: m.index + m[0].length }))
  const trailing = /\s+([A-Z]{2,8})$/.exec(name)
  if (trailing !== null && /\p{Ll}/u.test(name) && !isLegal(trailing[1] ?? '') && isInitialsOf(trailing[1] ?? '', words(name.slice(0, trailing.index)))) {
    found.push({ start: trailing.index, end: name.length })
  }
  const chosen = pick(random, found)
  return chosen === undefined ? undefined : replaceSpan(name, chosen, '')
}

/** Whether `acronym`'s letters are, in order, initials of `spans` starting with the first ("MAG": "Mac Aviation Group"). */
function isInitialsOf (acronym: string, spans: Span[]): boolean {
  const initials = spans.map((w) => (w.text[0] ?? '').toUpperCase()).join('')
  if (initials[0] !== acronym[0]) return false
  let k = 0
  for (const c of initials) if (c === acronym[k]) k++
  return k === acronym.length
}

/**
 * The name's acronym added, in brackets ("China Academy of Launch Vehicle Technology (CALVT)")
 * or appended ("Mac Aviation Group MAG"): the initials of the name proper's words, stop words
 * left out, and "Corporation" or "Company" at its end. For names of organisations of three
 * words or more that carry no acronym yet.
 */
function addAcronym (name: string, context: PerturbContext, bracketed: boolean): string | undefined {
  if (context.type === 'individual' || /\([A-Z]{2,}/.test(name)) return undefined
  const core = coreSpan(name)
  const spans = words(name).filter((w) => !STOP_WORDS.has(fold(w.text)) &&
    ((w.start >= core.start && w.end <= core.end) || (w.start >= core.end && /^(corporation|company)$/i.test(w.text))))
  if (spans.length < 3 || spans.length > 8) return undefined
  if (context.type === null && !words(name).some((w) => isLegal(w.text) || ORGANISATION_WORDS.has(fold(w.text)))) return undefined
  const acronym = spans.map((w) => (w.text[0] ?? '').toUpperCase()).join('')
  return bracketed ? `${name} (${acronym})` : `${name} ${acronym}`
}

/** Words that say a name is an organisation's, for lists that do not say whether a party is a person. */
export const ORGANISATION_WORDS = new Set([
  'academy', 'agency', 'airlines', 'army', 'association', 'bank', 'brigade', 'bureau', 'center', 'centre', 'committee', 'corps', 'department',
  'division', 'electronics', 'engineering', 'enterprise', 'enterprises', 'exchange', 'factory', 'foundation', 'front', 'group', 'holding',
  'holdings', 'industrial', 'industries', 'industry', 'institute', 'international', 'laboratory', 'logistics', 'machinery', 'ministry',
  'network', 'office', 'organisation', 'organization', 'party', 'plant', 'research', 'services', 'shipping', 'society', 'solutions', 'systems',
  'technologies', 'technology', 'trading', 'trust', 'university', 'works'
])

/** English words that make a name a description in English (with ORGANISATION_WORDS): such a name is translated, not transliterated. */
const ENGLISH_WORDS: ReadonlySet<string> = new Set([...ORGANISATION_WORDS, ...FUNCTION_WORDS, 'in', 'on', 'to', 'at', 'by', 'with',
  'aerospace', 'air', 'aircraft', 'airline', 'arab', 'armed', 'automation', 'aviation', 'building', 'business', 'central', 'charity', 'chemical',
  'chemicals', 'commercial', 'communication', 'communications', 'construction', 'consulting', 'defence', 'defense', 'design', 'development',
  'digital', 'east', 'electric', 'electrical', 'electronic', 'energy', 'equipment', 'export', 'finance', 'financial', 'forces', 'foreign', 'gas',
  'general', 'global', 'government', 'heavy', 'import', 'information', 'instrument', 'instruments', 'investment', 'investments', 'islamic',
  'line', 'lines', 'machine', 'management', 'manufacturing', 'marine', 'maritime', 'materials', 'medical', 'metal', 'metals', 'middle', 'military',
  'mining', 'money', 'national', 'navigation', 'new', 'north', 'nuclear', 'oil', 'operations', 'optical', 'petroleum', 'petrochemical', 'power',
  'precision', 'production', 'products', 'republic', 'repair', 'scientific', 'security', 'south', 'space', 'state', 'steel', 'supply', 'trade',
  'transport', 'transportation', 'travel', 'union', 'united', 'west', 'world', 'relief', 'welfare', 'humanitarian', 'brothers', 'sons', 'first',
  'second', 'third', 'company', 'limited', 'corporation', 'branch'])

// ---------------------------------------------------------------------------------------------
// Scripts

/** Countries whose agencies write names in Cyrillic. */
export const CYRILLIC_COUNTRIES: ReadonlySet<string> = new Set(['RU', 'BY', 'UA', 'KZ', 'KG', 'TJ', 'BG', 'RS', 'MK', 'MN'])
/** Countries whose agencies write names in Arabic script (Persian letters for Iran and Afghanistan). */
export const ARABIC_COUNTRIES: ReadonlySet<string> = new Set([
  'AE', 'SA', 'IQ', 'SY', 'LB', 'JO', 'EG', 'LY', 'SD', 'YE', 'OM', 'QA', 'KW', 'BH', 'PS', 'DZ', 'MA', 'TN', 'MR', 'IR', 'AF', 'PK'
])
const PERSIAN_COUNTRIES: ReadonlySet<string> = new Set(['IR', 'AF'])

/**
 * Whether a name is one an agency of `countries` would write in its own script: a party of one of
 * those countries, a name in Latin letters that is itself a transliteration (a person's name, or
 * a company's such as "Radiofizika" or "Sirjanco"), not an English description ("State Research
 * Institute of Aviation Systems", "First Division of the Syrian Arab Army"), which that agency
 * would translate, not transliterate.
 */
function inScriptCountry (name: string, context: PerturbContext, countries: ReadonlySet<string>): boolean {
  if (context.country === null || !countries.has(context.country) || /[^\p{Script=Latin}\P{L}]/u.test(name)) return false
  const core = coreSpan(name)
  return !words(name.slice(core.start, core.end)).some((w) => ENGLISH_WORDS.has(fold(w.text)))
}

// Legal forms as a Russian-writing agency writes them: the form first, the name in «».
const CYRILLIC_FORMS: Array<[RegExp, string]> = [
  [/\bOpen Joint[- ]Stock Company\b|\bOJSC\b|\bOAO\b/i, 'ОАО'],
  [/\bClosed Joint[- ]Stock Company\b|\bCJSC\b|\bZAO\b/i, 'ЗАО'],
  [/\bPublic Joint[- ]Stock Company\b|\bPJSC\b|\bPAO\b/i, 'ПАО'],
  [/\bJoint[- ]Stock Company\b|\bJSC\b|\bAO\b/i, 'АО'],
  [/\bLimited Liability Company\b|\bLLC\b|\bOOO\b/i, 'ООО'],
  [/\bFederal State Unitary Enterprise\b|\bFSUE\b|\bFGUP\b/i, 'ФГУП']
]

const CYRILLIC_LETTERS: Array<[string, string]> = [
  ['shch', 'щ'], ['sch', 'щ'], ['zh', 'ж'], ['kh', 'х'], ['ts', 'ц'], ['tz', 'ц'], ['ch', 'ч'], ['sh', 'ш'], ['yu', 'ю'], ['ya', 'я'], ['yo', 'ё'],
  ['ye', 'е'], ['ck', 'к'], ['ph', 'ф'], ['th', 'т'],
  ['a', 'а'], ['b', 'б'], ['v', 'в'], ['w', 'в'], ['g', 'г'], ['d', 'д'], ['e', 'е'], ['z', 'з'], ['i', 'и'], ['j', 'дж'], ['k', 'к'], ['l', 'л'],
  ['m', 'м'], ['n', 'н'], ['o', 'о'], ['p', 'п'], ['r', 'р'], ['s', 'с'], ['t', 'т'], ['u', 'у'], ['f', 'ф'], ['h', 'х'], ['q', 'к'], ['x', 'кс'],
  ['c', 'к'], ['y', 'й'], ["'", 'ь']
]
const VOWELS = new Set([...'aeiouy'])

/**
 * A Latin name written in Cyrillic as a Russian-writing agency would (the reverse of the usual
 * BGN/PCGN romanisation: "shch" щ, "kh" х, "ya" я, "-iy" and a final "-y" ий, "-yy" ый, a y after a vowel й;
 * an e starting a word э); legal forms as Russian writes them, before the name in «».
 */
export function toCyrillic (name: string): string {
  let form = ''
  let rest = name
  for (const [pattern, cyrillic] of CYRILLIC_FORMS) {
    const m = pattern.exec(rest)
    if (m !== null && atEdge(rest, { start: m.index, end: m.index + m[0].length })) {
      form = cyrillic
      rest = (rest.slice(0, m.index) + rest.slice(m.index + m[0].length)).replace(/^[\s,.]+|[\s,.]+$/g, '').replace(/^["“«]|["”»]$/g, '')
      break
    }
  }
  const body = rest.replace(/[\p{L}']+/gu, (word) => cyrillicWord(word))
  return form === '' ? body : `${form} «${body}»`
}

function cyrillicWord (word: string): string {
  const lower = word.toLowerCase()
  let out = ''
  for (let i = 0; i < lower.length;) {
    const rest = lower.slice(i)
    const prev = lower[i - 1]
    const atEnd = (n: number) => i + n === lower.length
    if (/^iy$|^yy$/.test(rest)) { out += rest === 'iy' ? 'ий' : 'ый'; break }
    if (rest[0] === 'y' && prev !== undefined && VOWELS.has(prev) && !/^y[aeiou]/.test(rest)) { out += 'й'; i++; continue }
    if (rest[0] === 'e' && i === 0) { out += 'э'; i++; continue }
    if (rest[0] === 'y' && !/^y[aeiou]/.test(rest)) { out += i === 0 ? 'и' : atEnd(1) ? 'ий' : 'ы'; i++; continue }
    const found = CYRILLIC_LETTERS.find(([latin]) => rest.startsWith(latin))
    if (found === undefined) { out += rest[0]; i++; continue }
    out += found[1]
    i += found[0].length
  }
  if (isUpper(word) && word.length > 1) return out.toUpperCase()
  return /^\p{Lu}/u.test(word) ? (out[0] ?? '').toUpperCase() + out.slice(1) : out
}

// Common words of Arabic names as they are spelt, and legal forms as an Arabic-writing agency writes them.
const ARABIC_WORDS: Record<string, string> = {
  muhammad: 'محمد',
  mohammad: 'محمد',
  mohammed: 'محمد',
  mohamed: 'محمد',
  muhammed: 'محمد',
  mohamad: 'محمد',
  ahmad: 'أحمد',
  ahmed: 'أحمد',
  ali: 'علي',
  omar: 'عمر',
  umar: 'عمر',
  abdullah: 'عبدالله',
  abdallah: 'عبدالله',
  allah: 'الله',
  hassan: 'حسن',
  hasan: 'حسن',
  hussein: 'حسين',
  husain: 'حسين',
  hussain: 'حسين',
  hossein: 'حسين',
  husayn: 'حسين',
  ibrahim: 'إبراهيم',
  yusuf: 'يوسف',
  yousef: 'يوسف',
  youssef: 'يوسف',
  khalid: 'خالد',
  khaled: 'خالد',
  said: 'سعيد',
  saeed: 'سعيد',
  saleh: 'صالح',
  salih: 'صالح',
  mahmoud: 'محمود',
  mahmud: 'محمود',
  abu: 'أبو',
  bin: 'بن',
  ibn: 'بن',
  bint: 'بنت',
  abd: 'عبد',
  abdul: 'عبد ال',
  abdel: 'عبد ال',
  abdur: 'عبد ال',
  abdal: 'عبد ال',
  mustafa: 'مصطفى',
  osama: 'أسامة',
  usama: 'أسامة',
  hamza: 'حمزة',
  hamzah: 'حمزة',
  jamal: 'جمال',
  nasser: 'ناصر',
  nasir: 'ناصر',
  rahman: 'رحمن'
}
const ARABIC_FORMS: Array<[RegExp, string, 'front' | 'back']> = [
  [/\bLimited Liability Company\b|\bL\.?L\.?C\b\.?/i, 'ذ.م.م', 'back'],
  [/\bCo(?:mpany)?\.?,? (?:Ltd|Limited)\b\.?/i, 'شركة|المحدودة', 'front'],
  [/\bCompany\b|\bCo\b\.?|\bCorporation\b|\bCorp\b\.?|\bInc\b\.?/i, 'شركة', 'front'],
  [/\bLimited\b|\bLtd\b\.?/i, 'المحدودة', 'back'],
  [/\bFZE\b|\bFZCO\b|\bFZ-?LLC\b/i, 'م.م.ح', 'back'],
  [/\(?\bPvt\b\.?\)?|\(?\bPrivate\b\)?/i, '', 'back']
]
const ARABIC_DIGRAPHS: Array<[string, string, string]> = [
  // latin, Arabic, Persian
  ['sh', 'ش', 'ش'], ['kh', 'خ', 'خ'], ['gh', 'غ', 'غ'], ['th', 'ث', 'ث'], ['dh', 'ذ', 'ذ'], ['ch', 'تش', 'چ'], ['zh', 'ج', 'ژ'], ['ph', 'ف', 'ف'],
  ['ou', 'و', 'و'], ['oo', 'و', 'و'], ['ee', 'ي', 'ی'], ['ei', 'ي', 'ی'], ['ai', 'ي', 'ی'], ['ay', 'ي', 'ی'], ['ey', 'ي', 'ی'], ['ie', 'ي', 'ی'],
  ['aa', 'ا', 'ا'], ['ck', 'ك', 'ک']
]
const ARABIC_LETTERS: Record<string, [string, string]> = {
  b: ['ب', 'ب'],
  p: ['ب', 'پ'],
  t: ['ت', 'ت'],
  j: ['ج', 'ج'],
  d: ['د', 'د'],
  r: ['ر', 'ر'],
  z: ['ز', 'ز'],
  s: ['س', 'س'],
  f: ['ف', 'ف'],
  q: ['ق', 'ق'],
  k: ['ك', 'ک'],
  l: ['ل', 'ل'],
  m: ['م', 'م'],
  n: ['ن', 'ن'],
  w: ['و', 'و'],
  y: ['ي', 'ی'],
  g: ['غ', 'گ'],
  v: ['ف', 'و'],
  x: ['كس', 'کس'],
  h: ['ح', 'ح'],
  i: ['ي', 'ی'],
  o: ['و', 'و'],
  u: ['و', 'و']
}

/**
 * A Latin name written in Arabic script, as an agency writing Arabic (or Persian, `persian`)
 * would write it: common name words as they are spelt ("Mohammed" محمد, "Abdul" عبد ال), the
 * article joined to its word, short a and e left out inside a word, i, o, u written as long
 * vowels, a word's first vowel as alif, a final "-ah" as ta marbuta, doubled letters once;
 * legal forms as Arabic writes them (شركة before the name, المحدودة and ذ.م.م after it).
 */
export function toArabic (name: string, persian = false): string {
  let front = ''
  let back = ''
  let rest = name
  for (const [pattern, arabic, side] of ARABIC_FORMS) {
    const m = pattern.exec(rest)
    if (m === null || !atEdge(rest, { start: m.index, end: m.index + m[0].length })) continue
    const [first, second] = arabic.split('|')
    if (second !== undefined) { front = front || (first ?? ''); back = back || second } else if (side === 'front') front = front || (first ?? ''); else back = back || (first ?? '')
    rest = rest.slice(0, m.index) + ' ' + rest.slice(m.index + m[0].length)
  }
  const latin = rest.replace(/[,.]+(?=\s|$)/g, ' ').replace(/\s+/g, ' ').trim()
  const out: string[] = []
  const tokens = latin.split(' ')
  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i] ?? ''
    const lower = fold(token)
    // the article, hyphenated ("al-Qaida") or apart ("Al Qaida"), joined to its word
    const article = /^(?:al|el|ul|ad|ar|as|at|an|ash|az)-(.+)$/.exec(lower)
    if ((lower === 'al' || lower === 'el') && i + 1 < tokens.length) { out.push('ال' + arabicWord(fold(tokens[++i] ?? ''), persian)); continue }
    if (article !== null) { out.push('ال' + arabicWord(article[1] ?? '', persian)); continue }
    out.push(lower.split('-').map((part) => arabicWord(part, persian)).join(' '))
  }
  if (persian) front = front.replace('شركة', 'شرکت')
  return [front, out.join(' ').replace(/عبد ال (\S+)/g, 'عبد ال$1'), back].filter((part) => part !== '').join(' ')
}

function arabicWord (word: string, persian: boolean): string {
  if (word === '' || !/\p{L}/u.test(word)) return word
  const known = ARABIC_WORDS[word]
  if (known !== undefined) return known
  const letters = word.replace(/[^a-z0-9]/g, '').replace(/([b-df-hj-np-tv-z])\1/g, '$1')
  let out = ''
  for (let i = 0; i < letters.length;) {
    const rest = letters.slice(i)
    const ch = rest[0] ?? ''
    if (/\d/.test(ch)) { out += ch; i++; continue }
    if (i === 0 && /[aeiou]/.test(ch)) {
      out += ch === 'o' || ch === 'u' ? 'او' : ch === 'i' || (ch === 'e' && rest[1] === 'e') ? 'اي' : 'ا'
      i += rest.startsWith('ee') ? 2 : 1
      continue
    }
    if (rest === 'ah' || rest === 'eh') { out += persian ? 'ه' : 'ة'; break }
    if (rest === 'a') { out += 'ا'; break }
    if (rest === 'h') { out += 'ه'; break }
    const digraph = ARABIC_DIGRAPHS.find(([latin]) => rest.startsWith(latin))
    if (digraph !== undefined) { out += persian ? digraph[2] : digraph[1]; i += 2; continue }
    if (ch === 'a' || ch === 'e') { i++; continue }
    if (ch === 'c') { out += /^c[eiy]/.test(rest) ? 'س' : persian ? 'ک' : 'ك'; i++; continue }
    const letter = ARABIC_LETTERS[ch]
    out += letter === undefined ? '' : persian ? letter[1] : letter[0]
    i++
  }
  return out
}

// ---------------------------------------------------------------------------------------------
// Diacritics, case, punctuation

const DIACRITICS: Record<string, string[]> = {
  a: ['á', 'à', 'â', 'ä', 'ã'],
  e: ['é', 'è', 'ê', 'ë'],
  i: ['í', 'î', 'ï'],
  o: ['ó', 'ö', 'ô', 'õ'],
  u: ['ú', 'ü', 'û'],
  c: ['ç', 'č'],
  s: ['ş', 'š'],
  n: ['ñ', 'ň'],
  z: ['ž', 'ż'],
  g: ['ğ'],
  r: ['ř'],
  y: ['ý']
}

/** One or two letters of the name's words given a diacritic ("Aviation" as "Aviatión", "Sanayi" as "Şanayi"). */
function addDiacritics (name: string, random: () => number): string | undefined {
  const positions = coreWords(name).flatMap((w) => [...w.text].flatMap((ch, k) => DIACRITICS[ch.toLowerCase()] === undefined ? [] : [w.start + k]))
  if (positions.length === 0) return undefined
  const chars = name.split('')
  const count = 1 + Math.floor(random() * Math.min(2, positions.length))
  for (const at of shuffled(random, positions).slice(0, count)) {
    const ch = name[at] ?? ''
    const marked = pick(random, DIACRITICS[ch.toLowerCase()] ?? []) ?? ch
    chars[at] = ch === ch.toLowerCase() ? marked : marked.toUpperCase()
  }
  return chars.join('')
}

const UNDECOMPOSED: Record<string, string> = { ß: 'ss', ø: 'o', Ø: 'O', ł: 'l', Ł: 'L', ı: 'i', đ: 'd', Đ: 'D', æ: 'ae', Æ: 'AE', œ: 'oe', Œ: 'OE', þ: 'th' }

/** The name without diacritics ("Şirketi" as "Sirketi", "Müller" as "Muller"); undefined when it has none. */
export function stripDiacritics (name: string): string | undefined {
  const out = name.normalize('NFD').replace(/\p{M}/gu, '').replace(/[ßøØłŁıđĐæÆœŒþ]/g, (ch) => UNDECOMPOSED[ch] ?? ch).normalize('NFC')
  return out === name.normalize('NFC') ? undefined : out
}

/** The name in other capitals: a name in capitals in title case, any other in capitals or in lower case. */
function changeCase (name: string, random: () => number): string | undefined {
  if (allCaps(name)) return name.toLowerCase().replace(/(^|[^\p{L}'])(\p{L})/gu, (_, before: string, letter: string) => before + letter.toUpperCase())
  return random() < 0.5 ? name.toUpperCase() : name.toLowerCase()
}

/**
 * Other punctuation, one change of these: all punctuation left out (hyphens and slashes as
 * spaces), a space written as a hyphen, dots put into an abbreviation ("LLC" as "L.L.C."),
 * the dots of abbreviations left out, or the name put in quotes after its legal form.
 */
function changePunctuation (name: string, random: () => number): string | undefined {
  const options: Array<() => string | undefined> = []
  if (/[^\p{L}\p{N}\s]/u.test(name)) options.push(() => name.replace(/[-/]/g, ' ').replace(/[^\p{L}\p{N}\s&]/gu, ''))
  const core = coreSpan(name)
  const spaces = [...name.matchAll(/(?<=\p{L}) (?=\p{L})/gu)].filter((m) => m.index > core.start && m.index < core.end)
  if (spaces.length > 0) {
    options.push(() => {
      const m = pick(random, spaces)
      return m === undefined ? undefined : replaceSpan(name, { start: m.index, end: m.index + 1 }, '-')
    })
  }
  const abbreviations = [...name.matchAll(/\b[A-Z]{2,4}\b/g)].filter((m) => isLegal(m[0]) || name[m.index - 1] === '(')
  if (abbreviations.length > 0) {
    options.push(() => {
      const m = pick(random, abbreviations)
      return m === undefined ? undefined : replaceSpan(name, { start: m.index, end: m.index + m[0].length }, [...m[0]].join('.') + '.')
    })
  }
  if (/\p{L}\.(\p{L}\.)*/u.test(name)) options.push(() => name.replace(/(?<=\p{L})\.(?=\p{L}|\s|,|$)/gu, ''))
  if (core.start > 0 && !/["“«]/.test(name)) options.push(() => `${name.slice(0, core.start)}"${name.slice(core.start, core.end)}"${name.slice(core.end)}`)
  const change = pick(random, options)
  return change?.()
}
