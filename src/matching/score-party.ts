import { DEFAULT_PARTY_THRESHOLD } from '../config.js'
import { prepareParty } from './prepare-party.js'
import { compareAddresses, compareCountries, compareIdentifiers, compareLegalForms, round } from './party-evidence.js'
import { alignNames, UNMATCHED_PENALTY } from './name-similarity.js'
import { differentNumbers } from './name-numbers.js'
import type { MatchFeature, NameKind, PartyInput, PartyMatch, PreparedName, PreparedParty, ScoreOptions } from './party-types.js'
import type { Alignment } from './align-words.js'

export { prepareParty } from './prepare-party.js'

/**
 * Scores how likely `candidate` is the same party as `query`, in [0, 1], and explains it.
 * Every name of the query is compared with every name and alias of the candidate; the best
 * pair carries the name evidence, which identifiers, country, address and legal forms then
 * adjust. Pass `prepareParty` results to score one query against many candidates quickly.
 */
export function scoreParty (query: PartyInput | PreparedParty, candidate: PartyInput | PreparedParty, options: ScoreOptions = {}): PartyMatch {
  const threshold = options.threshold ?? DEFAULT_PARTY_THRESHOLD
  const q = isPrepared(query) ? query : prepareParty(query)
  const c = isPrepared(candidate) ? candidate : prepareParty(candidate)
  const best = bestNamePair(q, c)
  const base = best.similarity
  const features: MatchFeature[] = [{
    feature: 'name',
    value: round(base),
    contribution: round(base),
    note: describeAlignment(best)
  }]
  if (best.numbers !== undefined) features.push(numberFeature(best.numbers))
  const legal = compareLegalForms(best.query, best.candidate)
  if (legal !== undefined && base > 0) features.push(legal)
  features.push(...compareIdentifiers(q.identifiers, c.identifiers, Math.max(0, base - (best.numbers === undefined ? 0 : NUMBER_PENALTY))))
  const country = compareCountries(q.country, c.country)
  if (country !== undefined) features.push(country)
  const address = compareAddresses(q.addressWords, c.addressWords)
  if (address !== undefined) features.push(address)
  const score = round(Math.min(1, Math.max(0, features.reduce((sum, f) => sum + f.contribution, 0))))
  const isMatch = score >= threshold
  const matched = { queryName: best.queryName, candidateName: best.candidateName, candidateNameKind: best.candidateNameKind }
  return { score, isMatch, matched, features, explanation: explain(matched, partCompared(best), features, score, threshold, isMatch) }
}

function isPrepared (party: PartyInput | PreparedParty): party is PreparedParty {
  return (party as PreparedParty).kind === 'prepared-party'
}

interface NamePair {
  queryName: string
  candidateName: string
  candidateNameKind: NameKind
  query: PreparedName
  candidate: PreparedName
  alignment: Alignment
  similarity: number
  /** Numbers the two names disagree on (see `differentNumbers`). */
  numbers: ReturnType<typeof differentNumbers>
}

// What two names that differ in a number lose, on top of their unmatched number words. Names
// that differ only in a number are different parties (the 711th and the 715th research
// institute of CSSC), but a long name shares so many words that the unmatched numbers alone
// leave it near 0.9 (20 words: 40 / 45); less 0.3, legal form, country and address together
// cannot lift it to 0.7.
const NUMBER_PENALTY = 0.3

function numberFeature (numbers: NonNullable<NamePair['numbers']>): MatchFeature {
  const show = (list: Array<{ text: string }>): string => list.map((n) => n.text).join(', ')
  return { feature: 'number', value: `${show(numbers.ours)} / ${show(numbers.theirs)}`, contribution: -NUMBER_PENALTY, note: 'different numbers' }
}

function bestNamePair (q: PreparedParty, c: PreparedParty): NamePair {
  let best: NamePair | undefined
  for (const qn of q.names) {
    for (const cn of c.names) {
      for (const qf of qn.forms) {
        for (const cf of cn.forms) {
          if (qf.parenthetical && cf.parenthetical) continue
          const alignment = alignNames(qf, cf)
          const numbers = differentNumbers(qf.numbers, cf.numbers)
          const value = alignment.similarity - (numbers === undefined ? 0 : NUMBER_PENALTY)
          if (best === undefined || value > best.similarity - (best.numbers === undefined ? 0 : NUMBER_PENALTY)) {
            best = {
              queryName: qn.source,
              candidateName: cn.source,
              candidateNameKind: cn.kind,
              query: qf,
              candidate: cf,
              alignment,
              similarity: alignment.similarity,
              numbers
            }
          }
        }
      }
    }
  }
  if (best !== undefined) return best
  const empty: PreparedName = { source: '', words: [], legalForms: [], legalWords: [], numbers: [], spelled: [], parenthetical: false }
  return {
    queryName: q.names[0]?.source ?? '',
    candidateName: c.names[0]?.source ?? '',
    candidateNameKind: 'name',
    query: empty,
    candidate: empty,
    alignment: { similarity: 0, total: 0, pairs: [], unmatchedA: [], unmatchedB: [] },
    similarity: 0,
    numbers: undefined
  }
}

