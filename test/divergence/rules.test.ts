import t from 'tap'
import { DEFAULT_DIVERGENCE_CONFIG, type DecisionFacts, type DecisionPairEvidence, type Finding } from '../../src/divergence/index.js'
import { evaluateDecisionPair } from '../../src/divergence/rules.js'
import { DEFAULT_PARTY_THRESHOLD, type CrosswalkLink } from '../../src/matching/index.js'
import type { ControlCode, DecisionContent, Party } from '../../src/records/index.js'

// Party names copied from /work/shared/data (the tests never read it):
//   CSL 2019 = csl-sample/csl_2019_sample.csv (SSI entry 17016 "GAZPROMBANK OAO", aliases
//     "GPB, OJSC", registration ID 1027700167110; entry 20297 "GAZPROMBANK LEASING ZAO")
//   OFAC 2025 = ofac-consolidated-2025/cons_prim.csv (17016 "GAZPROMBANK JOINT STOCK COMPANY";
//     20294 "CREDIT URAL BANK", a.k.a. 'KUB OAO', Registration ID 1027400000638)
//   OFAC SDN = ofac-sdn-2021/sdn.csv ("BANK MELLI IRAN", "BANK MELLAT")
//   UN = un-consolidated-2026/un_names.csv (dataid 2971893 "EMARAT KAVKAZ" / "Эмират Кавказ";
//     dataid 6908489 "AKHMED RAJAPOVICH CHATAEV" / "Ахмед Ражапович Чатаев")
//   "Gazprom Bank" is the issue's own spelling of the name.
// Codes and descriptions: ccl-alpha-index-2015 ("Analog-to-digital converters, integrated circuits" 3A001a5).

const TODAY = '2026-06-01'
const config = DEFAULT_DIVERGENCE_CONFIG

const party = (name: string, more: Partial<Party> = {}): Party =>
  ({ role: 'end_user', name, aliases: [], country: 'RU', identifiers: [], ...more })
const codes = (regime: ControlCode['regime'], code: string): DecisionContent['items'] =>
  [{ codes: [{ regime, code }], description: 'Analog-to-digital converters, integrated circuits' }]

interface Side {
  issuer?: string
  outcome?: 'denied' | 'granted'
  decisionDate?: string
  validUntil?: string | null
  revokedFrom?: string | null
  destination?: string
  parties?: Party[]
  items?: DecisionContent['items']
  consultation?: DecisionFacts['consultation']
}

const DENIAL_ID = '0b9e3c1a-4d1f-4c39-9a3e-6f0f6c2f0a01'
const GRANT_ID = '6c7f1f64-1b9a-4f6e-8d0c-2b8f3f1c9b02'

function denial (over: Side = {}): DecisionFacts {
  return facts({ issuer: 'alpha', outcome: 'denied', decisionDate: '2026-01-15', validUntil: '2029-01-15', parties: [party('GAZPROMBANK OAO')], items: codes('wassenaar', '3.A.1.a.1'), ...over }, DENIAL_ID, 'ALPHA-D-2026-0042')
}
function grant (over: Side = {}): DecisionFacts {
  return facts({ issuer: 'bravo', outcome: 'granted', decisionDate: '2026-03-01', validUntil: null, parties: [party('Gazprom Bank')], items: codes('uk', '3A001a1'), ...over }, GRANT_ID, 'BRAVO-SIEL-2026-0917')
}
function facts (side: Side, recordId: string, reference: string): DecisionFacts {
  const content: DecisionContent = {
    reference,
    regimeReferences: [],
    outcome: side.outcome ?? 'granted',
    decisionDate: side.decisionDate ?? '2026-01-01',
    ...(side.validUntil === null || side.validUntil === undefined ? {} : { validUntil: side.validUntil }),
    destination: side.destination ?? 'RU',
    endUse: '',
    parties: side.parties ?? [],
    items: side.items ?? [],
    reasons: []
  }
  return {
    issuer: side.issuer ?? 'alpha',
    recordId,
    version: 1,
    content,
    revokedFrom: side.revokedFrom ?? null,
    validUntil: side.validUntil ?? null,
    ...(side.consultation === undefined ? {} : { consultation: side.consultation })
  }
}

const cites = (agency: string, issuer: string, recordId: string) => ({ agency, denial: { issuer, recordId } })

const usToEu: CrosswalkLink = { from: { regime: 'us-eccn', code: '3A001.a.1' }, to: { regime: 'eu', code: '3A001.a.1' }, relation: 'equivalent' }

