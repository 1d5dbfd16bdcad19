import { codeSearchPrefixes, nameSearchKeys, normalisePartNumber } from '../matching/index.js'

/**
 * The version of the key grammar below. Raise it whenever `nameSearchKeys`, the identifier
 * rule or `codeSearchPrefixes` changes what they return: rows of an older version are
 * recomputed at startup (`refreshMatchKeys`).
 */
export const KEYS_VERSION = 1

/** Joins a party's keys into the one trigram-indexed column; word similarity finds each within it. */
const KEY_SEPARATOR = ' / '

/** Identifier values shorter than this retrieve too much to be worth an index probe. */
const MIN_IDENTIFIER_KEY = 4

export interface PartyKeySource {
  name: string
  aliases?: readonly string[] | null
  identifiers?: ReadonlyArray<{ value: string }> | null
}

/** Every search key of every name of a party, deduplicated, in order. */
export function partySearchKeys (party: PartyKeySource): string[] {
  const keys = new Set<string>()
  for (const name of [party.name, ...(party.aliases ?? [])]) for (const key of nameSearchKeys(name)) keys.add(key)
  return [...keys]
}

/**
 * An identifier's value as retrieval compares it: NFKC, upper case, letters and digits only,
 * whatever its type ("passport" at one agency is "travel document" at another; the scorer
 * weighs the type). Null when too short to retrieve by.
 */
export function identifierKey (value: string): string | null {
  const key = value.normalize('NFKC').toUpperCase().replace(/[^A-Z0-9]/g, '')
  return key.length >= MIN_IDENTIFIER_KEY ? key : null
}

/**
 * A party's search keys with their spaces taken out: names that normalise alike (legal forms
 * dropped, romanisations folded, words joined, split or reordered) share one. Divergence detection looks
 * parties up by these (exact, cheap GIN probes on every stored record); the fuzzy trigram
 * search on `name_keys` is for officers' queries and screening.
 */
export function exactNameKeys (keys: readonly string[]): string[] {
  // each key joined as written and with its words in alphabetical order: "Bank Gazprom" meets "Gazprom Bank"
  const joined = keys.flatMap((k) => [k.replaceAll(' ', ''), k.split(' ').sort().join('')])
  return [...new Set(joined.filter((k) => k.length >= MIN_EXACT_KEY))]
}

/** Joined keys shorter than this ("ab") would tie unrelated parties together. */
const MIN_EXACT_KEY = 4

/** The `record_parties` key columns of a party. */
export function partyKeyColumns (party: PartyKeySource) {
  const keys = partySearchKeys(party)
  return {
    name_keys: keys.join(KEY_SEPARATOR),
    identifier_keys: [...new Set((party.identifiers ?? []).flatMap((id) => identifierKey(id.value) ?? []))],
    name_exact_keys: exactNameKeys(keys),
    keys_version: KEYS_VERSION
  }
}

/** The `record_items` key columns: the part number as items are compared by it. */
export function itemKeyColumns (item: { partNumber?: string | null | undefined }) {
  return { part_key: normalisePartNumber(item.partNumber ?? null), keys_version: KEYS_VERSION }
}

/** The `record_codes` key columns of a code; nulls when the code cannot be read (the raw code stays). */
export function codeKeyColumns (regime: string, code: string) {
  const keys = codeSearchPrefixes(regime, code)
  return { family: keys === null ? null : familyKey(keys), canonical: keys?.canonical ?? null, keys_version: KEYS_VERSION }
}

/** The family as stored: a national list's codes compare within their regime only. */
export function familyKey (keys: { family: string, regime: string | null }): string {
  return keys.regime === null ? keys.family : `${keys.family}:${keys.regime}`
}

/** The `crosswalk_links` key columns: the same keys for both ends. */
export function linkKeyColumns (link: { from: { regime: string, code: string }, to: { regime: string, code: string } }) {
  const from = codeKeyColumns(link.from.regime, link.from.code)
  const to = codeKeyColumns(link.to.regime, link.to.code)
  return { from_family: from.family, from_canonical: from.canonical, to_family: to.family, to_canonical: to.canonical, keys_version: KEYS_VERSION }
}
