import anyAscii from 'any-ascii'
import { abjadSkeleton } from './skeleton.js'

export { consonantKey } from './skeleton.js'

/**
 * One word of a name in Latin letters, with the script it was written in. `abjad` marks words
 * written in Arabic, Persian, Urdu, Hebrew or Syriac script: those scripts omit most vowels,
 * so such words can only be compared with Latin spellings by their consonants.
 */
export interface LatinWord {
  text: string
  abjad: boolean
  syllabic: boolean
  /** Written in Latin capitals, two letters or more ("CETC", "IAP"): in a name that is not all capitals, an acronym. */
  capitals: boolean
  /** For an abjad word, the word as written (article and marks removed); otherwise empty. */
  written: string
  /** For an abjad word, its consonant skeleton (see `abjadSkeleton`); otherwise empty. */
  skeleton: string
}

const ABJAD = /[\u0590-\u05ff\u0600-\u06ff\u0700-\u074f\u0750-\u077f\u0780-\u07bf\u08a0-\u08ff\ufb1d-\ufdff\ufe70-\ufeff]/u
// Han, kana and Hangul: any-ascii renders each character as one capitalised syllable.
const SYLLABIC = /[\u1100-\u11ff\u3040-\u30ff\u3130-\u318f\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff]/u
const LATIN_LETTER = /[a-z]/i
const CYRILLIC_OR_GREEK = /[\u0370-\u03ff\u0400-\u04ff]/u
const ARABIC_ARTICLE = /^[\u0627\u0671]\u0644(?=\S{2,})/u
// "and", "with", "for" or "like" written onto the article: "والجهاد" is "wa al-jihad".
const ARABIC_PROCLITIC = /^(?:[\u0648\u0641\u0628\u0643][\u0627\u0671]\u0644|\u0644\u0644)(?=\S{3,})/u
const ARABIC_TATWEEL_AND_MARKS = /\p{M}|\u0640/gu

// Cyrillic and Greek letters drawn like Latin ones. In a name written in Latin they are typing
// accidents or spoofing ("Technology Со., Ltd." with a Cyrillic "Со" in the BIS Entity List).
const HOMOGLYPHS = new Map([...'аaвbеeкkмmнhоoрpсcтtуyхxіiјjѕsАAВBЕEКKМMНHОOРPСCТTУYХXІIЈJЅSΑAΒBΕEΖZΗHΙIΚKΜMΝNΟOΡPΤTΥYΧXοo']
  .flatMap((c, i, all) => i % 2 === 0 ? [[c, all[i + 1] ?? c] as const] : []))

/**
 * A name written (partly) in another script, in Latin letters as any-ascii spells it, case
 * kept, for a person to read beside the name as written; undefined when it has no letter of
 * another script.
 */
export function latinSpelling (name: string): string | undefined {
  const source = name.normalize('NFKC')
  return /[^\p{Script=Latin}\P{L}]/u.test(source) ? anyAscii(source).replace(/\s+/g, ' ').trim() : undefined
}

/**
 * Splits `text` into words and writes each in lowercase ASCII Latin: NFKC first, then
 * any-ascii (Cyrillic, Greek, Arabic, Hebrew, CJK, …; diacritics dropped). Han, kana and
 * Hangul become one word per syllable ("华为" → "hua", "wei"), so that word joining can find
 * "huawei". A leading Arabic article "ال" is dropped, as Latin spellings write it as a
 * separate "al"/"el" or leave it out. Punctuation separates words, except apostrophes and
 * dots inside a word ("val'", "S.A.R.L." → "sarl").
 */
export function toLatinWords (text: string): LatinWord[] {
  const source = text.normalize('NFKC')
  const hasLatin = LATIN_LETTER.test(source)
  const words: LatinWord[] = []
  for (const raw of source.split(/[\s\p{Z}]+/u)) {
    for (const part of splitScripts(raw)) {
      const word = hasLatin && isHomoglyphWord(part) ? [...part].map((c) => HOMOGLYPHS.get(c) ?? c).join('') : part
      const abjad = ABJAD.test(word)
      const syllabic = SYLLABIC.test(word)
      const prepared = abjad ? word.replace(ARABIC_TATWEEL_AND_MARKS, '').replace(ARABIC_PROCLITIC, '').replace(ARABIC_ARTICLE, '') : word
      const ascii = anyAscii(prepared)
      const pieces = syllabic ? ascii.replace(/([A-Z])/g, ' $1').split(' ') : [ascii]
      const skeleton = abjad ? abjadSkeleton(prepared) : ''
      for (const piece of pieces) {
        for (const { text, capitals } of asciiWords(piece)) words.push({ text, abjad, syllabic, capitals, written: abjad ? prepared : '', skeleton })
      }
    }
  }
  return words
}

function splitScripts (word: string): string[] {
  if (!SYLLABIC.test(word)) return [word]
  return word.split(/([\u1100-\u11ff\u3040-\u30ff\u3130-\u318f\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff]+)/u)
    .filter((part) => part !== '')
}

function isHomoglyphWord (word: string): boolean {
  if (!CYRILLIC_OR_GREEK.test(word)) return false
  for (const c of word) if (CYRILLIC_OR_GREEK.test(c) && !HOMOGLYPHS.has(c)) return false
  return true
}

