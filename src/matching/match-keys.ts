import { createHash } from 'node:crypto'
import { boundedMemo } from '../lib/bounded-memo.js'
import { codeSearchPrefixes, type CrosswalkLink } from './control-codes.js'
import { nameProbeKeys, nameSearchKeys } from './normalise-name.js'
import type { PartyInput } from './party-types.js'
import { contentWords, normalisePartNumber } from './score-item.js'

/**
 * The version of the key grammar below. Raise it whenever `nameSearchKeys`, the identifier
 * rule, `descriptionKey` or `codeSearchPrefixes` changes what they return, or a key column is
 * added: rows of an older version are recomputed at startup (`refreshMatchKeys`). 3: legal
 * forms read through typos, joins, letter-by-letter writing and split phrases ("Compnay",
 * "AirlinesJSC", "O O O"). 4: items' description keys. 5: the parties' distinct-party hash
 * (`partyNameHash`). 6: acronyms written after the name, and more in parentheses ("CETC 14",
 * "AVIC"), set aside. 7: short legal-form words mistyped inside their form ("Jkint Stock"),
 * "Free Zone Establishment", acronyms that leave out numbers or spell a qualifier. 8: a name
 * that would be legal forms only keeps its ambiguous ones as words ("KPSK, OOO"). 9: an acronym
 * written after the name with its number ("... 13th Research Institute CETC 13"). 10: every name
 * has a consonant-skeleton key, whatever its script (Latin names meet their Arabic spellings).
 * 11: skeleton keys marked by script (`SKELETON_MARK`).
 */
export const KEYS_VERSION = 11

/** Joins a party's keys into the one trigram-indexed column; word similarity finds each within it. */
const KEY_SEPARATOR = ' / '

/** Identifier values shorter than this retrieve too much to be worth an index probe. */
const MIN_IDENTIFIER_KEY = 4

export interface PartyKeySource {
  name: string
  aliases?: readonly string[] | null
  identifiers?: ReadonlyArray<{ value: string }> | null
}

/** A party's names and identifiers as written: what makes the parties of two decisions one distinct party name (`partyNameHash`). */
export interface DistinctPartySource extends PartyKeySource {
  identifiers?: ReadonlyArray<{ scheme?: string, value: string }> | null
}

/** Every search key of every name of a party, deduplicated, in order: what is stored. */
export function partySearchKeys (party: PartyKeySource): string[] {
  return keysOfNames(party, searchKeysOf)
}

/** Every probe key of every name of a party (`nameProbeKeys`), deduplicated, in order: what it is looked for by. */
export function partyProbeKeys (party: PartyKeySource): string[] {
  return keysOfNames(party, probeKeysOf)
}

function keysOfNames (party: PartyKeySource, keysOf: (name: string) => readonly string[]): string[] {
  const keys = new Set<string>()
  for (const name of [party.name, ...(party.aliases ?? [])]) for (const key of keysOf(name)) keys.add(key)
  return [...keys]
}

/**
 * `nameSearchKeys`, remembered for the most recent names: the same end users and consignees
 * recur across many decisions, and a sync page or an import computes the keys of ~1,500
 * parties (about 90 µs a name). Bounded: the oldest name is forgotten first.
 */
const searchKeysOf: (name: string) => readonly string[] = boundedMemo(nameSearchKeys, 20_000)
const probeKeysOf: (name: string) => readonly string[] = boundedMemo(nameProbeKeys, 20_000)

