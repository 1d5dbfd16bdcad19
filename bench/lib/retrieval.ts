/**
 * Records' party retrieval as bench/matching-eval measures it, apart from scoring: what the
 * database search returns for one looked-for name, nearest first.
 *
 * The retrieval is being rebuilt (docs/matching.md, "At a million records"): records searched
 * decisions with `findPartyCandidates` (one row per decision naming a near party) and is moving
 * to distinct parties (`findNearParties`, one row per distinct written party, before the
 * decisions naming the hits are fetched). The bench calls whichever of the two this checkout
 * has, looked up at run time, so that retrieval recall is measured the same way on both sides
 * of that change; each is called with the arguments screening gives it.
 */
import type { Transaction } from 'kysely'
import type { Database } from '../../src/db/schema.js'
import { partySearchKeys } from '../../src/matching/index.js'
import * as candidates from '../../src/records/candidates.js'

/**
 * One retrieved candidate: a decision (by its reference) or a distinct party (by its name and
 * aliases, and its country when the retrieval keeps one with the names).
 */
export interface Retrieved { reference?: string, name?: string, aliases?: readonly string[], country?: string | null }

/** Whether a retrieved candidate is the stored party looked for (`reference`, or its name, aliases and country). */
export function isRetrieved (found: Retrieved, target: { reference: string, name: string, aliases: readonly string[], country: string }): boolean {
  if (found.reference !== undefined) return found.reference === target.reference
  return found.name === target.name &&
    (found.aliases === undefined || [...found.aliases].sort().join('\n') === [...target.aliases].sort().join('\n')) &&
    (found.country === undefined || found.country === target.country)
}

export interface Retrieval {
  /** The function measured. */
  name: string
  retrieve (trx: Transaction<Database>, name: string): Promise<Retrieved[]>
}

interface RecordKey { issuer: string, recordId: string }
type FindPartyCandidates = (trx: Transaction<Database>, search: {
  keys: readonly string[], identifierKeys: readonly string[], trigramThreshold: number, limit: number
}, scope: { self: string, includeOwn: boolean }) => Promise<RecordKey[]>
type FindNearParties = (trx: Transaction<Database>, probes: ReadonlyArray<{ keys: readonly string[], identifierKeys: readonly string[] }>, options: {
  trigramThreshold: number, limit: number
}) => Promise<Array<{ probe: number, party: { name: string, aliases?: string[] | null, country?: string | null } }>>

/**
 * The retrieval of this checkout, with screening's settings: `references` gives each stored
 * decision's reference by `issuer/recordId`, `self` is our agency (left out, as screening does).
 */
export function partyRetrieval (settings: { trigramThreshold: number, limit: number, self: string }, references: ReadonlyMap<string, string>): Retrieval {
  const api = candidates as Record<string, unknown>
  const findNearParties = api.findNearParties as FindNearParties | undefined
  // the probe as the matcher builds it, where the checkout defines one (older ones searched by every stored key)
  const partyProbe = api.partyProbe as ((party: { name: string }) => { keys: readonly string[], identifierKeys: readonly string[] }) | undefined
  if (typeof findNearParties === 'function') {
    return {
      name: 'findNearParties',
      retrieve: async (trx, name) => {
        const found = await findNearParties(trx, [partyProbe?.({ name }) ?? { keys: partySearchKeys({ name }), identifierKeys: [] }], settings)
        return found.map((f) => ({
          name: f.party.name,
          ...(f.party.aliases === undefined ? {} : { aliases: f.party.aliases ?? [] }),
          ...('country' in f.party ? { country: f.party.country ?? null } : {})
        }))
      }
    }
  }
  const findPartyCandidates = api.findPartyCandidates as FindPartyCandidates | undefined
  if (typeof findPartyCandidates === 'function') {
    return {
      name: 'findPartyCandidates',
      retrieve: async (trx, name) => {
        const found = await findPartyCandidates(trx, { keys: partySearchKeys({ name }), identifierKeys: [], trigramThreshold: settings.trigramThreshold, limit: settings.limit },
          { self: settings.self, includeOwn: false })
        return found.map((k) => ({ reference: references.get(`${k.issuer}/${k.recordId}`) ?? '' }))
      }
    }
  }
  throw new Error('records/candidates.ts has neither findNearParties nor findPartyCandidates: bench/lib/retrieval.ts must learn the new retrieval')
}
