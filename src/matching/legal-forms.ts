import { phoneticKey } from './transliterate.js'

/**
 * Families of legal form. Forms of one family are the same thing in different languages
 * (OOO, GmbH, SARL, LLC); `company` holds the words that say only "a company" (Co., Ltd,
 * Inc, Corporation) and agrees with every family.
 */
export type LegalFamily = 'company' | 'limited-liability' | 'joint-stock' | 'partnership' | 'sole-trader' | 'state-enterprise' | 'free-zone'

/** A legal form found in a name: the words as written, in Latin, and its family. */
export interface LegalFormHit {
  words: string
  family: LegalFamily
  /** How the form reads when it was misspelt or written onto a word ("compnay" is "company", "officejsc" holds "jsc"). */
  read?: string
}

// Each line: family, then forms separated by "|". A form is words as they come out of
// toLatinWords (lowercase, dots inside a word dropped: "S.A.R.L." is "sarl"). Forms marked
// with a leading "^" are short or ordinary words ("as", "co", "sa") and count as legal forms
// only at the start or end of a name.
const TABLE: Array<[LegalFamily, string]> = [
  ['company', 'company|companies|co|corp|corporation|inc|incorporated|ltd|limited|plc|pte|pvt|private limited|private|pty|' +
    'sdn bhd|sendirian berhad|bhd|berhad|cia|compania|compagnie|cie|^ste|societe|sociedad|societa|' +
    'company limited|co ltd|ltd co|public limited company|gong si|you xian gong si|youxian gongsi|gongsi|youxiangongsi|' +
    'sharikat|sharika|sherkat|shirkat|shrkh|shrkt|mhdwdh|kmpny|lmtd|lmytd|sti|sirketi|ltd sti|limited sirketi|kaisha|^kabushiki|^pt|tbk|cong ty|congty'],
  ['limited-liability', 'llc|^l l c|limited liability company|limited liability co|ltd liability co|limited liability partnership|' +
    'ooo|obshchestvo s ogranichennoy otvetstvennostyu|obshchestvo s ogranichennoi otvetstvennostiu|gmbh|' +
    'gesellschaft mit beschrankter haftung|sarl|^srl|^sro|ltda|limitada|sp z o o|spzoo|^tov|^too|^odo|eurl|tnhh|' +
    'yugen kaisha|godo kaisha|sociedad de responsabilidad limitada|societe a responsabilite limitee|' +
    'societa a responsabilita limitata|wll|dhmm|^sl|^bv|besloten vennootschap|^fz llc|fzllc'],
  ['joint-stock', 'jsc|ojsc|cjsc|pjsc|jsco|joint stock company|joint stock co|joint stock|open joint stock company|closed joint stock company|' +
    'public joint stock company|private joint stock company|^ao|^zao|^oao|^pao|^nao|aktsionernoe obshchestvo|' +
    'zakrytoe aktsionernoe obshchestvo|otkrytoe aktsionernoe obshchestvo|publichnoe aktsionernoe obshchestvo|' +
    '^sa|^ag|aktiengesellschaft|^nv|naamloze vennootschap|^spa|^sas|^sae|^sal|^saoc|^saog|^ksc|^kscc|^psc|^qsc|^qpsc|^bsc|' +
    '^as|^asa|^ab|^oy|^oyj|^kk|kabushiki kaisha|kabushikigaisha|zhu shi hui she|ju sig hoe sa|gu fen you xian gong si|' +
    'sociedad anonima|societe anonyme|societa per azioni|sa de cv|sapi de cv|anonim sirketi|^pjs|sahami khass|sahami khas|' +
    'sahami aam|^ae|^prat|^pat|cong ty co phan|^ad|^dd|akcionarsko drustvo|^a s'],
  ['partnership', 'llp|^lp|limited partnership|partnership|^kg|^ohg|^gbr|^snc|^scs|^s en c|^vof|^cv|^sc'],
  ['sole-trader', '^ip|^chp|^est|establishment|sole proprietorship|^eirl|^ek|^spc'],
  ['state-enterprise', 'fgup|^gup|^mup|^fkp|fgbu|fsue|federal state unitary enterprise|state unitary enterprise|unitary enterprise'],
  ['free-zone', 'fze|fzco|^fzc|dmcc|fz co|free zone establishment|free zone company']
]

interface LegalForm {
  words: string[]
  /** The words as written in the table: a word much longer than a short form is not it. */
  texts: string[]
  family: LegalFamily
  edgeOnly: boolean
}

