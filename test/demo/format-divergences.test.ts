import t from 'tap'
import { formatDivergenceOverview, type AgencyDivergences, type DivergenceExample, type DivergenceOverview } from '../../src/demo/index.js'
import { describeExample } from '../../src/demo/format-divergences.js'
import { DEFAULT_DIVERGENCE_CONFIG, type DecisionFacts, type DecisionPairEvidence, type DivergenceSummary } from '../../src/divergence/index.js'
import { evaluateDecisionPair } from '../../src/divergence/rules.js'
import type { DecisionContent, Party } from '../../src/records/index.js'
import type { DivergenceReport } from '../../src/reports/index.js'

// Names and entries as the demo's slice has them (test/fixtures/demo: the BIS Entity List, UK licensing statistics).
const TODAY = '2026-11-23'
const endUser = (name: string, aliases: string[] = []): Party => ({ role: 'end_user', name, aliases, country: 'EG', identifiers: [] })

function decision (issuer: string, reference: string, outcome: 'denied' | 'granted', decisionDate: string, validUntil: string, party: Party): DecisionFacts {
  const content: DecisionContent = {
    reference,
    regimeReferences: [],
    outcome,
    decisionDate,
    validUntil,
    destination: 'EG',
    endUse: '',
    parties: [party],
    items: [{ codes: [{ regime: 'uk', code: 'ML6' }], description: 'Goods rated ML6' }],
    reasons: []
  }
  return { issuer, recordId: `${issuer}-${reference}`, version: 1, content, revokedFrom: null, validUntil }
}

/** A divergence as the demo reads it: the rules' own finding on two decisions, with the listing's fields. */
function exampleOf (denial: DecisionFacts, grant: DecisionFacts): DivergenceExample {
  const finding = evaluateDecisionPair(denial, grant, [], DEFAULT_DIVERGENCE_CONFIG, TODAY)
  if (finding === null) throw new Error('the pair is no divergence')
  const divergence: DivergenceSummary = {
    id: '6c7f1f64-1b9a-4f6e-8d0c-2b8f3f1c9b02',
    kind: finding.kind,
    severity: finding.severity,
    state: 'open',
    holds: true,
    destination: finding.destination,
    controlCategory: finding.controlCategory,
    explanation: finding.explanation,
    first: finding.first,
    second: finding.second,
    detectedAt: `${TODAY}T08:00:00.000Z`,
    updatedAt: `${TODAY}T08:00:00.000Z`,
    resolvedAt: null
  }
  return { divergence, evidence: finding.evidence as DecisionPairEvidence, references: { first: denial.content.reference, second: grant.content.reference } }
}

const denial = decision('uk-ecju', 'GBSIEL/2024/053610', 'denied', '2024-11-11', '2027-11-11', endUser('Huawei OpenLab Cairo'))
const grant = decision('fr-sbdu', 'FRSBDU/2024/053962', 'granted', '2024-11-23', '2026-11-23', endUser('Huawei OpenLab Cairo'))

t.test('an undercut in plain words', async (t) => {
  t.equal(describeExample(exampleOf(denial, grant)),
    'undercut (high): fr-sbdu granted FRSBDU/2024/053962 on 2024-11-23 to "Huawei OpenLab Cairo" (EG) for uk ML6, ' +
    '12 days after uk-ecju denied GBSIEL/2024/053610 (uk ML6) to the same end user (same name, score 1.00); ' +
    'the denial is in force until 2027-11-11; no consultation with uk-ecju cited.')
  const aliased = decision('uk-ecju', 'GBSIEL/2024/053610', 'denied', '2024-11-11', '2027-11-11', endUser('Huawei OpenLab', ['Huawei OpenLab Cairo']))
  t.match(describeExample(exampleOf(aliased, grant)), /to the same end user, "Huawei OpenLab" \(alias "Huawei OpenLab Cairo" matched, score \d\.\d\d\)/, 'an alias match says so')
})

t.test('a divergent outcome: the grant came first', async (t) => {
  const earlier = decision('fr-sbdu', 'FRSBDU/2023/040000', 'granted', '2023-06-11', '2025-06-11', endUser('Huawei OpenLab Cairo'))
  t.match(describeExample(exampleOf(denial, earlier)), /^divergent outcome \(info\): fr-sbdu granted FRSBDU\/2023\/040000 on 2023-06-11 .*, 17 months before uk-ecju denied .*; the grant came first, so it is not an undercut\.$/)
})

