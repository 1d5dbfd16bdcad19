import t from 'tap'
import { ENTRY_TYP, verifyCompact, type Jwks } from '../../src/signing/index.js'
import type { TestAgency } from '../helpers/agency.js'
import { decision, publishDecision, startFederation, syncAll } from '../helpers/federation.js'

// Gazprombank: OFAC SDN (ofac-sdn-2021/sdn.csv, alt.csv) lists "GAZPROMBANK OAO" and the joined and split spellings.

async function divergencesAt (agency: TestAgency, query = '') {
  const res = await agency.app.inject({ method: 'GET', url: `/v1/divergences${query}`, headers: { authorization: await agency.auth('auditor') } })
  if (res.statusCode !== 200) throw new Error(`${agency.id}: ${res.statusCode} ${res.body}`)
  return res.json().divergences as Array<{ id: string, kind: string, severity: string, state: string, holds: boolean, explanation: string, first: { issuer: string, recordId: string }, second: { issuer: string, recordId: string } }>
}

async function detailAt (agency: TestAgency, id: string) {
  const res = await agency.app.inject({ method: 'GET', url: `/v1/divergences/${id}`, headers: { authorization: await agency.auth('officer') } })
  if (res.statusCode !== 200) throw new Error(`${agency.id}: ${res.statusCode} ${res.body}`)
  return res.json()
}

async function patch (agency: TestAgency, id: string, state: string, reason: string, role: 'auditor' | 'officer' = 'auditor') {
  return agency.app.inject({ method: 'PATCH', url: `/v1/divergences/${id}`, headers: { authorization: await agency.auth(role) }, payload: { state, reason } })
}