let forms: LegalForm[] | undefined

function legalForms (): LegalForm[] {
  if (forms !== undefined) return forms
  forms = TABLE.flatMap(([family, list]) => list.split('|').map((form) => ({
    words: form.replace('^', '').split(' ').map(phoneticKey),
    texts: form.replace('^', '').split(' '),
    family,
    edgeOnly: form.startsWith('^')
  })))
  forms.sort((a, b) => b.words.length - a.words.length)
  return forms
}

/**
 * Marks the words of a name that belong to a legal form. `phonetic` holds the phonetic keys
 * of the name's words in order, `eligible` says which words may be part of one (all by
 * default), `texts` the words as written (when given, a word two letters longer than an
 * ambiguous short form is not it, whatever its phonetic key: "Saja" is "sa" but a name); the
 * answer holds, for each
 * word, the index of the hit it belongs to (or -1), and the hits with the indices of their
 * words. Longer forms win ("Limited Liability Company" is one hit, not "Limited" and
 * "Company"). Ambiguous short forms count only at either end of the name, where legal forms
 * stand in every language.
 */
export function findLegalForms (
  phonetic: readonly string[], eligible?: readonly boolean[], texts?: readonly string[]
): { hitOf: number[], hits: Array<LegalFormHit & { indices: number[] }> } {
  const hitOf: number[] = phonetic.map((_, i) => eligible?.[i] === false ? -2 : -1)
  const hits: Array<LegalFormHit & { indices: number[] }> = []
  const ambiguous: boolean[] = []
  const edge = edgeSpan(phonetic)
  for (let i = 0; i < phonetic.length; i++) {
    if (hitOf[i] !== -1) continue
    for (const form of formsStartingWith(phonetic[i] ?? '')) {
      const end = i + form.words.length
      if (end > phonetic.length || !form.words.every((w, k) => phonetic[i + k] === w && hitOf[i + k] === -1)) continue
      if (form.edgeOnly && !(i < edge.start || end > edge.end)) continue
      if (form.edgeOnly && texts !== undefined && !form.texts.every((w, k) => (texts[i + k] ?? '').length <= w.length + 1)) continue
      const indices: number[] = []
      for (let k = i; k < end; k++) indices.push(k)
      for (const k of indices) hitOf[k] = hits.length
      hits.push({ words: phonetic.slice(i, end).join(' '), family: form.family, indices })
      ambiguous.push(form.edgeOnly)
      i = end - 1
      break
    }
  }
  // A name that would be legal forms only keeps its ambiguous ones as words: "KPSK, OOO" is a
  // company called KPSK, not an OOO that is a QPSC.
  if (ambiguous.some(Boolean) && hitOf.every((hit) => hit !== -1)) {
    const kept = hits.filter((_, k) => ambiguous[k] !== true)
    if (kept.length < hits.length) {
      const renumber = hits.map((h) => kept.indexOf(h))
      return finish(phonetic, hitOf.map((hit) => hit >= 0 ? renumber[hit] ?? -1 : hit), kept)
    }
  }
  return finish(phonetic, hitOf, hits)
}

function finish (
  phonetic: readonly string[], hitOf: number[], hits: Array<LegalFormHit & { indices: number[] }>
): { hitOf: number[], hits: Array<LegalFormHit & { indices: number[] }> } {
  const merged = absorbStrays(phonetic, hitOf, hits)
  return { hitOf: merged.hitOf.map((hit) => Math.max(hit, -1)), hits: merged.hits }
}

// Words that only legal forms use, and only in forms of several words ("Liability" in "Limited
// Liability Company", "Joint" and "Stock", "Aktsionernoe", "Unitary"): left over when the form is
// split by the name's own words ("Limited Kaspersky Liability Company"). Ordinary words that such
// forms also use ("Open", "State", "Public", Chinese syllables) join a split form only next to
// one of its words ("Open Joint-Stock Oil and Gas Company"): "Open Technologies JSC" keeps its
// "Open".
const ORDINARY = new Set('open closed public private state federal enterprise sole sendirian gong xian youxian cong phan sapi khas khass yugen godo'.split(' '))

let strays: Set<string> | undefined
let ordinary: Set<string> | undefined