type Expect = { kind: Finding['kind'], severity: Finding['severity'] } | null
interface Row { name: string, denial: Side, grant: Side, today?: string, crosswalks?: CrosswalkLink[], expect: Expect }

const undercut = { kind: 'undercut', severity: 'high' } as const
const divergent = { kind: 'divergent-outcome', severity: 'info' } as const

const rows: Row[] = [
  // the time window
  { name: 'grant a few weeks after the denial: undercut', denial: {}, grant: {}, expect: undercut },
  { name: 'grant the same day as the denial: undercut', denial: {}, grant: { decisionDate: '2026-01-15' }, expect: undercut },
  { name: 'grant the day before the denial: divergent outcome, not an undercut', denial: {}, grant: { decisionDate: '2026-01-14' }, expect: divergent },
  // today is the last day of the window in both rows, so only the grant date decides
  { name: 'grant on the denial\'s validUntil: undercut', denial: { validUntil: '2026-09-30' }, grant: { decisionDate: '2026-09-30' }, today: '2026-09-30', expect: undercut },
  { name: 'grant the day after the denial\'s validUntil: none', denial: { validUntil: '2026-09-30' }, grant: { decisionDate: '2026-10-01' }, today: '2026-09-30', expect: null },
  { name: 'denial without validUntil (open-ended): undercut years later', denial: { validUntil: null }, grant: { decisionDate: '2031-02-01' }, today: '2031-02-02', expect: undercut },
  { name: 'denial in force on its last day (validUntil = today): undercut', denial: { validUntil: TODAY }, grant: {}, expect: undercut },
  { name: 'denial lapsed today (validUntil the day before): none', denial: { validUntil: '2026-05-31' }, grant: {}, expect: null },
  { name: 'denial revoked: none', denial: { revokedFrom: '2026-04-01' }, grant: {}, expect: null },
  { name: 'denial revoked from a later date: already withdrawn, none', denial: { revokedFrom: '2026-12-01' }, grant: {}, expect: null },
  { name: 'grant revoked: none', denial: {}, grant: { revokedFrom: '2026-05-01' }, expect: null },
  { name: 'grant lapsed: none', denial: {}, grant: { validUntil: '2026-04-30' }, expect: null },
  { name: 'grant valid until today: undercut', denial: {}, grant: { validUntil: TODAY }, expect: undercut },
  { name: 'divergent outcome with the grant revoked: none', denial: {}, grant: { decisionDate: '2025-11-03', revokedFrom: '2026-02-01' }, expect: null },
  { name: 'divergent outcome with the denial revoked: none', denial: { revokedFrom: '2026-02-01' }, grant: { decisionDate: '2025-11-03' }, expect: null },
  { name: 'divergent outcome though the grant has lapsed since', denial: {}, grant: { decisionDate: '2025-11-03', validUntil: '2026-02-01' }, expect: divergent },
  // who issued what
  { name: 'same issuer: none', denial: {}, grant: { issuer: 'alpha' }, expect: null },
  { name: 'two denials: none', denial: {}, grant: { outcome: 'denied' }, expect: null },
  { name: 'two grants: none', denial: { outcome: 'granted' }, grant: {}, expect: null },
  // control entries
  { name: 'granted sub-item 3A001.a.1 within the denied 3A001: undercut', denial: { items: codes('eu', '3A001') }, grant: { items: codes('eu', '3A001.a.1') }, expect: undercut },
  { name: 'granted 3A001 contains the denied 3A001.a.1: undercut', denial: { items: codes('eu', '3A001.a.1') }, grant: { items: codes('eu', '3A001') }, expect: undercut },
  { name: '3A001 against 3A002: none', denial: { items: codes('eu', '3A001') }, grant: { items: codes('eu', '3A002') }, expect: null },
  { name: 'wassenaar 3.A.1.a.1 against eu 3A001.a.1: undercut', denial: {}, grant: { items: codes('eu', '3A001.a.1') }, expect: undercut },
  { name: 'us-eccn against eu with no crosswalk: none', denial: { items: codes('eu', '3A001.a.1') }, grant: { items: codes('us-eccn', '3A001.a.1') }, expect: null },
  { name: 'us-eccn against eu with an equivalence crosswalk: undercut', denial: { items: codes('eu', '3A001.a.1') }, grant: { items: codes('us-eccn', '3A001.a.1') }, crosswalks: [usToEu], expect: undercut },
  {
    name: 'same description, manufacturer and part number, unrelated codes: description only, none',
    denial: { items: [{ codes: [{ regime: 'eu', code: '3A001.a.5' }], description: 'Analog-to-digital converters, integrated circuits', manufacturer: 'Analog Devices', partNumber: 'AD9208' }] },
    grant: { items: [{ codes: [{ regime: 'us-eccn', code: '3A991' }], description: 'Analog-to-digital converters, integrated circuits', manufacturer: 'Analog Devices', partNumber: 'AD9208' }] },
    expect: null
  },
  {
    name: 'one related item among several: undercut',
    denial: { items: [...codes('eu', '5A002'), ...codes('eu', '3A001')] },
    grant: { items: [...codes('uk', 'ML10'), ...codes('uk', '3A001a1')] },
    expect: undercut
  },
  // destination
  { name: 'destination differs: no undercut', denial: {}, grant: { destination: 'AE' }, expect: null },
  { name: 'destination differs, grant first: divergent outcome', denial: {}, grant: { destination: 'AE', decisionDate: '2025-11-03' }, expect: divergent },
  // parties: variants of one name (CSL 2019 17016, OFAC 2025 17016, UN 2971893, UN 6908489)
  { name: 'Gazprom Bank ~ GAZPROMBANK OAO', denial: {}, grant: {}, expect: undercut },
  { name: 'Gazprombank ~ GAZPROMBANK JOINT STOCK COMPANY', denial: { parties: [party('GAZPROMBANK JOINT STOCK COMPANY')] }, grant: { parties: [party('Gazprombank')] }, expect: undercut },
  { name: 'GAZPROMBANK OAO ~ an alias of the denied party', denial: { parties: [party('GAZPROMBANK JOINT STOCK COMPANY', { aliases: ['GPB, OJSC', 'GAZPROMBANK OAO'] })] }, grant: { parties: [party('GAZPROMBANK OAO')] }, expect: undercut },
  { name: 'EMARAT KAVKAZ ~ Эмират Кавказ (UN original script)', denial: { parties: [party('Эмират Кавказ')] }, grant: { parties: [party('EMARAT KAVKAZ')] }, expect: undercut },
  { name: 'AKHMED RAJAPOVICH CHATAEV ~ Ахмед Ражапович Чатаев (UN original script)', denial: { parties: [party('Ахмед Ражапович Чатаев')] }, grant: { parties: [party('AKHMED RAJAPOVICH CHATAEV')] }, expect: undercut },
  { name: 'GAZPROMBANK LEASING ZAO is not GAZPROMBANK OAO: none', denial: {}, grant: { parties: [party('GAZPROMBANK LEASING ZAO')] }, expect: null },
  { name: 'BANK MELLAT is not BANK MELLI IRAN: none', denial: { parties: [party('BANK MELLI IRAN', { country: 'IR' })], destination: 'IR' }, grant: { parties: [party('BANK MELLAT', { country: 'IR' })], destination: 'IR' }, expect: null },
  // parties: roles
  { name: 'grant\'s consignee is the denied end user: undercut', denial: {}, grant: { parties: [party('Gazprom Bank', { role: 'consignee' })] }, expect: undercut },
  { name: 'denied party only an agent: none', denial: { parties: [party('GAZPROMBANK OAO', { role: 'agent' }), party('Rostelecom')] }, grant: {}, expect: null },
  { name: 'granted party only a purchaser: none', denial: {}, grant: { parties: [party('Gazprom Bank', { role: 'purchaser' }), party('Rostelecom')] }, expect: null },
  { name: 'both only intermediate consignees: none', denial: { parties: [party('GAZPROMBANK OAO', { role: 'intermediate_consignee' })] }, grant: { parties: [party('Gazprom Bank', { role: 'intermediate_consignee' })] }, expect: null },
  // parties: identifiers (OFAC 2025 20294; CSL 2019 17016)
  {
    name: 'CREDIT URAL BANK and KUB OAO share registration number 1027400000638: undercut',
    denial: { parties: [party('CREDIT URAL BANK', { identifiers: [{ scheme: 'registration', value: '1027400000638' }] })] },
    grant: { parties: [party('KUB OAO', { identifiers: [{ scheme: 'registration', value: '1027400000638' }] })] },
    expect: undercut
  },
  {
    name: 'GPB, OJSC and GAZPROMBANK JOINT STOCK COMPANY share registration 1027700167110: undercut',
    denial: { parties: [party('GAZPROMBANK JOINT STOCK COMPANY', { identifiers: [{ scheme: 'registration', value: '1027700167110' }] })] },
    grant: { parties: [party('GPB, OJSC', { identifiers: [{ scheme: 'registration', value: '1027700167110' }] })] },
    expect: undercut
  },
  {
    name: 'CREDIT URAL BANK and KUB OAO with different registration numbers: none',
    denial: { parties: [party('CREDIT URAL BANK', { identifiers: [{ scheme: 'registration', value: '1027400000638' }] })] },
    grant: { parties: [party('KUB OAO', { identifiers: [{ scheme: 'registration', value: '1027700167110' }] })] },
    expect: null
  },
  // consultation cited by the grant
  { name: 'grant cites consultation with alpha about this denial: medium', denial: {}, grant: { consultation: cites('alpha', 'alpha', DENIAL_ID) }, expect: { kind: 'undercut', severity: 'medium' } },
  { name: 'grant cites consultation with another agency: high', denial: {}, grant: { consultation: cites('charlie', 'alpha', DENIAL_ID) }, expect: undercut },
  { name: 'grant cites consultation with alpha about another denial: high', denial: {}, grant: { consultation: cites('alpha', 'alpha', '9d1c9a35-0f55-4f43-a3f5-9a7d5d3e3c03') }, expect: undercut },
  { name: 'grant cites consultation with alpha about charlie\'s denial of that id: high', denial: {}, grant: { consultation: cites('alpha', 'charlie', DENIAL_ID) }, expect: undercut }
]

