export { DEFAULT_PARTY_THRESHOLD, DEFAULT_TRIGRAM_THRESHOLD } from '../config.js'
export { prepareParty, scoreParty } from './score-party.js'
export { atPlaceOf, isPartyHit, placeParty, preparedPlacedParty, preparedWrittenParty } from './party-scorer.js'
export { keyKindsSearched, nameProbeKeys, nameSearchKeys, normaliseName, prepareName, prepareNameForms, SKELETON_MARK, unmarkedKey } from './normalise-name.js'
export { consonantKey, latinSpelling, phoneticKey, toLatinWords, type LatinWord } from './transliterate.js'
export { findLegalForms, legalFamiliesAgree, type LegalFamily, type LegalFormHit } from './legal-forms.js'
export { alignWords, jaroWinkler, levenshtein, tokenSetSimilarity, wordSimilarity, type Alignment, type WordPair } from './text-similarity.js'
export type {
  MatchFeature, NameKind, NameWord, PartyIdentifier, PartyInput, PartyMatch, PreparedName, PreparedParty, PreparedPartyName, ScoreOptions
} from './party-types.js'
export {
  codeSearchPrefixes, controlCategoryName, escapeLike, normaliseCode, numberingOf, relateCodes,
  type CodeFamily, type CodeRelation, type CodeSearchKeys, type ControlCodeRef, type CrosswalkLink, type NormalisedCode
} from './control-codes.js'
export { contentWords, normalisePartNumber, scoreItem, stemWord, type CodePair, type ItemFeature, type ItemInput, type ItemMatch, type ItemRelation } from './score-item.js'
export {
  KEYS_VERSION, codeKeyColumns, codeProbes, crosswalkTargets, familyKey, identifierKey, itemKeyColumns, linkKeyColumns,
  partyIdentifierKeys, partyKeyColumns, partyNameHash, partyNameKeys, partyProbeKeys, partySearchKeys, toPartyInput, type CodeProbe, type DistinctPartySource, type PartyKeySource, type WrittenParty
} from './match-keys.js'
