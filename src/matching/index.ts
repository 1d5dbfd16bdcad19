export { DEFAULT_PARTY_THRESHOLD, prepareParty, scoreParty } from './score-party.js'
export { nameSearchKeys, normaliseName, prepareName, prepareNameForms } from './normalise-name.js'
export { consonantKey, phoneticKey, toLatinWords, type LatinWord } from './transliterate.js'
export { findLegalForms, legalFamiliesAgree, type LegalFamily, type LegalFormHit } from './legal-forms.js'
export { alignWords, jaroWinkler, levenshtein, tokenSetSimilarity, wordSimilarity, type Alignment, type WordPair } from './text-similarity.js'
export type {
  MatchFeature, NameKind, NameWord, PartyIdentifier, PartyInput, PartyMatch, PreparedName, PreparedParty, PreparedPartyName, ScoreOptions
} from './party-types.js'