function strayWords (): Set<string> {
  if (strays !== undefined) return strays
  const single = new Set(legalForms().filter((f) => f.words.length === 1).map((f) => f.words[0] ?? ''))
  const longer = legalForms().filter((f) => f.words.length > 1)
  strays = new Set(longer.flatMap((f) => f.words.filter((w, k) => (f.texts[k] ?? '').length >= 4 && !ORDINARY.has(f.texts[k] ?? '') && !single.has(w))))
  ordinary = new Set(longer.flatMap((f) => f.words.filter((_, k) => ORDINARY.has(f.texts[k] ?? ''))))
  return strays
}

/**
 * A form of several words split by the name's own words: a word left over that only legal
 * forms use joins the hits of the same form's other words when every word of that form is in
 * the name ("Limited Kaspersky Liability Company": "limited", "liability" and "company" are one
 * limited liability company); an ordinary word does so only next to a hit. A word whose form is
 * not all there stays a word ("Joint Venture Company"), and so does one the hits already hold
 * ("Moscow Stock Exchange Joint Stock Company" keeps its first "Stock").
 */
function absorbStrays (
  phonetic: readonly string[], hitOf: number[], hits: Array<LegalFormHit & { indices: number[] }>
): { hitOf: number[], hits: Array<LegalFormHit & { indices: number[] }> } {
  const loose = (j: number): boolean => hitOf[j] === -1 &&
    (strayWords().has(phonetic[j] ?? '') || (ordinary?.has(phonetic[j] ?? '') === true && ((hitOf[j - 1] ?? -1) >= 0 || (hitOf[j + 1] ?? -1) >= 0)))
  if (hits.length === 0 || !phonetic.some((_, j) => loose(j))) return { hitOf, hits }
  for (let i = 0; i < phonetic.length; i++) {
    const word = phonetic[i] ?? ''
    if (!loose(i)) continue
    for (const form of legalForms()) {
      if (form.words.length < 2 || !form.words.includes(word)) continue
      const inside = (j: number): boolean => {
        const hit = hits[hitOf[j] ?? -1]
        return hit !== undefined && hit.indices.every((k) => form.words.includes(phonetic[k] ?? ''))
      }
      const used = placeForm(form.words, phonetic, inside, loose)
      if (used === undefined || !used.some((j) => hitOf[j] === -1) || !used.some((j) => (hitOf[j] ?? -1) >= 0)) continue
      const absorbed = new Set(used.flatMap((j) => (hitOf[j] ?? -1) >= 0 ? [hitOf[j] ?? 0] : []))
      const indices = [...new Set([...used, ...[...absorbed].flatMap((k) => hits[k]?.indices ?? [])])].sort((x, y) => x - y)
      for (const k of absorbed) {
        const hit = hits[k]
        if (hit !== undefined) hit.indices = []
      }
      for (const j of indices) hitOf[j] = hits.length
      hits.push({ words: indices.map((j) => phonetic[j] ?? '').join(' '), family: form.family, indices })
      break
    }
  }
  const kept = hits.filter((h) => h.indices.length > 0)
  const renumber = hits.map((h) => kept.indexOf(h))
  return { hitOf: hitOf.map((k) => k >= 0 ? renumber[k] ?? -1 : k), hits: kept }
}

// Positions in the name, one for each word of a form: a word of a hit that the form holds
// whole when there is one (`inside`), else a loose word.
function placeForm (
  words: readonly string[], phonetic: readonly string[], inside: (j: number) => boolean, loose: (j: number) => boolean
): number[] | undefined {
  const used: number[] = []
  for (const w of words) {
    const free = (k: number): boolean => phonetic[k] === w && !used.includes(k)
    let j = phonetic.findIndex((_, k) => free(k) && inside(k))
    if (j < 0) j = phonetic.findIndex((_, k) => free(k) && loose(k))
    if (j < 0) return undefined
    used.push(j)
  }
  return used
}

// Single-word forms that are sometimes written onto the word before them ("OfficeJSC",
// "TradingLLC") or after them ("OOORomashka"): only those that no word of a name ends or begins
// with in any romanisation ("zao" and "pao" are Chinese syllables: "Zaozhuang", "Zhizao").
const JOINABLE_AFTER = new Set('llc jsc ojsc cjsc pjsc ltd gmbh plc llp fze fzco fzllc sarl ltda pvt bhd'.split(' '))
const JOINABLE_BEFORE = new Set('ooo oao ojsc cjsc pjsc jsc llc'.split(' '))

/**
 * A word written onto a legal form: the word and the form ("officejsc" is "office" and "jsc"),
 * looked for at the end of a word (`after`: the form follows) or at its start (`before`). The
 * word left must keep three letters.
 */
