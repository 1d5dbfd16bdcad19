import t, { type Test } from 'tap'
import { countDetectionBacklog } from '../../src/divergence/index.js'
import type { TestAgency } from '../helpers/agency.js'
import { decision, publishDecision, startFederation, syncAll } from '../helpers/federation.js'
import { runCli } from '../helpers/processes.js'

// Issue 12: undercut detection must be as good as screening. For every grant below, the
// officer screening it before the decision (POST /v1/screenings), the undercut warning when it
// is recorded (POST /v1/decisions) and the background detection after it (GET /v1/divergences)
// must agree: each allied denial the screening calls essentially identical is one the warning
// names and an undercut detection opens, and neither finds one the screening did not report.
// Denied names from the OFAC SDN list of 2021 (../shared/data/ofac-sdn-2021/sdn.csv); the grants
// write them as officers and other agencies do: an added word, a typo, a joined word, a legal
// form spelt out or abbreviated, the name in another script; and two different parties.

const CODE = { regime: 'eu', code: '3A001.a.5' }

const CASES: Array<{ denied: string, granted: string, same: boolean }> = [
  { denied: 'MAHAN AIR', granted: 'Mahan Airlines', same: true },
  { denied: 'POUYA CONTROL', granted: 'Pouya Controll', same: true },
  { denied: 'FALCON SYSTEMS', granted: 'Falcon Sytems', same: true },
  { denied: 'HONG KONG ELECTRONICS', granted: 'Hongkong Electronics', same: true },
  { denied: 'SINOTECH INDUSTRY CO., LTD.', granted: 'Sinotech Industry Company Limited', same: true },
  { denied: 'CASTLE SECURITY AND PROTECTION LLC', granted: 'Castle Security & Protection L.L.C.', same: true },
  { denied: 'GOOD SIBLINGS LTD', granted: 'GOOD SIBLINGS LIMITED', same: true },
  // the ally writes the name in Persian script, as its own press does
  { denied: 'MAHAN AIR', granted: 'ماهان ایر', same: true },
  // different parties: neither path may call them one
  { denied: 'FOURTEENTH OCEAN GMBH & CO. KG', granted: 'FIFTEENTH OCEAN GMBH & CO. KG', same: false },
  { denied: 'HONG KONG ELECTRONICS', granted: 'Shenzhen Electronics', same: false }
]

function content (outcome: 'granted' | 'denied', name: string) {
  return decision({
    outcome,
    decisionDate: outcome === 'denied' ? '2026-01-15' : '2026-03-01',
    validUntil: outcome === 'denied' ? '2029-01-15' : '2028-03-01',
    destination: 'IR',
    parties: [{ role: 'end_user', name, aliases: [], country: 'IR', identifiers: [] }],
    items: [{ codes: [CODE], description: 'Analog-to-digital converters' }]
  })
}

async function as (agency: TestAgency, role: 'officer' | 'auditor') {
  return { authorization: await agency.auth(role) }
}

/** The allied denials an officer of `agency` screening `grant` before deciding is told are essentially identical, by record id. */
async function screenedIdentical (t: Test, agency: TestAgency, grant: ReturnType<typeof content>): Promise<string[]> {
  const screening = await agency.app.inject({
    method: 'POST',
    url: '/v1/screenings',
    headers: await as(agency, 'officer'),
    payload: { applications: [{ parties: grant.parties, items: grant.items, destination: grant.destination, date: grant.decisionDate }] }
  })
  t.equal(screening.statusCode, 200, `${grant.parties[0]?.name ?? ''}: screened`)
  const hits = screening.json().results[0].hits as Array<{ record: { recordId: string, issuer: string, outcome: string }, assessment: { essentiallyIdentical: boolean } }>
  return hits.filter((h) => h.assessment.essentiallyIdentical && h.record.outcome === 'denied' && h.record.issuer !== agency.id).map((h) => h.record.recordId).sort()
}

