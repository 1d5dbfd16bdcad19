import { boundedMemoBy } from '../lib/bounded-memo.js'
import type { PartyInput, PartyMatch, PreparedParty } from './party-types.js'
import { placeParty, prepareParty } from './prepare-party.js'

/**
 * A party as the scorer reads it, prepared once however many decisions name it: preparing a
 * name (normalised, transliterated, its forms) costs more than scoring it, and a million
 * decisions name a few thousand distinct parties. Remembered by how the party is written, for
 * the most recent 5,000.
 */
export const preparedWrittenParty: (party: PartyInput) => PreparedParty = boundedMemoBy(
  (party: PartyInput) => JSON.stringify([party.name, party.aliases ?? [], party.country ?? null, party.address ?? null, party.identifiers ?? []]),
  prepareParty,
  5_000
)

/**
 * A party as the scorer reads it, its names prepared once (`preparedWrittenParty`) and placed
 * in its country and at its address (`placeParty`): what `prepareParty` gives, at the cost of
 * the place alone when the names were seen before.
 */
export function preparedPlacedParty (party: PartyInput): PreparedParty {
  return placeParty(preparedWrittenParty({ name: party.name, aliases: party.aliases ?? [], identifiers: party.identifiers ?? [] }), party)
}

/**
 * `candidate` as if it stood where `query` does (its country, its address): the best that any
 * party of the candidate's names and identifiers can score against `query`, whatever country
 * and address a decision gives it.
 */
export function atPlaceOf (candidate: PreparedParty, query: PreparedParty): PreparedParty {
  return { ...candidate, country: query.country, addressWords: query.addressWords }
}

export { placeParty }

/**
 * Whether a scored pair of parties is a hit: the names match (score at or above the
 * threshold), or they share an identifier (registration, tax, passport number…), which counts
 * even when the names differ. The one rule for screening, the officers' search, the undercut
 * warning and divergence detection.
 */
export function isPartyHit (match: PartyMatch): boolean {
  return match.isMatch || match.features.some((f) => f.feature === 'identifier' && f.contribution > 0)
}
