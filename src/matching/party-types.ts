import type { SpelledWord } from './acronyms.js'
import type { LegalFormHit } from './legal-forms.js'

/** An identifier of a party: passport, national id, registration or tax number, IMO, … */
export interface PartyIdentifier {
  type: string
  value: string
}

/** A party as screened: an application's end user or consignee, or a denied party. */
export interface PartyInput {
  name: string
  aliases?: string[]
  /** ISO 3166-1 alpha-2 or alpha-3 code, or an English country name. */
  country?: string | null
  address?: string | null
  identifiers?: PartyIdentifier[]
}

export type NameKind = 'name' | 'alias'

/** One piece of evidence behind a score, and how much it added (or took away). */
export interface MatchFeature {
  feature: 'name' | 'number' | 'legal-form' | 'identifier' | 'country' | 'address'
  value: number | string
  contribution: number
  note: string
}

export interface PartyMatch {
  /** In [0, 1]: the sum of the features' contributions, clamped. */
  score: number
  isMatch: boolean
  /** The pair of names that matched best: one of ours, one of theirs. */
  matched: { queryName: string, candidateName: string, candidateNameKind: NameKind }
  features: MatchFeature[]
  /** One or two sentences for an officer: which names matched, why, and the score. */
  explanation: string
}

export interface ScoreOptions {
  /** Score from which `isMatch` is true; DEFAULT_PARTY_THRESHOLD if not given. */
  threshold?: number
}

/**
 * A word of a prepared name. `key` is its phonetic key (see `phoneticKey`), `vowels` the same
 * with its vowels folded (`vowelKey`), `consonants` its consonant skeleton (`consonantKey`); `role` sets its weight: distinctive words count fully, generic words
 * ("trading", "technology"), patronymics, connectors ("bin", "abu") and initials less, stop words and
 * titles hardly at all.
 */
export interface NameWord {
  text: string
  key: string
  /** The letters of `key`, as bits (see `letterSet`). */
  letters: number
  vowels: string
  consonants: string
  /** `key` without an inflectional ending (see `stemKey`): "labs" and "lab", "kasperskogo" and "kaspersky". */
  stem: string
  /** For a word with the Arabic article written onto it ("Elkaddafi", "Eddine"), the key of the rest; else empty. */
  bare: string
  weight: number
  role: 'core' | 'generic' | 'patronymic' | 'connector' | 'initial' | 'stop'
  abjad: boolean
  /** The number a word writes ("711th", "711", "fifteenth"), if it writes one. */
  number?: number
  /** Written in capitals in a name that is not ("CETC" in "CETC 29th Research Institute"): an acronym, compared with runs of the other name's words too. */
  acronym?: boolean
  /** A country or a city or province that names companies ("Changzhou", "Hebei"). */
  place?: boolean
  /** Where the word stands in its name's `spelled` words. */
  at?: number
  /** The numbers written in digits inside the word ("705" in "705thresearch"), if any (see `digitsOf`). */
  digits?: string
  /** For a joined run (`joined`), its number words ("first" in "first division"). */
  numberWords?: string[]
  /** A run of adjacent words written together, made while aligning two names. */
  joined?: boolean
}

/** A number written in a name, in digits ("711th", "711") or in English words ("fifteenth"). */
export interface NameNumber {
  value: number
  text: string
}

/** One spelling of a name, ready to compare: legal forms set apart from the words. */
export interface PreparedName {
  source: string
  words: NameWord[]
  legalForms: LegalFormHit[]
  legalWords: string[]
  /** The numbers the name writes, in order ("Twenty-First" is one: 21), with the words that write them. */
  numbers: NameNumber[]
  /** Every word of the name in order, legal forms and stop words included, as acronyms read them (see `spelledRuns`). */
  spelled: SpelledWord[]
  /** Written in parentheses inside a longer name: "EBCC" in "Emal Bilal Construction Company (EBCC)", or an acronym written after it (`appended`). */
  parenthetical: boolean
  /** An acronym written after the name it spells: "CCC" in "CAR CARE CENTER CCC". */
  appended?: boolean
  /** What was set aside from this name because it restates it: an acronym or respelling in parentheses, an acronym written after it. */
  restated?: Array<{ text: string, appended: boolean }>
}

export interface PreparedPartyName {
  source: string
  kind: NameKind
  /** The name (each part, when it lists several), then the names in its parentheses (see `prepareNameForms`). */
  forms: PreparedName[]
}

/** A party prepared once by `prepareParty`, to be scored against many others. */
export interface PreparedParty {
  readonly kind: 'prepared-party'
  names: PreparedPartyName[]
  /** ISO 3166-1 alpha-2 code, or the normalised name when it is not a known country. */
  country: string | null
  addressWords: Set<string>
  identifiers: PartyIdentifier[]
}
