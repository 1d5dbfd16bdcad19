import type { MatchingConfig } from '../config.js'
import type { Db } from '../db/create-db.js'
import type { Clock } from '../lib/clock.js'
import { errors } from '../lib/errors.js'
import { codeSearchPrefixes, familyKey, partySearchKeys, type PartyMatch } from '../matching/index.js'
import { todayOf } from './dates.js'
import { decodeCursor, encodeCursor, type RankKey } from './decision-cursor.js'
import { lifecycleOf } from './lifecycle.js'
import type { DecisionContent, Outcome } from './schemas.js'
import { findPartyDecisions, listDecisions, loadHeldDecisions, type DecisionFilter, type HeldDecision } from './search-queries.js'
import type { Lifecycle } from './types.js'

export interface DecisionSearchDeps {
  db: Db
  /** Our agency id. */
  self: string
  clock: Clock
  matching: MatchingConfig
}

/** `GET /v1/decisions` as the records capability reads it: the query string, schema-checked. */
export interface DecisionSearch {
  /** A name, matched fuzzily against every party's name and aliases; results are then ranked by score. */
  party?: string | undefined
  country?: string | undefined
  destination?: string | undefined
  regime?: string | undefined
  code?: string | undefined
  outcome?: Outcome | undefined
  issuer?: string | undefined
  scope?: 'all' | 'own' | 'allied' | undefined
  lifecycle?: Lifecycle | undefined
  inForce?: boolean | undefined
  reference?: string | undefined
  from?: string | undefined
  to?: string | undefined
  limit: number
  /** Opaque, from `nextCursor` of the previous page. */
  cursor?: string | undefined
}

/** How a listed decision's party matched the `party` searched for. */
export interface DecisionPartyMatch {
  /** Index of their party in the decision. */
  party: number
  matched: PartyMatch['matched']
  score: number
  explanation: string
}

/** A decision as an officer sees it in a list: ours or an ally's, with where it came from. */
export interface ListedDecision {
  issuer: string
  own: boolean
  recordId: string
  version: number
  lifecycle: Lifecycle
  revokedFrom: string | null
  latestSeq: number
  signature: {
    /** verified: the issuer's signature and chain were verified when the entry was ingested; own: signed by us. */
    status: 'own' | 'verified'
    entrySeq: number
    kid: string | null
    storedAt: Date
  }
  content: DecisionContent
  /** True for a decision of a peer removed with its records kept. */
  formerPeer?: boolean | undefined
  match?: DecisionPartyMatch | undefined
}

export interface DecisionSearchPage {
  records: ListedDecision[]
  /** Pass as `cursor` for the next page; null on the last page. */
  nextCursor: string | null
}

/**
 * Our own and our peers' decisions, filtered, a page at a time; lifecycle computed for the
 * clock's day. Without `party`: newest decision date first, then by issuer and id, keyset
 * pages. With `party`: the (at most `matching.candidates`) decisions whose parties are
 * trigram-near the name are scored by the party matcher; those at or above
 * `matching.partyThreshold` are ranked by score, each with its match. Throws
 * INVALID_REQUEST, naming the parameter, for what the schema cannot check.
 */
export async function searchDecisions (deps: DecisionSearchDeps, search: DecisionSearch): Promise<DecisionSearchPage> {
  const today = todayOf(deps.clock)
  const filter = resolveFilter(deps.self, search)
  if (search.party === undefined) {
    const after = search.cursor === undefined ? undefined : decodeCursor(search.cursor, 'date')
    const decisions = await listDecisions(deps.db, filter, today, after, search.limit + 1)
    const page = decisions.slice(0, search.limit)
    const last = page.at(-1)
    return {
      records: page.map((decision) => toListedDecision(decision, deps.self, today)),
      nextCursor: decisions.length > search.limit && last !== undefined ? encodeCursor({ date: last.decisionDate, issuer: last.issuer, recordId: last.recordId }) : null
    }
  }

  if (partySearchKeys({ name: search.party }).length === 0) throw badParameter('party', 'has no name words to search by: legal forms, titles and stop words alone match everyone')
  const after = search.cursor === undefined ? undefined : decodeCursor(search.cursor, 'score')
  // ranked by what the matcher returns (score, decision date, key), the page alone loaded
  const { page, more } = await deps.db.transaction().execute(async (trx) => {
    const found = await findPartyDecisions(trx, filter, today, { name: search.party as string }, {
      threshold: deps.matching.partyThreshold, trigramThreshold: deps.matching.trigramThreshold, limit: deps.matching.candidates
    })
    const ranked = found.map((party) => ({ party, key: { score: party.match.score, date: party.decisionDate, issuer: party.issuer, recordId: party.recordId } }))
    ranked.sort((a, b) => byRank(a.key, b.key))
    const start = after === undefined ? 0 : ranked.findIndex((d) => byRank(d.key, after) > 0)
    const rest = start < 0 ? [] : ranked.slice(start)
    const chosen = rest.slice(0, search.limit)
    const held = new Map((await loadHeldDecisions(trx, chosen.map((c) => c.party))).map((d) => [`${d.issuer}/${d.recordId}`, d]))
    return {
      page: chosen.flatMap(({ party }) => {
        const decision = held.get(`${party.issuer}/${party.recordId}`)
        return decision === undefined ? [] : [{ ...toListedDecision(decision, deps.self, today), match: { party: party.ordinal, matched: party.match.matched, score: party.match.score, explanation: party.match.explanation } }]
      }),
      more: rest.length > search.limit
    }
  })
  const last = page.at(-1)
  return {
    records: page,
    nextCursor: more && last !== undefined ? encodeCursor({ score: last.match.score, date: last.content.decisionDate, issuer: last.issuer, recordId: last.recordId }) : null
  }
}