/** A party's identifier keys (`identifierKey`), deduplicated: what retrieval finds it by whatever its names. */
export function partyIdentifierKeys (party: PartyKeySource): string[] {
  return [...new Set((party.identifiers ?? []).flatMap((id) => identifierKey(id.value) ?? []))]
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

/** A party's search keys as `record_parties.name_keys` stores them, one text (what the SQL function `party_exact_keys` reads). */
export function partyNameKeys (party: PartyKeySource): string {
  return partySearchKeys(party).join(KEY_SEPARATOR)
}

/** The `record_parties` key columns of a party. */
export function partyKeyColumns (party: DistinctPartySource) {
  const identifierKeys = partyIdentifierKeys(party)
  return {
    name_keys: partyNameKeys(party),
    identifier_keys: identifierKeys,
    name_hash: partyNameHash(party),
    keys_version: KEYS_VERSION
  }
}

/**
 * The distinct party name a decision's party carries, as a UUID: the same for every party
 * whose names and identifiers are written alike (name, aliases, identifiers, under this key
 * grammar), whoever wrote it, in whichever decision, whatever its country and address. A
 * million decisions name a few thousand distinct names: the party search runs over those
 * (`party_names`) and reaches decisions through this hash.
 */
export function partyNameHash (party: DistinctPartySource): string {
  const written = [KEYS_VERSION, party.name, party.aliases ?? [], (party.identifiers ?? []).map((id) => [id.scheme ?? null, id.value])]
  const hex = createHash('sha256').update(JSON.stringify(written)).digest('hex')
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`
}

/**
 * The `record_items` key columns: the part number as items are compared by it, and, for items
 * found `byDescription` (classifications: two allies may classify one item that has no part
 * number), the description key (`descriptionKey`); null for the others (decisions' items are
 * related by their codes), so that the description index holds classifications alone.
 */
export function itemKeyColumns (item: { description: string, partNumber?: string | null | undefined }, options: { byDescription: boolean }) {
  return {
    part_key: normalisePartNumber(item.partNumber ?? null),
    description_key: options.byDescription ? descriptionKey(item.description) : null,
    keys_version: KEYS_VERSION
  }
}

/**
 * A description as the trigram index compares it: its content words (`contentWords`, the words
 * the item scorer compares: case, accents, punctuation, stop words and plural or -ed endings
 * folded), sorted, so that descriptions in another word order share one key and a typo costs a
 * few trigrams. Null when no content word is left ("Equipment"): nothing to find it by.
 * @example descriptionKey('Changers, frequency (converters or inverters)') // 'changer converter frequency inverter'
 */
export function descriptionKey (description: string): string | null {
  const words = contentWords(description).sort()
  return words.length === 0 ? null : words.join(' ')
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

/** A party as records and applications write it: what `toPartyInput` reads (structural, so matching needs no record type). */
export interface WrittenParty {
  name: string
  aliases: string[]
  country: string
  address?: string | undefined
  identifiers: ReadonlyArray<{ scheme: string, value: string }>
}

/** A record's party as the party matcher reads it (identifier schemes become types). */
export function toPartyInput (party: WrittenParty): PartyInput {
  return {
    name: party.name,
    aliases: party.aliases,
    country: party.country,
    address: party.address ?? null,
    identifiers: party.identifiers.map((id) => ({ type: id.scheme, value: id.value }))
  }
}

/** The index probe of one code: its stored family and canonical form, its ancestors, and the LIKE pattern of its descendants. */
export interface CodeProbe {
  family: string
  canonical: string
  ancestors: string[]
  pattern: string
}

/** Index probes for codes: family, canonical form, ancestors and the pattern of descendants. Codes that cannot be read probe nothing. */
export function codeProbes (codes: ReadonlyArray<{ regime: string, code: string }>): CodeProbe[] {
  const seen = new Set<string>()
  return codes.flatMap(({ regime, code }) => {
    const keys = codeSearchPrefixes(regime, code)
    if (keys === null) return []
    const probe = { family: familyKey(keys), canonical: keys.canonical, ancestors: keys.ancestors, pattern: keys.descendantPattern }
    const id = `${probe.family} ${probe.canonical}`
    if (seen.has(id)) return []
    seen.add(id)
    return [probe]
  })
}

/** The far ends of `links` from `codes`' point of view: codes in other numberings to look for too. */
export function crosswalkTargets (links: readonly CrosswalkLink[]): Array<{ regime: string, code: string }> {
  return links.flatMap((l) => [l.from, l.to])
}
