/**
 * Control-list codes: one canonical spelling per entry, the entry's ancestors, and how two
 * codes relate (same entry, one within the other, or through a published crosswalk). Pure, no
 * I/O, never throws on bad input. The model, and why each regime falls in its family, is in
 * docs/matching-items.md.
 */

/** A numbering scheme; codes are comparable by number only within one family (and, for `national`, one regime). */
export type CodeFamily = 'dual-use' | 'military' | 'us-eccn' | 'us-usml' | 'mtcr' | 'nsg' | 'cwc' | 'national'

export interface ControlCodeRef { regime: string, code: string }

export interface NormalisedCode {
  regime: string
  /** e.g. 3A001.a.1, ML10.a, XI(a)(3), 2.A.1, PL5017 */
  canonical: string
  /** the entry and its sub-items down to this code, e.g. ['3A001', '3A001.a', '3A001.a.1'] */
  path: string[]
  family: CodeFamily
  /** for reports, meaningful within the family: '3', 'ML10', 'XI', MTCR item '2', CWC schedule '2', 'PL5017' */
  category: string
}

export interface CrosswalkLink { from: ControlCodeRef, to: ControlCodeRef, relation: 'equivalent' | 'broader' | 'narrower' }

export interface CodeRelation {
  /** of `a` to `b`: `within` means a lies within b */
  relation: 'same' | 'within' | 'contains' | 'crosswalk' | 'unrelated'
  via?: CrosswalkLink
  explanation: string
}

export interface CodeSearchKeys {
  family: CodeFamily
  /** set for the national family only: national codes compare within one regime */
  regime: string | null
  canonical: string
  /** the entries this code lies within (path without the code itself) */
  ancestors: string[]
  /** LIKE pattern (escape character `\`) for every code within this one, e.g. '3A001.a.%' */
  descendantPattern: string
}

type Step = 'same' | 'within' | 'contains'
type Level = 'letter' | 'number' | 'roman' | 'upper'