t.test('decision pairs', async (t) => {
  for (const row of rows) {
    const d = denial(row.denial)
    const g = grant(row.grant)
    const crosswalks = row.crosswalks ?? []
    const today = row.today ?? TODAY
    const finding = evaluateDecisionPair(d, g, crosswalks, config, today)
    t.same(finding === null ? null : { kind: finding.kind, severity: finding.severity }, row.expect, row.name)
    t.same(evaluateDecisionPair(g, d, crosswalks, config, today), finding, `${row.name}: the same either way round`)
    if (finding !== null) {
      t.same([finding.first.recordId, finding.second.recordId], [DENIAL_ID, GRANT_ID], `${row.name}: first is the denial, second the grant`)
    }
  }
})

t.test('an undercut explains itself to an auditor and carries its evidence', async (t) => {
  const finding = evaluateDecisionPair(denial(), grant(), [], config, TODAY)
  if (finding === null) throw new Error('expected an undercut')
  t.equal(finding.destination, 'RU')
  t.equal(finding.controlCategory, '3')
  t.same(finding.first, { issuer: 'alpha', recordId: DENIAL_ID, version: 1 })
  t.same(finding.second, { issuer: 'bravo', recordId: GRANT_ID, version: 1 })
  t.match(finding.explanation, /^bravo granted BRAVO-SIEL-2026-0917 on 2026-03-01 to "Gazprom Bank" \(end user\) in RU for uk 3A001a1, /)
  t.match(finding.explanation, /within alpha's denial ALPHA-D-2026-0042 of 2026-01-15 in force until 2029-01-15 for the same entry \(wassenaar 3\.A\.1\.a\.1\) to "GAZPROMBANK OAO" \(end user\) in RU; /)
  t.match(finding.explanation, /names: "Gazprom Bank" ~ "GAZPROMBANK OAO" \(gazprom bank = gazprombank, joined; same country \(RU\) \+0\.03; score 1\.00\)/)
  t.match(finding.explanation, /items: uk 3A001\.a\.1 \(written "3A001a1"\) is the same entry as wassenaar 3A001\.a\.1/)
  t.match(finding.explanation, /no consultation with alpha cited\.$/)

  const evidence = finding.evidence as DecisionPairEvidence
  t.match(evidence.party, {
    grant: { index: 0, role: 'end_user', name: 'Gazprom Bank' },
    denial: { index: 0, role: 'end_user', name: 'GAZPROMBANK OAO' },
    matched: { queryName: 'Gazprom Bank', candidateName: 'GAZPROMBANK OAO', candidateNameKind: 'name' },
    isMatch: true,
    sharedIdentifier: false,
    threshold: DEFAULT_PARTY_THRESHOLD
  })
  t.ok(evidence.party.features.some((f) => f.feature === 'name'), 'party features are kept')
  t.match(evidence.item, {
    relation: 'same-entry',
    codes: { grant: { regime: 'uk', code: '3A001a1' }, denial: { regime: 'wassenaar', code: '3.A.1.a.1' }, relation: 'same' },
    via: null,
    category: '3'
  })
  t.same(evidence.destination, { denial: 'RU', grant: 'RU', same: true })
  t.same(evidence.dates, {
    denial: { decisionDate: '2026-01-15', validUntil: '2029-01-15', revokedFrom: null },
    grant: { decisionDate: '2026-03-01', validUntil: null, revokedFrom: null },
    today: TODAY
  })
  t.same(evidence.consultation, { cited: null, withDenyingAgency: false, aboutThisDenial: false })
})

t.test('the explanation names the crosswalk, the hierarchy, the identifier and the consultation', async (t) => {
  const viaCrosswalk = evaluateDecisionPair(denial({ items: codes('eu', '3A001.a.1') }), grant({ items: codes('us-eccn', '3A001.a.1') }), [usToEu], config, TODAY)
  t.match(viaCrosswalk?.explanation, /for the equivalent entry eu 3A001\.a\.1 .*through the crosswalk/)
  t.same((viaCrosswalk?.evidence as DecisionPairEvidence).item.via, usToEu, 'the crosswalk link is in the evidence')

  const wider = evaluateDecisionPair(denial({ items: codes('eu', '3A001') }), grant({ items: codes('eu', '3A001.a.1') }), [], config, TODAY)
  t.match(wider?.explanation, /for the wider entry eu 3A001 to/)
  const narrower = evaluateDecisionPair(denial({ items: codes('eu', '3A001.a.1') }), grant({ items: codes('eu', '3A001') }), [], config, TODAY)
  t.match(narrower?.explanation, /for eu 3A001\.a\.1 \(a sub-entry of the granted one\) to/)

  const byIdentifier = evaluateDecisionPair(
    denial({ parties: [party('CREDIT URAL BANK', { identifiers: [{ scheme: 'registration', value: '1027400000638' }] })] }),
    grant({ parties: [party('KUB OAO', { identifiers: [{ scheme: 'registration', value: '1027400000638' }] })] }), [], config, TODAY)
  t.match(byIdentifier?.explanation, /names: "KUB OAO" ~ "CREDIT URAL BANK" \(.*same identifier \(registration 1027400000638\) \+0\.75/)
  t.match(byIdentifier?.evidence, { party: { isMatch: false, sharedIdentifier: true } })

  const consulted = evaluateDecisionPair(denial(), grant({ consultation: cites('alpha', 'alpha', DENIAL_ID) }), [], config, TODAY)
  t.match(consulted?.explanation, new RegExp(`the grant cites a consultation with alpha about alpha's denial ${DENIAL_ID}\\.$`))
  t.match(consulted?.evidence, { consultation: { cited: cites('alpha', 'alpha', DENIAL_ID), withDenyingAgency: true, aboutThisDenial: true } })
  const elsewhere = evaluateDecisionPair(denial(), grant({ consultation: cites('charlie', 'alpha', DENIAL_ID) }), [], config, TODAY)
  t.match(elsewhere?.explanation, /consultation with charlie .*, not with alpha about this denial\.$/)
})

t.test('a divergent outcome says the grant came first and whether the destinations differ', async (t) => {
  const finding = evaluateDecisionPair(denial(), grant({ decisionDate: '2025-11-03', destination: 'AE' }), [], config, TODAY)
  t.match(finding, { kind: 'divergent-outcome', severity: 'info', destination: 'RU', controlCategory: '3' })
  t.match(finding?.explanation, /^bravo granted BRAVO-SIEL-2026-0917 on 2025-11-03 to "Gazprom Bank" \(end user\) in AE for uk 3A001a1, before alpha denied ALPHA-D-2026-0042 on 2026-01-15 for the same entry/)
  t.match(finding?.explanation, /the destinations differ \(AE, RU\), and the grant came first, so it is not an undercut/)
  t.match(finding?.evidence, { destination: { denial: 'RU', grant: 'AE', same: false }, consultation: null })
  const same = evaluateDecisionPair(denial(), grant({ decisionDate: '2025-11-03' }), [], config, TODAY)
  t.match(same?.explanation, /: the same destination, and the grant came first/)
})

t.test('the party threshold comes from the configuration', async (t) => {
  const pair = [denial({ parties: [party('Эмират Кавказ')] }), grant({ parties: [party('EMARAT KAVKAZ')] })] as const
  t.ok(evaluateDecisionPair(...pair, [], config, TODAY), `a match at the default ${DEFAULT_PARTY_THRESHOLD}`)
  t.equal(evaluateDecisionPair(...pair, [], { ...config, partyThreshold: 0.99 }, TODAY), null, 'not at 0.99')
})

t.test('DEFAULT_DIVERGENCE_CONFIG', async (t) => {
  t.same(DEFAULT_DIVERGENCE_CONFIG, { partyThreshold: DEFAULT_PARTY_THRESHOLD, trigramThreshold: 0.5, descriptionThreshold: 0.8 }, 'the party threshold is the matcher\'s')
  t.ok(Object.isFrozen(DEFAULT_DIVERGENCE_CONFIG))
})
