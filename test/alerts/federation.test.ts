import t from 'tap'
import type { TestAgency } from '../helpers/agency.js'
import { decision, publishDecision, startFederation, syncRound } from '../helpers/federation.js'
import { call, uniqueRef } from '../helpers/records.js'
import { fixedClock } from '../../src/lib/clock.js'
import { drainDetectionBacklog, reevaluateLapsed } from '../../src/use-cases/index.js'

// Issue 14: a denial published at one agency reaches the officer at another whose case it
// concerns, as the record is stored (pulled or pushed), through real agencies on 127.0.0.1.

/** An application naming the end user of `decision()` as an officer at another agency spells it, for the same item and destination. */
function application (overrides: Record<string, unknown> = {}) {
  return {
    reference: uniqueRef('APP'),
    parties: [{ role: 'end_user', name: 'Aero-Guide Trading L.L.C.', country: 'AE' }],
    items: [{ codes: [{ regime: 'eu', code: '7A003.a' }], description: 'Inertial measurement units' }],
    destination: 'AE',
    ...overrides
  }
}

async function openCase (agency: TestAgency, body: Record<string, unknown>) {
  const res = await call(agency, 'POST', '/v1/cases', body)
  if (res.status !== 201) throw new Error(`opening a case: ${res.status} ${JSON.stringify(res.body)}`)
  return res.body as { id: string, hits: unknown[], hitCount: number, state: string }
}

async function alertsOf (agency: TestAgency, query = '', role: 'officer' | 'auditor' | 'admin' = 'officer') {
  const res = await call(agency, 'GET', `/v1/alerts${query}`, undefined, role)
  if (res.status !== 200) throw new Error(`alerts: ${res.status} ${JSON.stringify(res.body)}`)
  return res.body.alerts as Array<{ id: string, kind: string, subject: { type: string, id: string }, record: { issuer: string, recordId: string, version: number } | null, holds: boolean, title: string, explanation: string, recipient: { user: string | null, role: string | null }, acknowledged: unknown }>
}

