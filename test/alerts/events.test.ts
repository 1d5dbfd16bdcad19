import t from 'tap'
import { fixedClock } from '../../src/lib/clock.js'
import { watchForAlerts } from '../../src/use-cases/index.js'
import type { TestAgency } from '../helpers/agency.js'
import { pair } from '../helpers/faulty-pair.js'
import { decision, publishDecision, startFederation, syncAll, syncRound } from '../helpers/federation.js'
import { call } from '../helpers/records.js'
import { DENIED_PARTY, PROPOSED } from '../helpers/gazprombank.js'

// Issue 14, the alerts no record's arrival raises: consultations received, their deadlines,
// our denials due for review, divergences opened or escalated, peers quarantined or lagging;
// each for the people it concerns, once.

const DAY_MS = 86_400_000

type Alert = { id: string, kind: string, title: string, explanation: string, holds: boolean, recipient: { user: string | null, role: string | null }, subject: { type: string, id: string } }

async function alertsOf (agency: TestAgency, role: 'officer' | 'auditor' | 'admin', query = ''): Promise<Alert[]> {
  return (await call(agency, 'GET', `/v1/alerts${query}`, undefined, role)).body.alerts
}

const watch = async (agency: TestAgency, at?: Date) => watchForAlerts({ db: agency.db, config: agency.config, clock: at === undefined ? agency.app.clock : fixedClock(at) })