function asciiWords (ascii: string): Array<{ text: string, capitals: boolean }> {
  return ascii
    .replace(/(?<=[a-z0-9])\.(?=[a-z0-9])/gi, '')
    .replace(/(?<=[a-z])['`’ʼʻ](?=[a-z])/gi, '')
    .split(/[^a-z0-9]+/i)
    .filter((w) => w !== '')
    .map((w) => ({ text: w.toLowerCase(), capitals: /^[A-Z]{2,}$/.test(w) }))
}

const PHONETIC_RULES: Array<[RegExp, string]> = [
  [/ee/g, 'i'],
  [/^abd[aeiouy]{1,2}[lr]?/, 'abd'],
  [/[aeiou]l?d+(?:i|y)ne?$/, 'din'],
  [/tsch|tch/g, 'ch'],
  [/dzh|dsch|dj/g, 'j'],
  [/shch|sch|shh/g, 'sh'],
  [/c(?=[aou]|$)/g, 'k'],
  [/ts|tz|cz/g, 'c'],
  [/th/g, 't'],
  [/dh/g, 'd'],
  [/gh/g, 'g'],
  [/ph/g, 'f'],
  [/kh/g, 'h'],
  [/ck|q/g, 'k'],
  [/x/g, 'ks'],
  [/w/g, 'v'],
  [/ou|oo/g, 'u'],
  [/y|(?<=[aeiou])j(?![aeiou])/g, 'i'],
  [/ei/g, 'ai'],
  [/(?<=[aeiou])i(?=[aeiou])/g, ''],
  [/off$/g, 'ov'],
  [/(.)\1+/g, '$1']
]

/**
 * Folds the usual romanisation variants of one lowercase ASCII word into one spelling:
 * kh/h, ya/ia/ja, yu/iu/ju, y/i/j, ts/tz/c, dzh/dj/j, shch/sch/sh, w/v, ou/u, q/k, ph/f, a hard c/k,
 * ei/ai (Hussein, Husain), a final -off for -ov, doubled letters, and the Arabic article
 * inside names ("Abdul", "Abdel", "Abd al-" as "abd"; "-uddin", "-eddine", "al-Din" as
 * "aldin"). "Yakovlev" and "Jakovlev", "Khusein" and "Husayn", "Gaziev" and "Gaziyev",
 * "Abdurrahman" and "Abd al-Rahman" all meet.
 */
export function phoneticKey (word: string): string {
  let key = phoneticKeys.get(word)
  if (key !== undefined) return key
  key = word
  for (const [pattern, replacement] of PHONETIC_RULES) key = key.replace(pattern, replacement)
  if (phoneticKeys.size >= MAX_REMEMBERED_KEYS) phoneticKeys.clear()
  phoneticKeys.set(word, key)
  return key
}

// Words recur across names (legal forms, "trading", given names): their keys are remembered,
// up to this many, then forgotten all at once.
const MAX_REMEMBERED_KEYS = 50_000
const phoneticKeys = new Map<string, string>()

// Endings: English plurals and "-ment"/"-ing" ("Management", "Managing"), Russian adjective and
// genitive endings ("Kasperskogo", "Elektronnye"), final vowels that differ between Russian and
// Belarusian ("Lukashenko", "Lukashenka") or between languages ("Groupe", "Grupo").
const ENDING = /(?:ement|ment|ing|ogo|ovo|ego|aia|oie|ie|ii|ih|es|s|a|e|i|o)$/

/**
 * A phonetic key without its endings, as many as come off while four letters remain:
 * "kasperskogo" and "kasperski" are both "kaspersk", "railvais" and "railvai" both "railv".
 */
export function stemKey (phonetic: string): string {
  let stem = phonetic
  for (let m = ENDING.exec(stem); m !== null && stem.length - m[0].length >= 4; m = ENDING.exec(stem)) stem = stem.slice(0, m.index)
  return stem
}

// The Arabic article written onto a word: "Elkaddafi", "Alhosseini", and assimilated before a
// doubled consonant, "Eddine", "Essaadi". The rest must begin with a consonant ("Alexander" has
// no article) and keep four letters.
const ATTACHED_ARTICLE = /^(?:[aeu]l(?=[^aeiouy][a-z]{3})|[aeu](?=([bcdfghjklmnpqrstvwxz])\1[a-z]{3}))/

/** The phonetic key of a word without an Arabic article written onto it, or '' when it has none. */
export function bareKey (word: string): string {
  const m = ATTACHED_ARTICLE.exec(word)
  return m === null ? '' : phoneticKey(word.slice(m[0].length))
}

/**
 * A phonetic key with every run of vowels written "a": Latin spellings of Arabic, Persian and
 * Pashto names differ mostly in vowels ("Zahir", "Zaher"; "Muhammad", "Mohammed").
 */
export function vowelKey (phonetic: string): string {
  return phonetic.replace(/[aeiou]+/g, 'a')
}

/** The set of letters a–z in a word, as bits 0 to 25 (digits share bit 26, j counts as i). */
export function letterSet (word: string): number {
  let set = 0
  for (let i = 0; i < word.length; i++) {
    const c = word.charCodeAt(i) - 97
    set |= c === 9 ? 1 << 8 : c >= 0 && c < 26 ? 1 << c : 1 << 26
  }
  return set
}