t.test('every allied denial screening calls essentially identical is one the warning names and detection finds, and no other', async (t) => {
  const agencies = await startFederation(t, ['alpha', 'bravo'])
  const [alpha, bravo] = agencies as [TestAgency, TestAgency]
  const denials = new Map<string, string>()
  for (const name of new Set(CASES.map((c) => c.denied))) denials.set(name, (await publishDecision(bravo, content('denied', name))).record.id)
  await syncAll(agencies)

  let agreed = 0
  for (const c of CASES) {
    const grant = content('granted', c.granted)
    const identical = await screenedIdentical(t, alpha, grant)

    const recorded = await alpha.app.inject({ method: 'POST', url: '/v1/decisions', headers: await as(alpha, 'officer'), payload: grant })
    const warned = recorded.statusCode === 409 ? (recorded.json().conflicts as Array<{ recordId: string }>).map((w) => w.recordId).sort() : []
    t.same(warned, identical, `${c.granted} / ${c.denied}: the warning names the denials screening calls essentially identical`)
    const grantId = recorded.statusCode === 201
      ? recorded.json().record.id as string
      : (await publishDecision(alpha, { ...grant, undercutOverride: { reason: 'Ministerial direction: test of detection' } })).record.id

    const listed = await alpha.app.inject({ method: 'GET', url: '/v1/divergences?kind=undercut', headers: await as(alpha, 'auditor') })
    const undercuts = (listed.json().divergences as Array<{ first: { recordId: string }, second: { recordId: string } }>)
      .filter((d) => d.second.recordId === grantId).map((d) => d.first.recordId).sort()
    t.same(undercuts, identical, `${c.granted} / ${c.denied}: detection opens exactly the undercuts screening calls essentially identical`)
    const denial = denials.get(c.denied) as string
    t.equal(identical.includes(denial), c.same, `${c.granted} / ${c.denied}: ${c.same ? 'the same party' : 'different parties'}`)
    if (c.same && undercuts.includes(denial) && warned.includes(denial)) agreed++
  }
  t.equal(agreed, CASES.filter((c) => c.same).length, 'every variant found all three ways: the agreement is not vacuous')
})

t.test('a sync page of many grants: detection at once for names spelt alike, then the backlog finds what screening calls essentially identical', async (t) => {
  const agencies = await startFederation(t, ['alpha', 'bravo', 'charlie'])
  const [alpha, bravo, charlie] = agencies as [TestAgency, TestAgency, TestAgency]
  const denials = new Map<string, string>()
  for (const name of new Set(CASES.map((c) => c.denied))) denials.set(name, (await publishDecision(bravo, content('denied', name))).record.id)
  // charlie grants every variant, and enough other end users that alpha detects the page as a large change
  const grants = new Map<string, string>()
  for (const c of CASES) grants.set(c.granted, (await publishDecision(charlie, content('granted', c.granted))).record.id)
  for (let i = 0; i < 15; i++) await publishDecision(charlie, content('granted', `Trading House ${String.fromCharCode(65 + i)}${String.fromCharCode(75 + i)} Limited`))
  await syncAll(agencies) // alpha pulls bravo's denials, then charlie's 25 grants in one page

  t.equal(await countDetectionBacklog(alpha.db), 25, 'the page\'s 25 grants queued by its detection')
  // the backlog's run, as an administrator starts it (the job runs the same use case every sync interval)
  const env = { AGENCY_ID: alpha.id, DATABASE_URL: alpha.databaseUrl, DATA_DIR: alpha.config.dataDir, KEY_ENCRYPTION_KEY: (alpha.config.keyEncryptionKey as { value: string }).value }
  const backlog = await runCli(['divergences', 'backlog'], env)
  t.equal(backlog.code, 0, backlog.stderr)
  t.match(backlog.stderr, /^detected the decisions large changes queued: 25 decisions, /m)
  t.equal(await countDetectionBacklog(alpha.db), 0, 'the queue emptied')
  const listed = await alpha.app.inject({ method: 'GET', url: '/v1/divergences?kind=undercut&limit=100', headers: await as(alpha, 'auditor') })
  t.equal(listed.statusCode, 200, listed.body)
  const undercuts = listed.json().divergences as Array<{ first: { recordId: string }, second: { recordId: string } }>
  let found = 0
  for (const c of CASES) {
    const identical = await screenedIdentical(t, alpha, content('granted', c.granted))
    const detected = undercuts.filter((d) => d.second.recordId === grants.get(c.granted)).map((d) => d.first.recordId).sort()
    t.same(detected, identical, `${c.granted} / ${c.denied}: detected after a large page as screening finds it`)
    t.equal(detected.includes(denials.get(c.denied) as string), c.same, `${c.granted} / ${c.denied}: ${c.same ? 'found' : 'not found'}`)
    if (c.same && detected.length > 0) found++
  }
  t.equal(found, CASES.filter((c) => c.same).length, 'every variant found: the agreement is not vacuous')
})