t.test('pull: a denial at alpha raises an alert on bravo\'s open case within the sync; not on a withdrawn or decided case, not for a suppressed hit; a revocation ends it', async (t) => {
  const [alpha, bravo] = await startFederation(t, ['alpha', 'bravo']) as [TestAgency, TestAgency]

  const open = await openCase(bravo, { application: application() })
  t.equal(open.state, 'open')
  t.equal(open.hitCount, 0, 'nothing to find yet')
  const withdrawn = await openCase(bravo, { application: application() })
  t.equal((await call(bravo, 'POST', `/v1/cases/${withdrawn.id}/withdrawal`, { reason: 'the applicant withdrew' })).status, 200)
  const decided = await openCase(bravo, { application: application() })
  const ours = await call(bravo, 'POST', '/v1/decisions', { ...decision({ outcome: 'denied', parties: [{ role: 'end_user', name: 'Aero-Guide Trading L.L.C.', aliases: [], country: 'AE', identifiers: [] }] }), caseId: decided.id })
  t.equal(ours.status, 201, 'a decision recorded for a case')
  const closed = await call(bravo, 'GET', `/v1/cases/${decided.id}`)
  t.match(closed.body, { state: 'decided', decision: { issuer: 'bravo', recordId: ours.body.record.id } }, 'closes it and links the decision')
  t.equal((await call(bravo, 'POST', `/v1/cases/${decided.id}/withdrawal`, { reason: 'again' })).body.code, 'INVALID_TRANSITION', 'a closed case stays closed')
  const ownHits = await alertsOf(bravo)
  t.same(ownHits.map((a) => [a.subject.id, a.record?.issuer]), [[open.id, 'bravo']], 'our own denial is a hit for the case still open only')

  const denial = await publishDecision(alpha)
  t.match(await syncRound(bravo, 'alpha'), { status: 'synced' })
  const alerts = (await alertsOf(bravo, `?caseId=${open.id}`)).filter((a) => a.record?.issuer === 'alpha')
  t.equal(alerts.length, 1, 'one alert for the open case')
  const [alert] = alerts
  t.match(alert, {
    kind: 'case-hit', holds: true, recipient: { user: 'user-officer', role: null }, record: { issuer: 'alpha', recordId: denial.record.id, version: 1 }, acknowledged: null
  })
  t.match(alert?.title, /^Essentially identical: alpha's denial REF-.* is a hit for case APP-/)
  t.match(alert?.explanation, /Essentially identical to an allied denial/, 'carries screening\'s explanation')
  const all = await alertsOf(bravo)
  t.notOk(all.some((a) => a.subject.id === withdrawn.id || a.subject.id === decided.id), 'nothing on the withdrawn or the decided case')
  t.same((await alertsOf(bravo, '', 'auditor')).length, 0, 'an auditor is not the case\'s officer')

  await t.test('synced again, it raises nothing twice', async (t) => {
    t.match(await syncRound(bravo, 'alpha'), { status: 'synced' })
    t.equal((await alertsOf(bravo, `?caseId=${open.id}`)).filter((a) => a.record?.issuer === 'alpha').length, 1)
  })

  await t.test('a suppressed hit raises no alert', async (t) => {
    // elsewhere and under another entry, so that the denial is this application's only hit
    const elsewhere = { destination: 'PK', items: [{ codes: [{ regime: 'uk', code: 'ML10' }], description: 'Aircraft components', quantity: 4 }] }
    const zeta = [{ role: 'end_user', name: 'Zeta Marine Supplies FZE', aliases: [], country: 'PK', identifiers: [] }]
    const other = await publishDecision(alpha, { ...elsewhere, parties: zeta })
    t.match(await syncRound(bravo, 'alpha'), { status: 'synced' })
    const zetaApplication = application({ ...elsewhere, items: [{ codes: [{ regime: 'uk', code: 'ML10' }], description: 'Aircraft parts' }], parties: [{ role: 'end_user', name: 'Zeta Marine Supply FZE', country: 'PK' }] })
    const screened = await call(bravo, 'POST', '/v1/screenings', { applications: [zetaApplication] })
    const result = screened.body.results[0]
    t.same(result.hits.map((h: { record: { recordId: string } }) => h.record.recordId), [other.record.id], 'the screening finds alpha\'s denial')
    const hitId = encodeURIComponent(result.hits[0].hitId)
    t.equal((await call(bravo, 'POST', `/v1/screenings/${result.screeningId}/hits/${hitId}/dispositions`, { disposition: 'false-positive', reason: 'another company: registry checked' })).status, 201)
    const fromScreening = await openCase(bravo, { screeningId: result.screeningId })
    t.equal(fromScreening.hitCount, 1, 'a case opened from the screening has its hit, read')
    const suppressed = await openCase(bravo, { application: zetaApplication })
    t.equal(suppressed.hitCount, 0, 'a case screened after the disposition has none')
    const reference = (await call(alpha, 'GET', `/v1/decisions/${other.record.id}`)).body.record.decision.reference
    const amended = await call(alpha, 'POST', `/v1/decisions/${other.record.id}/amendments`, { version: 1, reason: 'end use corrected', decision: { ...decision({ ...elsewhere, parties: zeta }), reference, endUse: 'Navigation systems for ships' } })
    t.equal(amended.status, 201)
    t.match(await syncRound(bravo, 'alpha'), { status: 'synced' })
    t.same(await alertsOf(bravo, `?caseId=${suppressed.id}`), [], 'its amendment, stored, raises nothing for the case')
    const [hit] = await alertsOf(bravo, `?caseId=${fromScreening.id}`)
    t.match(hit, { holds: false, record: { recordId: other.record.id } }, 'and the first case\'s hit, assessed again, no longer holds')
    t.match(hit?.explanation, /disposition suppressed it/)
  })

  await t.test('a revocation at alpha marks the alert as no longer holding', async (t) => {
    const revoked = await call(alpha, 'POST', `/v1/decisions/${denial.record.id}/revocations`, { version: 1, reason: 'issued in error' })
    t.equal(revoked.status, 201)
    t.match(await syncRound(bravo, 'alpha'), { status: 'synced' })
    const after = (await alertsOf(bravo, `?caseId=${open.id}`)).find((a) => a.record?.recordId === denial.record.id)
    t.match(after, { id: alert?.id, holds: false, record: { version: 2 } })
    t.match(after?.explanation, /no longer holds: alpha revoked it/)
    t.notOk((await alertsOf(bravo, '?holds=true')).some((a) => a.record?.recordId === denial.record.id))
  })

  await t.test('acknowledged by the officer; nobody else can', async (t) => {
    const other = await bravo.app.inject({ method: 'POST', url: `/v1/alerts/${alert?.id as string}/acknowledgement`, headers: { authorization: `Bearer ${await bravo.idp.token('someone-else', ['officer'])}` } })
    t.equal(other.statusCode, 404, 'another officer cannot read it')
    const ack = await call(bravo, 'POST', `/v1/alerts/${alert?.id as string}/acknowledgement`)
    t.match(ack.body, { id: alert?.id, acknowledged: { by: 'user-officer' } })
    t.notOk((await alertsOf(bravo, '?acknowledged=false')).some((a) => a.id === alert?.id))
  })
})

t.test('push: alpha\'s denial raises charlie\'s alert without a pull, for a case and for a party the agency watches', async (t) => {
  const [alpha, , charlie] = await startFederation(t, ['alpha', 'bravo', 'charlie'], { env: { PUSH_ON_PUBLISH: 'true' } }) as [TestAgency, TestAgency, TestAgency]
  const open = await openCase(charlie, { reference: 'CH-2026-1', application: application() })
  const watched = await call(charlie, 'POST', '/v1/watched-parties', { name: 'Aeroguide Trading', country: 'AE', note: 'diversion risk', forAgency: true })
  t.equal(watched.status, 201)
  t.match(watched.body, { owner: 'agency', name: 'Aeroguide Trading' })
  const mine = await call(charlie, 'POST', '/v1/watched-parties', { name: 'Sirius Avionics Ltd', aliases: ['Sirius Avionic'] })
  t.equal(mine.status, 201)

  const denial = await publishDecision(alpha)
  await alpha.app.pusher?.idle()
  const alerts = await alertsOf(charlie)
  t.match(alerts.find((a) => a.kind === 'case-hit'), { subject: { id: open.id }, record: { issuer: 'alpha', recordId: denial.record.id }, holds: true }, 'the case-hit, pushed')
  const watchHit = alerts.find((a) => a.kind === 'watch-hit')
  t.match(watchHit, { subject: { type: 'watched-party', id: watched.body.id }, recipient: { user: null, role: 'officer' }, record: { recordId: denial.record.id } }, 'the watch-hit, for every officer')
  t.match(watchHit?.title, /names the watched party Aeroguide Trading/)
  const colleague = await charlie.app.inject({ method: 'GET', url: '/v1/alerts?kind=watch-hit', headers: { authorization: `Bearer ${await charlie.idp.token('colleague', ['officer'])}` } })
  t.equal(colleague.json().alerts.length, 1, 'another officer reads the agency\'s watch-hit')

  await publishDecision(alpha, { outcome: 'granted', parties: [{ role: 'consignee', name: 'Sirius Avionics Limited', aliases: [], country: 'GB', identifiers: [] }] })
  t.match(await syncRound(charlie, 'alpha'), { status: 'synced' })
  const grantHit = (await alertsOf(charlie, '?kind=watch-hit')).find((a) => a.subject.id === mine.body.id)
  t.match(grantHit, { recipient: { user: 'user-officer', role: null }, holds: true }, 'a grant naming the officer\'s own watched party alerts that officer')

  await call(charlie, 'POST', '/v1/decisions', decision({ parties: [{ role: 'end_user', name: 'Sirius Avionics Ltd', aliases: [], country: 'GB', identifiers: [] }] }))
  t.equal((await alertsOf(charlie, '?kind=watch-hit')).filter((a) => a.subject.id === mine.body.id).length, 1, 'our own decisions are not allied records: no watch-hit')

  t.equal((await charlie.app.inject({ method: 'DELETE', url: `/v1/watched-parties/${mine.body.id as string}`, headers: { authorization: await charlie.auth('officer') } })).statusCode, 204)
  await publishDecision(alpha, { parties: [{ role: 'end_user', name: 'Sirius Avionics Ltd', aliases: [], country: 'GB', identifiers: [] }] })
  await alpha.app.pusher?.idle()
  t.equal((await alertsOf(charlie, '?kind=watch-hit')).filter((a) => a.subject.id === mine.body.id).length, 1, 'no longer watched: nothing more')
})

t.test('a sync page larger than a change matched at once is matched by the backlog\'s job', async (t) => {
  const [alpha, bravo] = await startFederation(t, ['alpha', 'bravo']) as [TestAgency, TestAgency]
  const open = await openCase(bravo, { application: application() })
  for (let i = 0; i < 21; i++) await publishDecision(alpha, { outcome: 'granted', destination: 'SG', parties: [{ role: 'end_user', name: `Grantee ${i} Pte Ltd`, aliases: [], country: 'SG', identifiers: [] }] })
  const denial = await publishDecision(alpha)
  t.match(await syncRound(bravo, 'alpha'), { status: 'synced', result: { stored: 22 } })
  t.same(await alertsOf(bravo), [], 'not matched in the page\'s transaction')
  await drainDetectionBacklog({ db: bravo.db, config: bravo.config, clock: bravo.app.clock })
  t.match(await alertsOf(bravo), [{ subject: { id: open.id }, record: { recordId: denial.record.id } }], 'the backlog\'s run raises it')
})

t.test('a denial that lapses ends its alert at the next daily re-evaluation', async (t) => {
  const [alpha, bravo] = await startFederation(t, ['alpha', 'bravo']) as [TestAgency, TestAgency]
  const open = await openCase(bravo, { application: application() })
  const denial = await publishDecision(alpha, { validUntil: '2027-01-10' })
  t.match(await syncRound(bravo, 'alpha'), { status: 'synced' })
  t.match(await alertsOf(bravo), [{ subject: { id: open.id }, record: { recordId: denial.record.id }, holds: true }])
  const before = await reevaluateLapsed({ db: bravo.db, config: bravo.config, clock: fixedClock(new Date('2027-01-10T12:00:00Z')) })
  t.equal(before.alertRecords, 0, 'in force on its last day')
  const after = await reevaluateLapsed({ db: bravo.db, config: bravo.config, clock: fixedClock(new Date('2027-01-11T06:00:00Z')) })
  t.equal(after.alertRecords, 1, 'lapsed the day after')
  t.match(await alertsOf(bravo), [{ record: { recordId: denial.record.id }, holds: false, explanation: 'no longer holds: it lapsed after 2027-01-10' }])
  t.equal((await reevaluateLapsed({ db: bravo.db, config: bravo.config, clock: fixedClock(new Date('2027-01-12T06:00:00Z')) })).alertRecords, 0, 'once ended, not again')
})
