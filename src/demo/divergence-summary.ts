import { DIVERGENCE_KINDS, getDivergence, listDivergences, SEVERITIES, type DecisionPairEvidence, type DivergenceSummary } from '../divergence/index.js'
import { buildDivergenceReport, type DivergenceReport } from '../reports/index.js'
import type { DemoAgency } from './start-agencies.js'

/** What one agency holds after the sync: the report's figures and every divergence. */
export interface AgencyDivergences { id: string, report: DivergenceReport, divergences: DivergenceSummary[] }

/** A divergence held by one agency and not by another. */
export interface DivergenceDifference { agency: string, other: string, onlyAtAgency: string[], onlyAtOther: string[] }

/** The divergences an example line is written from: the listing entry, its evidence and both records' references. */
export interface DivergenceExample {
  divergence: DivergenceSummary
  evidence: DecisionPairEvidence | null
  references: { first: string | null, second: string | null }
}

export interface DivergenceOverview {
  agencies: AgencyDivergences[]
  /** Each agency compared with the first; empty when they all hold the same divergences. */
  differences: DivergenceDifference[]
  /** The most serious divergences the first agency holds, most serious first. */
  examples: DivergenceExample[]
}

/** Both lists are in order of seriousness (divergence/types.ts). */
const SEVERITY_RANK = Object.fromEntries(SEVERITIES.map((s, i) => [s, i])) as Record<string, number>
const KIND_RANK = Object.fromEntries(DIVERGENCE_KINDS.map((k, i) => [k, i])) as Record<string, number>
/** How many of the most serious divergences are read in full to choose the examples. */
const EXAMPLE_CANDIDATES = 25

/**
 * What each agency found, read from its own database with the report's figures and the
 * divergence listing (no SQL of our own), the comparison of the agencies with each other,
 * and the `examples` most serious divergences, the closest in time first.
 */
export async function readDivergenceOverview (agencies: readonly DemoAgency[], now: Date, examples = 3): Promise<DivergenceOverview> {
  const held = await Promise.all(agencies.map(async (agency) => ({
    id: agency.spec.id,
    report: await buildDivergenceReport(agency.deps.db, {}, { agency: agency.spec.id, now }),
    divergences: await listAll(agency)
  })))
  const [first, ...others] = held
  if (first === undefined) return { agencies: [], differences: [], examples: [] }
  const keys = (a: AgencyDivergences) => new Set(a.divergences.map(keyOf))
  const differences = others.flatMap((other) => {
    const mine = keys(first)
    const theirs = keys(other)
    const difference = { agency: other.id, other: first.id, onlyAtAgency: [...theirs].filter((k) => !mine.has(k)), onlyAtOther: [...mine].filter((k) => !theirs.has(k)) }
    return difference.onlyAtAgency.length + difference.onlyAtOther.length === 0 ? [] : [difference]
  })
  const reference = agencies[0] as DemoAgency
  const candidates = [...first.divergences].sort((a, b) => bySeriousness(a, b) || a.id.localeCompare(b.id)).slice(0, EXAMPLE_CANDIDATES)
  const detailed = await Promise.all(candidates.map(async (divergence) => {
    const detail = await getDivergence({ db: reference.deps.db, self: reference.spec.id, keyRing: reference.deps.keyRing }, divergence.id)
    const referenceOf = (content: unknown) => typeof content === 'object' && content !== null && 'reference' in content ? String(content.reference) : null
    return {
      divergence,
      evidence: divergence.kind === 'conflicting-classification' ? null : detail.evidence as DecisionPairEvidence,
      references: { first: referenceOf(detail.records.first.content), second: referenceOf(detail.records.second.content) }
    }
  }))
  detailed.sort((a, b) => bySeriousness(a.divergence, b.divergence) || gapDays(a) - gapDays(b) || a.divergence.id.localeCompare(b.divergence.id))
  return { agencies: held, differences, examples: detailed.slice(0, examples) }
}

async function listAll (agency: DemoAgency): Promise<DivergenceSummary[]> {
  const all: DivergenceSummary[] = []
  let cursor: string | undefined
  do {
    const page = await listDivergences(agency.deps.db, { limit: 500, cursor })
    all.push(...page.divergences)
    cursor = page.nextCursor ?? undefined
  } while (cursor !== undefined)
  return all
}

/** What two agencies must agree on: the pair of signed records (at their versions), the kind, severity and state. */
function keyOf (d: DivergenceSummary): string {
  return `${d.kind} ${d.severity} ${d.state} ${d.first.issuer}/${d.first.recordId}@${d.first.version} ${d.second.issuer}/${d.second.recordId}@${d.second.version}`
}

function bySeriousness (a: DivergenceSummary, b: DivergenceSummary): number {
  return (SEVERITY_RANK[a.severity] ?? 9) - (SEVERITY_RANK[b.severity] ?? 9) || (KIND_RANK[a.kind] ?? 9) - (KIND_RANK[b.kind] ?? 9)
}

/** Days between the denial and the grant (either order); classifications last. */
export function gapDays (example: Pick<DivergenceExample, 'evidence'>): number {
  const dates = example.evidence?.dates
  if (dates === undefined) return Number.MAX_SAFE_INTEGER
  return Math.abs(Date.parse(dates.grant.decisionDate) - Date.parse(dates.denial.decisionDate)) / 86_400_000
}