function describeAlignment (pair: NamePair): string {
  const { alignment, query, candidate } = pair
  if (alignment.pairs.length === 0) return 'no word of the names agrees'
  const words = (name: PreparedName, indices: number[]): string => indices.map((i) => name.words[i]?.text ?? '').join(' ')
  // Below 1, each pair says what it adds to the name similarity, and the shares add up to it.
  const partial = alignment.similarity < 1 && alignment.total > 0
  const shares = partial ? centsAddingUp(alignment.pairs.map((p) => p.similarity * p.weight / alignment.total)) : []
  const parts = alignment.pairs.map((p, k) => {
    const ours = words(query, p.a)
    const theirs = words(candidate, p.b)
    const joined = p.kind !== undefined ? `, ${p.kind}` : p.a.length > 1 || p.b.length > 1 ? ', joined' : ''
    const share = partial ? ` ${signed(shares[k] ?? 0)}` : ''
    if (p.similarity === 1) return `${ours} = ${theirs}${joined}${share}`
    return `${ours} ~ ${theirs} (${round(p.similarity)}${joined})${share}`
  })
  const telling = (name: PreparedName) => (i: number): boolean => name.words[i]?.role !== 'stop'
  const unmatched = [
    ...alignment.unmatchedA.filter(telling(query)).map((i) => `ours "${query.words[i]?.text ?? ''}"`),
    ...alignment.unmatchedB.filter(telling(candidate)).map((j) => `theirs "${candidate.words[j]?.text ?? ''}"`)
  ]
  const restated = [
    ...(query.restated ?? []).map((r) => `ours "${r.text}"${r.appended ? ' (written after the name)' : ''}`),
    ...(candidate.restated ?? []).map((r) => `theirs "${r.text}"${r.appended ? ' (written after the name)' : ''}`)
  ]
  const how = partial
    ? `; a pair adds its similarity × its words' weight ÷ ${fixed(alignment.total)}, the weight of all the words ` +
      `(a distinctive word 1, a generic one 0.5; unmatched, ${UNMATCHED_PENALTY} times that)`
    : ''
  return parts.join(', ') + (unmatched.length > 0 ? `; unmatched: ${unmatched.join(', ')}` : '') +
    (restated.length > 0 ? `; set aside as restating the name: ${restated.join(', ')}` : '') + how
}

/**
 * Values rounded to hundredths so that they add up to their sum rounded (largest remainders
 * first): the parts an explanation shows add up to the total it shows.
 */
function centsAddingUp (values: readonly number[]): number[] {
  const cents = values.map((v) => v * 100)
  const floors = cents.map(Math.floor)
  let left = Math.round(cents.reduce((sum, c) => sum + c, 0)) - floors.reduce((sum, f) => sum + f, 0)
  const order = cents.map((c, i) => ({ i, rest: c - (floors[i] ?? 0) })).sort((x, y) => y.rest - x.rest)
  for (const { i } of order) {
    if (left <= 0) break
    floors[i] = (floors[i] ?? 0) + 1
    left--
  }
  return floors.map((f) => f / 100)
}

// When the pair compared only a part of a name (an acronym or a name in brackets, an acronym
// written after it), which part: "BUAA" alone matching "Beijing University of Aeronautics and
// Astronautics (BUAA)" says less than the whole name would.
function partCompared (pair: NamePair): string {
  const part = (form: PreparedName, whose: string): string[] => form.parenthetical
    ? [`the part of ${whose} ${form.appended === true ? 'written after it' : 'in brackets'} ("${form.source.trim()}")`]
    : []
  const parts = [...part(pair.query, 'ours'), ...part(pair.candidate, 'theirs')]
  return parts.length === 0 ? '' : `, comparing only ${parts.join(' and ')}`
}

function explain (
  matched: PartyMatch['matched'], part: string, features: MatchFeature[], score: number, threshold: number, isMatch: boolean
): string {
  const theirs = matched.candidateNameKind === 'alias' ? 'their alias' : 'their name'
  const [name, ...others] = features
  const head = (isMatch
    ? `Our name "${matched.queryName}" matches ${theirs} "${matched.candidateName}"`
    : `Closest names: our "${matched.queryName}" and ${theirs} "${matched.candidateName}"`) + part
  // The features' contributions as shown add up to the score as shown, or say why not.
  const total = features.reduce((sum, f) => sum + f.contribution, 0)
  const shown = centsAddingUp(features.map((f) => f.contribution))
  const evidence = [`name similarity ${fixed(shown[0] ?? 0)} (${name?.note ?? ''})`,
    ...others.map((f, k) => `${f.note} (${String(f.value)}) ${signed(shown[k + 1] ?? 0)}`)]
  const sum = others.length === 0
    ? ''
    : round(total) === score
      ? ` = ${shown.map((x, k) => k === 0 ? fixed(x) : `${x < 0 ? '-' : '+'} ${fixed(Math.abs(x))}`).join(' ')}`
      : ` (the features add up to ${fixed(total)}, ${total > 1 ? 'more than 1' : 'less than 0'})`
  const verdict = isMatch ? `at or above the threshold ${fixed(threshold)}: a match` : `below the threshold ${fixed(threshold)}: not a match`
  return `${head}: ${evidence.join('; ')}. Score ${fixed(score)}${sum}, ${verdict}.`
}

function fixed (x: number): string {
  return x.toFixed(2)
}

function signed (x: number): string {
  return (x >= 0 ? '+' : '') + x.toFixed(2)
}