/** Checks what the schema cannot (parameters that go together or contradict each other, the code) and reads the code. */
function resolveFilter (self: string, search: DecisionSearch): DecisionFilter {
  const scope = search.scope ?? 'all'
  if ((search.code === undefined) !== (search.regime === undefined)) {
    throw search.code === undefined
      ? badParameter('code', 'is required with regime: the entry to list the decisions within, e.g. regime=eu&code=3A001')
      : badParameter('regime', 'is required with code: the control list whose numbering the code is written in, e.g. regime=wassenaar&code=3.A.1')
  }
  let code: DecisionFilter['code']
  if (search.code !== undefined && search.regime !== undefined) {
    const keys = codeSearchPrefixes(search.regime, search.code)
    if (keys === null) {
      throw badParameter('code', `"${search.code}" is not a ${search.regime} control-list entry we can read; write one entry as the list does ` +
        '(3A001.a.1, 3.A.1.a.1, ML10.a, 9A610.x, XI(a)(3), PL5017); catch-all and sanctions ratings, notes, ranges and lists are not entries')
    }
    code = { family: familyKey(keys), canonical: keys.canonical, descendantPattern: keys.descendantPattern }
  }
  if (search.issuer !== undefined && scope === 'own' && search.issuer !== self) {
    throw badParameter('issuer', `"${search.issuer}" is not our agency (${self}), and scope=own lists only our decisions`)
  }
  if (search.issuer !== undefined && scope === 'allied' && search.issuer === self) {
    throw badParameter('issuer', `"${self}" is our own agency, and scope=allied lists only our peers' decisions`)
  }
  if (search.inForce !== undefined && search.lifecycle !== undefined && search.inForce !== (search.lifecycle === 'in_force')) {
    throw badParameter('inForce', `inForce=${String(search.inForce)} contradicts status=${search.lifecycle}; give one of them`)
  }
  if (search.from !== undefined && search.to !== undefined && search.to < search.from) {
    throw badParameter('to', `${search.to} is before from=${search.from}: the range is empty`)
  }
  return {
    self,
    scope,
    issuer: search.issuer,
    outcome: search.outcome,
    destination: search.destination,
    lifecycle: search.lifecycle ?? (search.inForce === undefined ? undefined : search.inForce ? 'in_force' : 'not_in_force'),
    reference: search.reference,
    from: search.from,
    to: search.to,
    country: search.country,
    code
  }
}

/** Score first, then newest decision date, then issuer and id: a total order, so that a cursor can continue it. */
function byRank (x: RankKey, y: RankKey): number {
  if (x.score !== y.score) return y.score - x.score
  if (x.date !== y.date) return x.date < y.date ? 1 : -1
  if (x.issuer !== y.issuer) return x.issuer < y.issuer ? -1 : 1
  return x.recordId < y.recordId ? -1 : x.recordId > y.recordId ? 1 : 0
}

function toListedDecision (decision: HeldDecision, self: string, today: string): ListedDecision {
  const own = decision.issuer === self
  return {
    issuer: decision.issuer,
    own,
    recordId: decision.recordId,
    version: decision.version,
    lifecycle: lifecycleOf(decision, today),
    revokedFrom: decision.revokedFrom,
    latestSeq: decision.latestSeq,
    signature: {
      status: own ? 'own' : 'verified',
      entrySeq: decision.latestSeq,
      kid: decision.kid,
      storedAt: decision.storedAt
    },
    content: decision.content,
    ...(decision.formerPeer === true ? { formerPeer: true } : {})
  }
}

function badParameter (name: string, detail: string) {
  return errors.invalidRequest(`query parameter ${name} ${detail}`, [{ pointer: `/querystring/${name}`, detail }])
}