export function splitJoinedForm (text: string, side: 'after' | 'before'): { word: string, form: string } | undefined {
  if (!/^[a-z]+$/.test(text)) return undefined
  for (const form of side === 'after' ? JOINABLE_AFTER : JOINABLE_BEFORE) {
    const word = side === 'after' ? text.slice(0, -form.length) : text.slice(form.length)
    if (word.length >= 3 && (side === 'after' ? text.endsWith(form) : text.startsWith(form))) return { word, form }
  }
  return undefined
}

// The English words of legal forms, as an officer mistypes them ("Compnay", "Limtied"). Forms
// in other languages are left alone: their romanisations vary more than a typo does, and their
// neighbours are names ("Society" is one letter from "Societe", "Sharia" from "Sharika").
const TYPO_TARGETS = 'company companies corporation incorporated limited liability partnership private joint stock unitary enterprise'.split(' ')

/**
 * The legal-form word a misspelt word stands for, or undefined: one letter added, dropped or
 * changed in a word of seven letters or more, two neighbours swapped in one of five or more,
 * the first letter kept ("Compnay", "Limtied", "Corporaton", "Stcok"). `inForm`: the word
 * stands among other words of a legal form, which say what it is, and any one typo in a word
 * of four letters or more is read ("Jkint Stock Company", "Open Jont Stock Company"): the
 * caller keeps such a reading only inside a form of several words (see `prepareName`).
 */
export function legalWordTypo (text: string, inForm = false, key = phoneticKey(text)): string | undefined {
  if (text.length < (inForm ? 4 : 5) || legalWords().has(key)) return undefined
  for (const target of TYPO_TARGETS) {
    if (target[0] === text[0] && Math.abs(target.length - text.length) <= 1 && oneTypo(text, target, inForm)) return target
  }
  return undefined
}

function oneTypo (a: string, b: string, any: boolean): boolean {
  if (a.length === b.length) {
    const diff: number[] = []
    for (let i = 0; i < a.length && diff.length <= 2; i++) if (a[i] !== b[i]) diff.push(i)
    if (diff.length === 2) {
      const [i = 0, j = 0] = diff
      return j === i + 1 && a[i] === b[j] && a[j] === b[i]
    }
    return diff.length === 1 && (any || b.length >= 7)
  }
  if (!any && Math.min(a.length, b.length) < 6) return false
  const [short, long] = a.length < b.length ? [a, b] : [b, a]
  let i = 0
  while (i < short.length && short[i] === long[i]) i++
  return short.slice(i) === long.slice(i + 1)
}

// The leading and trailing runs of words that are legal-form words of any kind: "OOO Romashka"
// has an edge run of one word at the start, "Romashka Co Ltd" one of two at the end.
function edgeSpan (phonetic: readonly string[]): { start: number, end: number } {
  const words = legalWords()
  let start = 0
  while (start < phonetic.length - 1 && words.has(phonetic[start] ?? '')) start++
  let end = phonetic.length
  while (end > start + 1 && words.has(phonetic[end - 1] ?? '')) end--
  return { start: Math.max(start, 1), end: Math.min(end, phonetic.length - 1) }
}

let byFirstWord: Map<string, LegalForm[]> | undefined

// The forms whose first word is `key`, longest first.
function formsStartingWith (key: string): readonly LegalForm[] {
  if (byFirstWord === undefined) {
    byFirstWord = new Map()
    for (const form of legalForms()) {
      const first = form.words[0] ?? ''
      byFirstWord.set(first, [...(byFirstWord.get(first) ?? []), form])
    }
  }
  return byFirstWord.get(key) ?? []
}

let wordSet: Set<string> | undefined

function legalWords (): Set<string> {
  wordSet ??= new Set(legalForms().flatMap((form) => form.words))
  return wordSet
}

/** Whether a phonetic key is a word of some legal form ("company", "joint", "ooo"). */
export function isLegalWord (key: string): boolean {
  return legalWords().has(key)
}

let oneWordSet: Set<string> | undefined

/** Whether a phonetic key is a legal form by itself ("ooo", "llc", "company"). */
export function isOneWordForm (key: string): boolean {
  oneWordSet ??= new Set(legalForms().filter((form) => form.words.length === 1).map((form) => form.words[0] ?? ''))
  return oneWordSet.has(key)
}

/** Whether two legal forms say the same kind of company; `company` agrees with all. */
export function legalFamiliesAgree (a: LegalFamily, b: LegalFamily): boolean {
  return a === b || a === 'company' || b === 'company'
}
