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
}

// Each line: family, then forms separated by "|". A form is words as they come out of
// toLatinWords (lowercase, dots inside a word dropped: "S.A.R.L." is "sarl"). Forms marked
// with a leading "^" are short or ordinary words ("as", "co", "sa") and count as legal forms
// only at the start or end of a name.
const TABLE: Array<[LegalFamily, string]> = [
  ['company', 'company|companies|co|corp|corporation|inc|incorporated|ltd|limited|plc|pte|pvt|private limited|private|pty|' +
    'sdn bhd|sendirian berhad|bhd|berhad|cia|compania|compagnie|cie|^ste|societe|sociedad|societa|' +
    'company limited|co ltd|ltd co|public limited company|gong si|you xian gong si|youxian gongsi|gongsi|youxiangongsi|' +
    'sharikat|sharika|sherkat|shirkat|shrkh|shrkt|kmpny|lmtd|lmytd|sti|sirketi|ltd sti|limited sirketi|kaisha|^kabushiki|^pt|tbk|cong ty|congty'],
  ['limited-liability', 'llc|^l l c|limited liability company|limited liability co|ltd liability co|limited liability partnership|' +
    'ooo|obshchestvo s ogranichennoy otvetstvennostyu|obshchestvo s ogranichennoi otvetstvennostiu|gmbh|' +
    'gesellschaft mit beschrankter haftung|sarl|^srl|^sro|ltda|limitada|sp z o o|spzoo|^tov|^too|^odo|eurl|tnhh|' +
    'yugen kaisha|godo kaisha|sociedad de responsabilidad limitada|societe a responsabilite limitee|' +
    'societa a responsabilita limitata|wll|dhmm|^sl|^bv|besloten vennootschap|^fz llc|fzllc'],
  ['joint-stock', 'jsc|ojsc|cjsc|pjsc|jsco|joint stock company|joint stock co|open joint stock company|closed joint stock company|' +
    'public joint stock company|private joint stock company|^ao|^zao|^oao|^pao|^nao|aktsionernoe obshchestvo|' +
    'zakrytoe aktsionernoe obshchestvo|otkrytoe aktsionernoe obshchestvo|publichnoe aktsionernoe obshchestvo|' +
    '^sa|^ag|aktiengesellschaft|^nv|naamloze vennootschap|^spa|^sas|^sae|^sal|^saoc|^saog|^ksc|^kscc|^psc|^qsc|^qpsc|^bsc|' +
    '^as|^asa|^ab|^oy|^oyj|^kk|kabushiki kaisha|kabushikigaisha|zhu shi hui she|ju sig hoe sa|gu fen you xian gong si|' +
    'sociedad anonima|societe anonyme|societa per azioni|sa de cv|sapi de cv|anonim sirketi|^pjs|sahami khass|sahami khas|' +
    'sahami aam|^ae|^prat|^pat|cong ty co phan|^ad|^dd|akcionarsko drustvo|^a s'],
  ['partnership', 'llp|^lp|limited partnership|partnership|^kg|^ohg|^gbr|^snc|^scs|^s en c|^vof|^cv|^sc'],
  ['sole-trader', '^ip|^chp|^est|establishment|sole proprietorship|^eirl|^ek|^spc'],
  ['state-enterprise', 'fgup|^gup|^mup|^fkp|fgbu|fsue|federal state unitary enterprise|state unitary enterprise|unitary enterprise'],
  ['free-zone', 'fze|fzco|^fzc|dmcc|fz co']
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
  const edge = edgeSpan(phonetic)
  for (let i = 0; i < phonetic.length; i++) {
    if (hitOf[i] !== -1) continue
    for (const form of legalForms()) {
      const end = i + form.words.length
      if (end > phonetic.length || !form.words.every((w, k) => phonetic[i + k] === w && hitOf[i + k] === -1)) continue
      if (form.edgeOnly && !(i < edge.start || end > edge.end)) continue
      if (form.edgeOnly && texts !== undefined && !form.texts.every((w, k) => (texts[i + k] ?? '').length <= w.length + 1)) continue
      const indices: number[] = []
      for (let k = i; k < end; k++) indices.push(k)
      for (const k of indices) hitOf[k] = hits.length
      hits.push({ words: phonetic.slice(i, end).join(' '), family: form.family, indices })
      i = end - 1
      break
    }
  }
  return { hitOf: hitOf.map((hit) => Math.max(hit, -1)), hits }
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

let wordSet: Set<string> | undefined

function legalWords (): Set<string> {
  wordSet ??= new Set(legalForms().flatMap((form) => form.words))
  return wordSet
}

/** Whether two legal forms say the same kind of company; `company` agrees with all. */
export function legalFamiliesAgree (a: LegalFamily, b: LegalFamily): boolean {
  return a === b || a === 'company' || b === 'company'
}
