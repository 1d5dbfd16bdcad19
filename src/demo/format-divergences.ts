import type { DecisionPairEvidence, DivergenceKind } from '../divergence/index.js'
import { gapDays, type DivergenceExample, type DivergenceOverview } from './divergence-summary.js'

/** Width the example lines are wrapped at. */
const WIDTH = 100

const KIND_WORDS: Record<DivergenceKind, string> = { undercut: 'undercut', 'conflicting-classification': 'conflicting classification', 'divergent-outcome': 'divergent outcome' }

/**
 * The divergence part of the demo's output, for a person: per agency the counts by kind,
 * severity and state from its report, whether the agencies agree, the few most serious
 * divergences in plain words, and where to look further on `baseUrl`.
 */
export function formatDivergenceOverview (overview: DivergenceOverview, where: { baseUrl: string, running: boolean }): string[] {
  const { agencies, differences, examples } = overview
  const first = agencies[0]
  if (first === undefined) return []
  const total = first.report.totals.divergences
  const lines = ['', 'Divergences found by detection in the loaded records (on import and on every sync page):']
  const columns: Array<[string, number]> = [['agency', -9], ['total', 6], ['undercut', 9], ['classification', 15], ['outcome', 8], ['high', 6], ['medium', 7], ['low', 4], ['info', 5]]
  const row = (cells: Array<string | number>) => cells.map((cell, i) => {
    const width = columns[i]?.[1] ?? 0
    return width < 0 ? String(cell).padEnd(-width) : String(cell).padStart(width)
  }).join(' ')
  lines.push(`${row(columns.map(([name]) => name))}   states`)
  for (const { id, report: { totals } } of agencies) {
    const states = Object.entries(totals.byState).filter(([, n]) => n > 0).map(([state, n]) => `${state} ${n}`).join(', ')
    lines.push(`${row([id, totals.divergences, totals.byKind.undercut, totals.byKind['conflicting-classification'], totals.byKind['divergent-outcome'],
      totals.bySeverity.high, totals.bySeverity.medium, totals.bySeverity.low, totals.bySeverity.info])}   ${states === '' ? '-' : states}`)
  }
  lines.push('(classification: conflicting classifications; outcome: divergent outcomes, grant before denial)')
  if (differences.length === 0) {
    lines.push(total === 0
      ? `None: the ${agencies.length} agencies agree that no decision or classification diverges from an ally's.`
      : `The ${agencies.length} agencies agree: each found the same ${total} (record pairs, kinds, severities, states) on its own.`)
  } else {
    for (const d of differences) {
      lines.push(`! ${d.agency} differs from ${d.other}: ${d.onlyAtAgency.length} only at ${d.agency}, ${d.onlyAtOther.length} only at ${d.other}` +
        ` (e.g. ${d.onlyAtAgency[0] ?? d.onlyAtOther[0] ?? ''})`)
    }
  }
  if (first.report.perAgency.length > 0) {
    lines.push(`By agency (its denial/its grant): ${first.report.perAgency.map((a) => `${a.agency} ${a.total} (${a.asFirst}/${a.asSecond})`).join(', ')}`)
  }
  if (examples.length > 0) {
    lines.push('', `The ${examples.length} most serious of ${total}:`)
    for (const example of examples) lines.push(...wrap(describeExample(example)))
  }
  lines.push('', `Where to look (an officer's or auditor's token${where.running ? ', printed below' : '; run without --exit to keep the agencies up'}):`,
    `  ${where.baseUrl}/v1/divergences?kind=undercut, then /v1/divergences/{id} for the evidence`,
    `  ${where.baseUrl}/v1/reports/divergences?format=html (the report, with charts)`)
  return lines
}

/** One divergence in plain words, e.g. 'undercut (high): fr-sbdu granted … 7 months after uk-ecju denied …'. */
export function describeExample ({ divergence: d, evidence, references }: DivergenceExample): string {
  const head = `${KIND_WORDS[d.kind]} (${d.severity}):`
  if (evidence === null) return `${head} ${d.explanation}`
  const { party, item, dates, destination, consultation } = evidence
  const grant = `${d.second.issuer} granted ${references.second ?? d.second.recordId} on ${dates.grant.decisionDate} ` +
    `to "${party.grant.name}" (${destination.grant}) for ${code(item.codes.grant)}`
  const when = d.kind === 'undercut' ? 'after' : 'before'
  const denial = `${duration(gapDays({ evidence }))} ${when} ${d.first.issuer} denied ${references.first ?? d.first.recordId} ` +
    `(${code(item.codes.denial)}) to ${sameParty(evidence)}${destination.same ? '' : ` (${destination.denial})`}`
  const items = item.relation === 'same-entry' ? '' : `; ${item.codes.explanation}`
  if (d.kind !== 'undercut') return `${head} ${grant}, ${denial}${items}; the grant came first, so it is not an undercut.`
  const window = dates.denial.validUntil === null ? 'in force with no end date' : `in force until ${dates.denial.validUntil}`
  const cited = consultation?.cited
  const consulted = cited === undefined || cited === null ? `no consultation with ${d.first.issuer} cited` : `cites a consultation with ${cited.agency}`
  return `${head} ${grant}, ${denial}${items}; the denial is ${window}; ${consulted}.`
}

const code = (ref: { regime: string, code: string }) => `${ref.regime} ${ref.code}`

function sameParty ({ party }: DecisionPairEvidence): string {
  const role = party.denial.role.replace('_', ' ')
  const score = `score ${party.score.toFixed(2)}`
  const { queryName, candidateName, candidateNameKind } = party.matched
  if (party.sharedIdentifier && !party.isMatch) return `"${party.denial.name}" (${role}, a shared identifier)`
  if (candidateNameKind === 'alias') return `the same ${role}, "${party.denial.name}" (alias "${candidateName}" matched, ${score})`
  if (queryName === candidateName) return `the same ${role} (same name, ${score})`
  return `"${party.denial.name}" (${role}, names alike: ${score})`
}

function duration (days: number): string {
  const d = Math.round(days)
  if (d < 60) return d === 1 ? '1 day' : `${d} days`
  if (d < 730) return `${Math.round(d / 30.44)} months`
  return `${(d / 365.25).toFixed(1)} years`
}

/** `text` in lines of at most WIDTH characters (a longer word stays whole), the later ones indented. */
function wrap (text: string, indent = '    '): string[] {
  const lines: string[] = []
  let line = ''
  for (const word of text.split(' ')) {
    const prefix = lines.length === 0 ? '' : indent
    if (line !== '' && prefix.length + line.length + 1 + word.length > WIDTH) {
      lines.push(prefix + line)
      line = word
    } else {
      line = line === '' ? word : `${line} ${word}`
    }
  }
  if (line !== '') lines.push((lines.length === 0 ? '' : indent) + line)
  return lines
}