t.test('consultations received, their deadlines, divergences opened and escalated, denials due for review', async (t) => {
  const agencies = await startFederation(t, ['alpha', 'bravo'])
  const [alpha, bravo] = agencies as [TestAgency, TestAgency]
  const denial = await publishDecision(alpha, decision({
    outcome: 'denied', decisionDate: '2026-01-15', destination: 'RU', parties: DENIED_PARTY, items: [{ codes: [{ regime: 'uk', code: '3A001.a.1' }], description: 'Radiation hardened integrated circuits' }]
  }))
  await syncAll(agencies)

  // bravo asks alpha: alpha's officers hear of it
  const asked = await call(bravo, 'POST', '/v1/consultations', { denial: { issuer: 'alpha', recordId: denial.record.id }, proposed: PROPOSED, question: 'Do you object?', regime: 'eu' })
  t.equal(asked.status, 201)
  t.match(await watch(alpha), { raised: 1 })
  const [request] = await alertsOf(alpha, 'officer', '?kind=consultation-received')
  t.match(request, { recipient: { user: null, role: 'officer' }, subject: { type: 'consultation', id: asked.body.id } })
  t.match(request?.title, /^bravo asks us about our denial \(REF-/)
  t.match(await watch(alpha), { raised: 0 }, 'once')

  // alpha replies: the officer at bravo who asked hears of it
  t.equal((await call(alpha, 'POST', `/v1/consultations/${asked.body.id as string}/replies`, { answer: 'objection', text: 'The bank finances the military programme.' })).status, 201)
  await watch(bravo)
  const [reply] = await alertsOf(bravo, 'officer', '?kind=consultation-received')
  t.match(reply, { recipient: { user: 'user-officer', role: null } })
  t.match(reply?.title, /^alpha replied: objection/)

  // a deadline near, then passed (the consultation answered is no longer open: a second one)
  const open = await call(bravo, 'POST', '/v1/consultations', { denial: { issuer: 'alpha', recordId: denial.record.id }, proposed: PROPOSED, question: 'And this one?', regime: 'eu' })
  const deadline = open.body.deadline as string
  await watch(bravo, new Date(Date.parse(`${deadline}T08:00:00Z`) - DAY_MS))
  await watch(bravo, new Date(Date.parse(`${deadline}T08:00:00Z`) + 2 * DAY_MS))
  const deadlines = await alertsOf(bravo, 'officer', '?kind=consultation-deadline')
  t.same(deadlines.map((a) => a.title).sort(), [
    `alpha's reply to the consultation about ${String(open.body.denial.reference)} is 2 days overdue`,
    `alpha's reply to the consultation about ${String(open.body.denial.reference)} is due by ${deadline}`
  ].sort(), 'approaching, then passed, each once, for the officer who asked')
  const incoming = await watch(alpha, new Date(Date.parse(`${deadline}T08:00:00Z`) + 2 * DAY_MS))
  t.ok(incoming.raised >= 1)
  t.match((await alertsOf(alpha, 'officer', '?kind=consultation-deadline'))[0]?.title, /^Our reply to the consultation about .* is 2 days overdue$/)

  // bravo grants over the warning: the divergence opened, then escalated, reaches the auditors
  const granted = await call(bravo, 'POST', '/v1/decisions', { ...decision({ outcome: 'granted', destination: 'RU', parties: PROPOSED.parties, items: [{ codes: [{ regime: 'wassenaar', code: '3.A.1.a.1' }], description: 'Rad-hard microcircuits' }] }), undercutOverride: { reason: 'Ministerial direction' } })
  t.equal(granted.status, 201, JSON.stringify(granted.body))
  await watch(bravo)
  const [opened] = await alertsOf(bravo, 'auditor', '?kind=divergence-opened')
  t.match(opened, { recipient: { role: 'auditor' }, subject: { type: 'divergence' } })
  t.equal((await alertsOf(bravo, 'officer', '?kind=divergence-opened')).length, 0, 'not the officers\'')
  for (const [state, reason] of [['acknowledged', 'Seen'], ['escalated', 'Raise it with the ministry']]) {
    const moved = await bravo.app.inject({ method: 'PATCH', url: `/v1/divergences/${opened?.subject.id as string}`, headers: { authorization: await bravo.auth('auditor') }, payload: { state, reason } })
    t.equal(moved.statusCode, 200, moved.body)
  }
  await watch(bravo)
  t.match(await alertsOf(bravo, 'auditor', '?kind=divergence-escalated'), [{ title: 'A divergence was escalated by user-auditor', explanation: 'Raise it with the ministry' }])

  // alpha's denial nears the end of its review window
  const review = await call(alpha, 'GET', `/v1/decisions/${denial.record.id}`)
  const validUntil = review.body.record.decision.validUntil as string
  await watch(alpha, new Date(Date.parse(`${validUntil}T08:00:00Z`) - 10 * DAY_MS))
  t.match(await alertsOf(alpha, 'officer', '?kind=denial-review-due'), [{ title: `Our denial ${String(review.body.record.decision.reference)} is due for review by ${validUntil}`, recipient: { role: 'officer' } }])
})

t.test('a peer quarantined, and one lagging until it syncs again, reach the administrators', async (t) => {
  const { bravo, proxy } = await pair(t)
  proxy.fault = { rewrite: (page) => ({ ...page, entries: [page.entries[1], page.entries[0]] }) }
  t.match(await syncRound(bravo, 'alpha'), { status: 'quarantined' })
  await watch(bravo)
  t.match(await alertsOf(bravo, 'admin', '?kind=peer-quarantined'), [{ title: 'Peer alpha is quarantined', recipient: { role: 'admin' }, holds: true }])
  t.equal((await alertsOf(bravo, 'officer')).length, 0, 'not the officers\'')

  proxy.fault = 'pass'
  t.equal((await bravo.app.inject({ method: 'POST', url: '/v1/peers/alpha/resume', headers: { authorization: await bravo.auth('admin') } })).statusCode, 200)
  t.match(await syncRound(bravo, 'alpha'), { status: 'synced' })
  await watch(bravo, new Date(Date.now() + 2 * 3_600_000))
  t.match(await alertsOf(bravo, 'admin', '?kind=peer-lagging'), [{ title: /^Peer alpha has not synced since /, holds: true }], 'no successful round for longer than ALERT_PEER_LAG_SECONDS')
  t.match(await syncRound(bravo, 'alpha'), { status: 'synced' })
  await watch(bravo)
  t.same((await alertsOf(bravo, 'admin', '?holds=true')).map((a) => a.kind), [], 'synced again: neither holds')
})