t.test('an undercut found by every agency, with evidence that verifies, resolved everywhere by a revocation', async (t) => {
  const agencies = await startFederation(t, ['alpha', 'bravo', 'charlie'])
  const [alpha, bravo, charlie] = agencies as [TestAgency, TestAgency, TestAgency]
  const denial = await publishDecision(alpha, decision({
    outcome: 'denied',
    decisionDate: '2026-01-15',
    destination: 'RU',
    parties: [{ role: 'end_user', name: 'GAZPROMBANK OAO', aliases: [], country: 'RU', identifiers: [] }],
    items: [{ codes: [{ regime: 'uk', code: '3A001.a.1' }], description: 'Radiation hardened integrated circuits' }]
  }))
  await syncAll(agencies)
  const proposed = decision({
    outcome: 'granted',
    decisionDate: '2026-03-01',
    destination: 'RU',
    validUntil: '2028-03-01',
    parties: [{ role: 'end_user', name: 'Gazprom Bank', aliases: [], country: 'RU', identifiers: [] }],
    items: [{ codes: [{ regime: 'wassenaar', code: '3.A.1.a.1' }], description: 'Rad-hard microcircuits' }]
  })
  const warned = await bravo.app.inject({ method: 'POST', url: '/v1/decisions', headers: { authorization: await bravo.auth('officer') }, payload: proposed })
  t.equal(warned.statusCode, 409, 'recording the grant first warns of the allied denial it would undercut')
  t.match(warned.json(), {
    code: 'UNDERCUT_WARNING',
    conflicts: [{ issuer: 'alpha', recordId: denial.record.id, decisionDate: '2026-01-15', validUntil: '2029-01-15', explanation: /Gazprom Bank.*GAZPROMBANK OAO/ }]
  })
  t.equal(await divergencesAt(bravo).then((l) => l.length), 0, 'and stores nothing')
  const grant = await publishDecision(bravo, { ...proposed, undercutOverride: { reason: 'Ministerial direction: supply to the civil satellite programme' } })
  const atBravo = await divergencesAt(bravo)
  t.equal(atBravo.length, 1, 'bravo sees it as soon as it records the grant')
  const today = new Date().toISOString().slice(0, 10)
  const yesterday = new Date(Date.now() - 86_400_000).toISOString().slice(0, 10)
  t.equal((await divergencesAt(bravo, `?from=${today}&to=${today}`)).length, 1, 'detected today (UTC days, both included)')
  t.equal((await divergencesAt(bravo, `?to=${yesterday}`)).length, 0, 'not up to yesterday')
  await syncAll(agencies)

  const found: Array<Awaited<ReturnType<typeof divergencesAt>>[number] | undefined> = []
  for (const agency of agencies) {
    const list = await divergencesAt(agency)
    t.equal(list.length, 1, `one divergence at ${agency.id}`)
    t.match(list[0], {
      kind: 'undercut',
      severity: 'high',
      state: 'open',
      holds: true,
      first: { issuer: 'alpha', recordId: denial.record.id },
      second: { issuer: 'bravo', recordId: grant.record.id }
    }, `the undercut at ${agency.id}`)
    found.push(list[0])
  }
  t.equal(new Set(found.map((d) => d?.explanation)).size, 1, 'the same explanation everywhere')
  t.match(found[0]?.explanation, /Gazprom Bank/)

  const detail = await detailAt(charlie, found[2]?.id as string)
  for (const side of ['first', 'second'] as const) {
    const record = detail.records[side]
    t.ok(record.entries.length >= 1, `${side}: its signed entries`)
    for (const entry of record.entries) {
      const verified = await verifyCompact(entry.jws, record.issuerKeys as Jwks, ENTRY_TYP)
      t.equal((verified.payload as { iss: string }).iss, record.issuer, `${side} entry ${entry.seq} verifies offline against ${record.issuer}'s keys`)
    }
  }
  t.match(detail.evidence, { party: {}, item: {} }, 'the match explanation')
  t.match(detail.history, [{ seq: 1, from: null, to: 'open', actor: 'system' }])

  await t.test('auditors move it through its lifecycle, with reasons and history', async (t) => {
    const id = found[2]?.id as string
    t.equal((await patch(charlie, id, 'justified', 'premature')).statusCode, 409, 'open cannot jump to justified')
    t.match((await patch(charlie, id, 'justified', 'premature')).json(), { code: 'INVALID_TRANSITION', detail: /can move to acknowledged, resolved/ })
    t.equal((await patch(charlie, id, 'acknowledged', 'seen', 'officer')).statusCode, 403, 'officers read, auditors decide')
    const ack = await patch(charlie, id, 'acknowledged', 'under review with the licensing team')
    t.equal(ack.statusCode, 200, ack.body)
    t.match(ack.json(), { from: 'open', to: 'acknowledged', actor: 'user-auditor' })
    t.equal((await patch(charlie, id, 'escalated', 'raised with bravo at the next plenary')).statusCode, 200)
    const history = (await detailAt(charlie, id)).history
    t.same(history.map((h: { to: string }) => h.to), ['open', 'acknowledged', 'escalated'])
    const trail = await charlie.db.selectFrom('audit_events').selectAll().where('subject_id', '=', id).orderBy('seq').execute()
    t.same(trail.filter((e) => e.action !== 'divergence-viewed').map((e) => e.action), ['divergence-detected', 'divergence-transition', 'divergence-transition'], 'each step in the audit trail')
    t.ok(trail.some((e) => e.action === 'divergence-viewed' && e.actor === 'user-officer'), 'and each reading of it by a person')
  })

  await t.test('filters', async (t) => {
    t.equal((await divergencesAt(alpha, '?kind=undercut&agency=bravo&destination=RU&severity=high')).length, 1)
    t.equal((await divergencesAt(alpha, '?kind=conflicting-classification')).length, 0)
    t.equal((await divergencesAt(alpha, '?destination=CN')).length, 0)
    t.equal((await divergencesAt(alpha, '?controlCategory=3')).length, 1)
    const bad = await alpha.app.inject({ method: 'GET', url: '/v1/divergences?state=closed', headers: { authorization: await alpha.auth('auditor') } })
    t.equal(bad.statusCode, 400)
  })

  const revoked = await alpha.app.inject({
    method: 'POST', url: `/v1/decisions/${denial.record.id}/revocations`, headers: { authorization: await alpha.auth('officer') }, payload: { version: 1, reason: 'end user delisted', effectiveDate: '2026-11-01' }
  })
  t.equal(revoked.statusCode, 201, revoked.body)
  await syncAll(agencies)
  for (const agency of agencies) {
    const [d] = await divergencesAt(agency)
    t.match(d, { state: 'resolved', holds: false }, `resolved at ${agency.id}`)
    const history = (await detailAt(agency, d?.id as string)).history
    t.match(history.at(-1), { to: 'resolved', actor: 'system', reason: /alpha's denial .* was revoked/ }, `the reason at ${agency.id}`)
  }
})

t.test('a grant decided before the denial is a divergent outcome, not an undercut; another destination is nothing', async (t) => {
  const agencies = await startFederation(t, ['delta', 'echo'])
  const [delta, echo] = agencies as [TestAgency, TestAgency]
  const party = [{ role: 'consignee', name: 'Huawei Technologies Co., Ltd.', aliases: [], country: 'CN', identifiers: [] }]
  await publishDecision(echo, decision({ outcome: 'granted', undercutOverride: { reason: 'recorded over the warning, for the auditors' }, decisionDate: '2025-05-01', destination: 'CN', validUntil: '2027-05-01', parties: party, items: [{ codes: [{ regime: 'eu', code: '5A002.a' }], description: 'Encryption' }] }))
  await publishDecision(echo, decision({ outcome: 'granted', undercutOverride: { reason: 'recorded over the warning, for the auditors' }, decisionDate: '2026-05-01', destination: 'RU', validUntil: '2027-05-01', parties: party, items: [{ codes: [{ regime: 'eu', code: '5A002.a' }], description: 'Encryption' }] }))
  await syncAll(agencies)
  await publishDecision(delta, decision({ outcome: 'denied', decisionDate: '2026-02-01', destination: 'CN', parties: [{ ...party[0], name: 'HUAWEI TECHNOLOGIES CO LTD' }], items: [{ codes: [{ regime: 'uk', code: '5A002a' }], description: 'Encryption items' }] }))
  await syncAll(agencies)
  for (const agency of agencies) {
    const list = await divergencesAt(agency)
    t.same(list.map((d) => [d.kind, d.severity]), [['divergent-outcome', 'info']], `${agency.id}: ${list.map((d) => d.explanation).join(' | ')}`)
    t.ok(list.every((d) => d.kind !== 'undercut'), 'no undercut: the CN grant came first, the RU grant is elsewhere after the denial')
  }
})

t.test('the undercut warning finds a denial behind more near grants than it scores', async (t) => {
  const agencies = await startFederation(t, ['alpha', 'bravo'], { env: { MATCH_CANDIDATES: '10' } })
  const [alpha, bravo] = agencies as [TestAgency, TestAgency]
  const party = (name: string) => [{ role: 'end_user' as const, name, aliases: [], country: 'RU', identifiers: [] }]
  const items = [{ codes: [{ regime: 'uk', code: '3A001.a.1' }], description: 'Radiation hardened integrated circuits' }]
  // twelve grants naming the end user exactly as the new grant will: each nearer than the denial's spelling
  for (let i = 0; i < 12; i++) {
    await publishDecision(alpha, decision({ outcome: 'granted', decisionDate: '2026-01-10', destination: 'RU', validUntil: '2028-01-10', parties: party('Gazprom Bank'), items }))
  }
  // the denial spells it with a typo: found, and judged the same end user, but less near than the grants
  await publishDecision(alpha, decision({ outcome: 'denied', decisionDate: '2026-01-15', destination: 'RU', parties: party('Gazpromm Bank'), items }))
  await syncAll(agencies)
  const warned = await bravo.app.inject({
    method: 'POST',
    url: '/v1/decisions',
    headers: { authorization: await bravo.auth('officer') },
    payload: decision({ outcome: 'granted', decisionDate: '2026-03-01', destination: 'RU', validUntil: '2028-03-01', parties: party('Gazprom Bank'), items })
  })
  t.equal(warned.statusCode, 409, 'warned: the search looks at denials, not at the nearest parties of any decision')
  t.match(warned.json(), { code: 'UNDERCUT_WARNING', conflicts: [{ issuer: 'alpha' }] })
})