/** Words a code may be written with before the entry itself, e.g. "USML Category XI(a)(3)", "MTCR 2.A.1". */
const PREFIXES: Record<string, string> = {
  eu: 'EU',
  uk: 'UK',
  wassenaar: 'WA|Wassenaar',
  'us-eccn': 'US|ECCN|CCL',
  'us-usml': 'US|USML|ITAR|Category|Cat',
  mtcr: 'MTCR|Item',
  nsg: 'NSG',
  ag: 'AG',
  cwc: 'CWC|Schedule|Sch|Part',
  national: 'UK'
}
const ROMAN = ['I', 'II', 'III', 'IV', 'V', 'VI', 'VII', 'VIII', 'IX', 'X', 'XI', 'XII', 'XIII', 'XIV', 'XV', 'XVI', 'XVII', 'XVIII', 'XIX', 'XX', 'XXI']
const EU_SHAPE = /^([0-9])([A-E])([0-9]{3})(?![0-9])(.*)$/i
const DUAL_USE = /^([0-9])[\s.-]*([A-E])(?:([0-9]{3})(?![0-9])|[\s.-]+0*([0-9]{1,3})(?![0-9]))(.*)$/i
const MILITARY = /^ML[\s.-]*0*([0-9]{1,2})(?![0-9])(.*)$/i
const UK_NATIONAL = /^PL[\s.-]*([0-9]{4})(?![0-9])(.*)$/i
const REGIME_LIST = /^0*([0-9]{1,2})[\s.-]*([A-E])[\s.-]*0*([0-9]{1,3})(?![0-9])(.*)$/i
const CWC = /^([1-3])[\s.-]*(?:PART[\s.-]*)?([AB])[\s.-]*0*([0-9]{1,2})[\s.]*$/i
const USML = /^([IVX]+|[0-9]{1,2})(?=$|[\s.(-])(.*)$/i
const ALTERNATING: Level[] = ['letter', 'number']
const USML_LEVELS: Level[] = ['letter', 'number', 'roman', 'upper', 'number']

/**
 * Reads `code` as an entry of `regime`'s control list, or null when it is not one we can read
 * (free text, catch-all ratings such as "End Use", sanctions ratings such as "IRN", EAR99).
 * @example normaliseCode('wassenaar', '3.A.1.a.1') // { canonical: '3A001.a.1', family: 'dual-use', path: ['3A001', '3A001.a', '3A001.a.1'], category: '3', … }
 */
export function normaliseCode (regime: string, code: string): NormalisedCode | null {
  if (typeof regime !== 'string' || typeof code !== 'string' || code.length > 200) return null
  const r = regime.trim().toLowerCase()
  const prefix = PREFIXES[r]
  if (prefix === undefined) return null
  const text = code.trim().replace(new RegExp(`^(?:(?:${prefix})(?![A-Za-z0-9])[\\s:.-]*)+`, 'i'), '')
  const entry = readEntry(r, text)
  const subs = entry === null ? null : readSubItems(entry.rest, entry.levels)
  if (entry === null || subs === null) return null
  const path = [entry.entry]
  for (const s of subs) path.push(entry.family === 'us-usml' ? `${path.at(-1)}(${s})` : `${path.at(-1)}.${s}`)
  return { regime: r, canonical: path.at(-1) as string, path, family: entry.family, category: entry.category }
}

/**
 * How `a` relates to `b`: by number when they share a numbering (EU, UK and Wassenaar dual-use
 * codes do; a US ECCN and an EU code do not), else through one crosswalk link, read in either
 * direction and combined with the hierarchy on each side. Unreadable codes are `unrelated`.
 * @example relateCodes({ regime: 'eu', code: '3A001.a.1' }, { regime: 'wassenaar', code: '3.A.1' }).relation // 'within'
 */
export function relateCodes (a: ControlCodeRef, b: ControlCodeRef, crosswalks: readonly CrosswalkLink[] = []): CodeRelation {
  const na = normaliseCode(a?.regime, a?.code)
  const nb = normaliseCode(b?.regime, b?.code)
  if (na === null || nb === null) {
    const bad = na === null ? a : b
    return { relation: 'unrelated', explanation: `"${String(bad?.code)}" is not a ${String(bad?.regime)} control-list code we can read` }
  }
  const direct = stepBetween(na, nb)
  if (direct !== null) return { relation: direct, explanation: explainDirect(na, a.code, nb, b.code, direct) }

  let best: { relation: Step, link: CrosswalkLink } | null = null
  let partial: CrosswalkLink | null = null
  for (const link of Array.isArray(crosswalks) ? crosswalks : []) {
    const step = LINK_STEP[link?.relation]
    const from = normaliseCode(link?.from?.regime, link?.from?.code)
    const to = normaliseCode(link?.to?.regime, link?.to?.code)
    if (step === undefined || from === null || to === null) continue
    for (const [x, y, s] of [[from, to, step], [to, from, INVERSE[step]]] as const) {
      const before = stepBetween(na, x)
      const after = stepBetween(y, nb)
      if (before === null || after === null) continue
      const composed = compose([before, s, after])
      if (composed === null) partial ??= link
      else if (best === null || RANK[composed] < RANK[best.relation]) best = { relation: composed, link }
    }
  }
  if (best !== null) {
    const { relation, link } = best
    return {
      relation: relation === 'same' ? 'crosswalk' : relation,
      via: link,
      explanation: `${show(na, a.code)} ${VERB[relation]} ${show(nb, b.code)} through the crosswalk ${showLink(link)}`
    }
  }
  const explanation = partial !== null
    ? `${show(na, a.code)} and ${show(nb, b.code)} lie under the entries of the crosswalk ${showLink(partial)}, which says nothing about their sub-items`
    : na.family !== nb.family && na.canonical === nb.canonical
      ? `${show(na, a.code)} and ${show(nb, b.code)} share a number but not a numbering (${na.family}, ${nb.family}): only a crosswalk relates them`
      : `${show(na, a.code)} and ${show(nb, b.code)} are unrelated${na.family === nb.family ? '' : ' (no crosswalk links them)'}`
  return { relation: 'unrelated', explanation }
}

/**
 * What a database caller stores and queries so that "every code within X" is one index range:
 * store `family`, `canonical` (and the regime, for the national family); query
 * `family = $1 and (canonical = $2 or canonical like $3)` with `descendantPattern` as $3
 * (LIKE's default escape `\`), and "every entry X lies within" as `canonical = any($ancestors)`.
 * @example codeSearchPrefixes('eu', '3A001a') // { family: 'dual-use', regime: null, canonical: '3A001.a', ancestors: ['3A001'], descendantPattern: '3A001.a.%' }
 */
export function codeSearchPrefixes (regime: string, code: string): CodeSearchKeys | null {
  const n = normaliseCode(regime, code)
  if (n === null) return null
  const childSeparator = n.family === 'us-usml' ? '(' : '.'
  return {
    family: n.family,
    regime: n.family === 'national' ? n.regime : null,
    canonical: n.canonical,
    ancestors: n.path.slice(0, -1),
    descendantPattern: `${escapeLike(n.canonical + childSeparator)}%`
  }
}

/** The numbering a code's canonical form is in: its family, and for national lists the regime too. Codes compare by number only within one. */
export function numberingOf (n: NormalisedCode): string {
  return n.family === 'national' ? `national:${n.regime}` : n.family
}

/** Escapes `\`, `%` and `_` for a LIKE pattern whose escape character is `\` (PostgreSQL's default). */
export function escapeLike (text: string): string {
  return text.replace(/[\\%_]/g, '\\$&')
}

const LINK_STEP: Record<string, Step | undefined> = { equivalent: 'same', narrower: 'within', broader: 'contains' }
const INVERSE: Record<Step, Step> = { same: 'same', within: 'contains', contains: 'within' }
const RANK: Record<Step, number> = { same: 0, within: 1, contains: 2 }
const VERB: Record<Step, string> = { same: 'is equivalent to', within: 'lies within', contains: 'contains' }

interface Entry { family: CodeFamily, entry: string, category: string, levels: Level[], rest: string }

/** The entry a code names (3A001, ML10, XI, 2.A.1, …) and the text of its sub-items, per the regime's numbering. */
function readEntry (r: string, text: string): Entry | null {
  const military = ['eu', 'uk', 'wassenaar', 'national'].includes(r) ? MILITARY.exec(text) : null
  if (military !== null) {
    const n = Number(military[1])
    return n >= 1 && n <= 22 ? { family: 'military', entry: `ML${n}`, category: `ML${n}`, levels: ALTERNATING, rest: military[2] ?? '' } : null
  }
  const ukNational = r === 'uk' || r === 'national' ? UK_NATIONAL.exec(text) : null
  if (ukNational !== null) return { family: 'national', entry: `PL${ukNational[1]}`, category: `PL${ukNational[1]}`, levels: ALTERNATING, rest: ukNational[2] ?? '' }
  if (r === 'us-eccn') return EU_SHAPE.test(text) ? dualUseEntry('us-eccn', text) : null
  if (r === 'us-usml') return usmlEntry(text)
  if (r === 'national') return dualUseEntry('national', text)
  if (r === 'eu' || r === 'uk' || r === 'wassenaar' || EU_SHAPE.test(text)) return dualUseEntry('dual-use', text)
  if (r === 'cwc') {
    const m = CWC.exec(text)
    return m === null ? null : { family: 'cwc', entry: `${m[1]}.${(m[2] ?? '').toUpperCase()}.${Number(m[3])}`, category: m[1] ?? '', levels: [], rest: '' }
  }
  const m = r === 'mtcr' || r === 'nsg' ? REGIME_LIST.exec(text) : null
  if (m === null) return null
  const item = Number(m[1])
  if (item < 1 || item > (r === 'mtcr' ? 20 : 6) || Number(m[3]) < 1) return null
  return { family: r as CodeFamily, entry: `${item}.${(m[2] ?? '').toUpperCase()}.${Number(m[3])}`, category: String(item), levels: ALTERNATING, rest: m[4] ?? '' }
}

function dualUseEntry (family: CodeFamily, text: string): Entry | null {
  const m = DUAL_USE.exec(text)
  if (m === null || Number(m[3] ?? m[4]) < 1) return null
  const entry = `${m[1]}${(m[2] ?? '').toUpperCase()}${String(Number(m[3] ?? m[4])).padStart(3, '0')}`
  return { family, entry, category: m[1] ?? '', levels: ALTERNATING, rest: m[5] ?? '' }
}

function usmlEntry (text: string): Entry | null {
  const m = USML.exec(text)
  if (m === null) return null
  const n = /^[0-9]/.test(m[1] ?? '') ? Number(m[1]) : ROMAN.indexOf((m[1] ?? '').toUpperCase()) + 1
  const category = ROMAN[n - 1]
  return category === undefined ? null : { family: 'us-usml', entry: category, category, levels: USML_LEVELS, rest: m[2] ?? '' }
}

/** Sub-items after the entry: tokens alternate as `levels` says (a letter, then a number, …); null if any does not fit. */
function readSubItems (rest: string, levels: Level[]): string[] | null {
  if (!/^[A-Za-z0-9\s.()/-]*$/.test(rest)) return null
  const tokens = rest.match(/[A-Za-z]+|[0-9]+/g) ?? []
  const out: string[] = []
  for (const [i, token] of tokens.entries()) {
    const level = levels.length === 0 ? undefined : levels[i] ?? levels[i % 2]
    if (level === 'number' && /^[0-9]{1,3}$/.test(token) && Number(token) > 0) out.push(String(Number(token)))
    else if (level === 'letter' && /^[a-z]$/i.test(token)) out.push(token.toLowerCase())
    else if (level === 'upper' && /^[a-z]$/i.test(token)) out.push(token.toUpperCase())
    else if (level === 'roman' && /^x{0,3}(?:ix|iv|v?i{0,3})$/i.test(token)) out.push(token.toLowerCase())
    else return null
  }
  return out
}

function stepBetween (x: NormalisedCode, y: NormalisedCode): Step | null {
  if (numberingOf(x) !== numberingOf(y)) return null
  if (x.canonical === y.canonical) return 'same'
  if (x.path.includes(y.canonical)) return 'within'
  if (y.path.includes(x.canonical)) return 'contains'
  return null
}

/** Chains steps: only same/within or same/contains chains say anything; a within then a contains does not. */
function compose (steps: Step[]): Step | null {
  const moves = new Set(steps.filter((s) => s !== 'same'))
  if (moves.size > 1) return null
  return [...moves][0] ?? 'same'
}

function explainDirect (na: NormalisedCode, rawA: string, nb: NormalisedCode, rawB: string, step: Step) {
  const shared = na.regime === nb.regime
    ? ''
    : na.family === 'dual-use'
      ? ': EU, UK and Wassenaar dual-use lists (and regime entries written in their numbering) share one numbering'
      : na.family === 'military' ? ': the EU, UK and national military lists follow the Wassenaar Munitions List numbering' : ''
  const verb = step === 'same' ? 'is the same entry as' : step === 'within' ? 'lies within' : 'contains'
  return `${show(na, rawA)} ${verb} ${show(nb, rawB)}${shared}`
}

function show (n: NormalisedCode, raw: string) {
  return raw.trim() === n.canonical ? `${n.regime} ${n.canonical}` : `${n.regime} ${n.canonical} (written "${raw.trim()}")`
}

function showLink (link: CrosswalkLink) {
  return `${link.from.regime} ${link.from.code} → ${link.to.regime} ${link.to.code} (${link.relation})`
}

/** The dual-use list's categories (EU Annex I, UK, Wassenaar, US CCL share them). */
const DUAL_USE_CATEGORIES: readonly string[] = [
  'Nuclear materials, facilities and equipment', 'Special materials and related equipment', 'Materials processing', 'Electronics', 'Computers',
  'Telecommunications and information security', 'Sensors and lasers', 'Navigation and avionics', 'Marine', 'Aerospace and propulsion'
]

/** The Wassenaar Munitions List's categories, ML1 to ML22 (shortened as the lists' headings read). */
const MILITARY_CATEGORIES: readonly string[] = [
  'Smooth-bore weapons under 20 mm, other arms and automatic weapons of 12.7 mm or less', 'Smooth-bore weapons of 20 mm or more, other weapons over 12.7 mm',
  'Ammunition and fuze setting devices', 'Bombs, torpedoes, rockets, missiles and other explosive devices', 'Fire control and related alerting and warning equipment',
  'Ground vehicles and components', 'Chemical or biological toxic agents, riot control agents, radioactive materials', 'Energetic materials',
  'Vessels of war and special naval equipment', 'Aircraft, unmanned aerial vehicles, aero-engines and equipment', 'Electronic equipment and spacecraft',
  'High velocity kinetic energy weapon systems', 'Armoured or protective equipment', 'Equipment for military training or simulation',
  'Imaging or countermeasure equipment', 'Forgings, castings and other unfinished products', 'Miscellaneous equipment, materials and libraries',
  'Production equipment', 'Directed energy weapon systems', 'Cryogenic and superconductive equipment', 'Software', 'Technology'
]

/**
 * A control category's name as the lists head it (`category` of `normaliseCode`): MLn a
 * military category, a digit a dual-use one (0 nuclear … 9 aerospace); null for others
 * (national lists). A category alone does not say its list: a CWC schedule or an MTCR, NSG or
 * Australia Group item of one digit reads as the dual-use category of that digit, which is what
 * divergences are about in nearly every case (docs/divergence.md).
 */
export function controlCategoryName (category: string): string | null {
  if (/^[0-9]$/.test(category)) return DUAL_USE_CATEGORIES[Number(category)] ?? null
  const military = /^ML([0-9]{1,2})$/.exec(category)
  return military === null ? null : MILITARY_CATEGORIES[Number(military[1]) - 1] ?? null
}