function held (id: string, undercuts: number): AgencyDivergences {
  const totals = {
    divergences: undercuts + 5,
    outstanding: undercuts + 5,
    resolved: 0,
    byKind: { undercut: undercuts, 'conflicting-classification': 0, 'divergent-outcome': 5 },
    bySeverity: { high: undercuts, medium: 0, low: 0, info: 5 },
    byState: { open: undercuts + 5, acknowledged: 0, justified: 0, dismissed: 0, escalated: 0, resolved: 0 }
  }
  const report: DivergenceReport = {
    agency: id,
    generatedAt: `${TODAY}T08:00:00.000Z`,
    period: { from: null, to: null },
    filters: { kind: null, agency: null, destination: null },
    totals,
    perAgency: [{ agency: 'uk-ecju', total: 3, asFirst: 2, asSecond: 1 }, { agency: 'fr-sbdu', total: 2, asFirst: 1, asSecond: 1 }].map((a) => ({ ...a, outstanding: a.total })),
    perMonth: [],
    byControlCategory: [],
    byDestination: [],
    timeToResolution: { resolved: 0, medianDays: null, p90Days: null, buckets: [] },
    outstandingByAge: { outstanding: totals.outstanding, buckets: [] },
    divergences: [],
    consultations: { open: { outgoing: 0, incoming: 0 }, overdue: { outgoing: 0, incoming: 0 }, perPeer: [], openList: [] }
  }
  return { id, report, divergences: [] }
}

t.test('the overview: aligned counts per agency, agreement, examples, where to look', async (t) => {
  const overview: DivergenceOverview = { agencies: [held('uk-ecju', 2), held('fr-sbdu', 2)], differences: [], examples: [exampleOf(denial, grant)] }
  const lines = formatDivergenceOverview(overview, { baseUrl: 'http://127.0.0.1:8081', running: false })
  t.ok(lines.every((line) => line.length <= 100), 'fits 100 columns')
  const header = lines.find((line) => line.startsWith('agency')) ?? ''
  const rows = lines.filter((line) => /^(uk-ecju|fr-sbdu) /.test(line))
  t.same(rows, [
    'uk-ecju        7         2               0        5      2       0    0     5   open 7',
    'fr-sbdu        7         2               0        5      2       0    0     5   open 7'
  ])
  t.equal(header.indexOf('undercut') + 'undercut'.length, (rows[0] ?? '').indexOf(' 2 ') + 2, 'numbers right-aligned under their heading')
  t.ok(lines.includes('The 2 agencies agree: each found the same 7 (record pairs, kinds, severities, states) on its own.'))
  t.ok(lines.includes('By agency (its denial/its grant): uk-ecju 3 (2/1), fr-sbdu 2 (1/1)'))
  t.match(lines.join('\n'), /^undercut \(high\): fr-sbdu granted FRSBDU\/2024\/053962 .*\n {4}\S/m, 'examples wrap with an indent')
  t.match(lines.join('\n'), /run without --exit to keep the agencies up/)
  t.ok(lines.includes('  http://127.0.0.1:8081/v1/reports/divergences?format=html (the report, with charts)'))
})

t.test('agencies that differ are named, with the count on each side', async (t) => {
  const overview: DivergenceOverview = {
    agencies: [held('uk-ecju', 2), held('fr-sbdu', 1)],
    differences: [{ agency: 'fr-sbdu', other: 'uk-ecju', onlyAtAgency: [], onlyAtOther: ['undercut high open uk-ecju/a@1 fr-sbdu/b@1'] }],
    examples: []
  }
  const lines = formatDivergenceOverview(overview, { baseUrl: 'http://127.0.0.1:8081', running: true })
  t.ok(lines.includes('! fr-sbdu differs from uk-ecju: 0 only at fr-sbdu, 1 only at uk-ecju (e.g. undercut high open uk-ecju/a@1 fr-sbdu/b@1)'))
  t.notOk(lines.some((line) => line.includes('agree')), 'no claim of agreement')
  t.notOk(lines.some((line) => line.includes('most serious')), 'no examples heading without examples')
})

t.test('no divergences: said in a line, no empty list', async (t) => {
  const none = (id: string): AgencyDivergences => {
    const agency = held(id, 0)
    const zero = <T extends Record<string, number>>(counts: T) => Object.fromEntries(Object.keys(counts).map((k) => [k, 0])) as T
    const { totals } = agency.report
    return { ...agency, report: { ...agency.report, totals: { ...totals, divergences: 0, outstanding: 0, byKind: zero(totals.byKind), bySeverity: zero(totals.bySeverity), byState: zero(totals.byState) }, perAgency: [] } }
  }
  const lines = formatDivergenceOverview({ agencies: [none('uk-ecju'), none('fr-sbdu')], differences: [], examples: [] }, { baseUrl: 'http://127.0.0.1:8081', running: true })
  t.ok(lines.includes('None: the 2 agencies agree that no decision or classification diverges from an ally\'s.'))
  t.notOk(lines.some((line) => line.startsWith('By agency')))
  t.ok(lines.some((line) => /^uk-ecju +0 +0 .* -$/.test(line)), 'zero counts, no state')
})
