import t from 'tap'
import { systemClock } from '../../src/lib/clock.js'
import { signPartnerToken } from '../../src/signing/index.js'
import type { TestAgency } from '../helpers/agency.js'
import { decision, enrolByUrl, heldEntries, publishDecision, startFederation, syncAll, syncRound } from '../helpers/federation.js'

// Removing a peer (issue 15 part 3, docs/federation.md section 3): keeping its records, then
// reinstating it, then purging them; alpha removes charlie.

const party = (name: string) => [{ role: 'end_user', name, aliases: [], country: 'RU', identifiers: [] }]
const items = [{ codes: [{ regime: 'uk', code: '3A001.a.1' }], description: 'Radiation hardened integrated circuits' }]
const grant = (reference: string) => decision({ reference, outcome: 'granted', decisionDate: '2026-03-01', destination: 'RU', validUntil: '2028-03-01', parties: party('Gazprom Bank'), items })
const application = { reference: 'APP-REMOVAL', parties: party('Gazprom Bank'), items: [{ codes: [{ regime: 'wassenaar', code: '3.A.1.a.1' }], description: 'Rad-hard microcircuits' }], destination: 'RU', date: '2026-06-01' }

async function call (agency: TestAgency, method: 'GET' | 'POST' | 'PATCH' | 'DELETE', url: string, role: 'admin' | 'officer' | 'auditor', payload?: Record<string, unknown>) {
  const res = await agency.app.inject({ method, url, headers: { authorization: await agency.auth(role) }, ...(payload === undefined ? {} : { payload }) })
  return { status: res.statusCode, body: res.json() as Record<string, any> }
}

/** The records of `issuer` among alpha's screening hits for the application. */
async function hitsFrom (agency: TestAgency, issuer: string, options: Record<string, unknown> = {}) {
  const res = await call(agency, 'POST', '/v1/screenings', 'officer', { applications: [application], options })
  if (res.status !== 200) throw new Error(`screening: ${res.status} ${JSON.stringify(res.body)}`)
  return (res.body.results[0].hits as Array<{ record: { issuer: string, recordId: string } }>).filter((h) => h.record.issuer === issuer).map((h) => h.record.recordId)
}

async function divergencesAt (agency: TestAgency) {
  return (await call(agency, 'GET', '/v1/divergences', 'auditor')).body.divergences as Array<{ id: string, state: string, first: { issuer: string }, second: { issuer: string } }>
}

t.test('removing a peer: keep its records, reinstate it, purge them, enrol it again', async (t) => {
  const agencies = await startFederation(t, ['alpha', 'bravo', 'charlie'])
  const [alpha, , charlie] = agencies as [TestAgency, TestAgency, TestAgency]
  t.equal((await call(alpha, 'POST', '/v1/watched-parties', 'officer', { name: 'Gazprombank', country: 'RU', forAgency: true })).status, 201)
  await publishDecision(alpha, grant('ALPHA-GRANT-1'))
  const denial = await publishDecision(charlie, decision({ outcome: 'denied', decisionDate: '2026-01-15', destination: 'RU', parties: party('GAZPROMBANK OAO'), items }))
  await syncAll(agencies)

  t.same(await hitsFrom(alpha, 'charlie'), [denial.record.id], 'before: charlie\'s denial is a screening hit at alpha')
  const before = await divergencesAt(alpha)
  t.equal(before.length, 1, 'and a divergence at alpha')
  t.match(before[0], { state: 'open', first: { issuer: 'charlie' }, second: { issuer: 'alpha' } })
  const alertsOn = () => alpha.db.selectFrom('alerts').select(['id', 'holds', 'explanation']).where('issuer', '=', 'charlie').execute()
  t.match(await alertsOn(), [{ holds: true }], 'and an alert: the watched party is named in it')

  t.match(await call(alpha, 'DELETE', '/v1/peers/charlie', 'admin'), { status: 400 }, 'records=keep|purge is required')
  t.match(await call(alpha, 'DELETE', '/v1/peers/charlie?records=later', 'admin'), { status: 400 })
  t.match(await call(alpha, 'DELETE', '/v1/peers/charlie?records=keep', 'officer'), { status: 403 }, 'administrators only')

  await t.test('keep: no hit, no new divergence, no tokens, no sync; its records held and marked', async (t) => {
    const removed = await call(alpha, 'DELETE', '/v1/peers/charlie?records=keep', 'admin')
    t.match(removed, { status: 200, body: { agencyId: 'charlie', records: 'keep', counts: { records: 1, entries: 0, divergencesResolved: 0 }, peer: { status: 'removed', sync: { state: 'removed' } } } })

    t.same(await hitsFrom(alpha, 'charlie'), [], 'screening leaves its denial out')
    t.same(await hitsFrom(alpha, 'charlie', { includeFormerPeers: true }), [denial.record.id], 'unless includeFormerPeers')

    const second = await call(alpha, 'POST', '/v1/decisions', 'officer', grant('ALPHA-GRANT-2'))
    t.equal(second.status, 201, 'a new grant for the same party: no undercut warning against a former peer\'s denial')
    const after = await divergencesAt(alpha)
    t.same(after.map((d) => [d.id, d.state]), [[before[0]?.id, 'open']], 'no new divergence; the open one stays as it is')

    const token = await signPartnerToken(await charlie.app.keyRing.current(), { issuer: 'charlie', audience: 'alpha', lifetimeSeconds: 60 }, systemClock)
    const feed = await alpha.app.inject({ method: 'GET', url: '/v1/feed/head', headers: { authorization: `Bearer ${token}` } })
    t.equal(feed.statusCode, 403)
    t.equal(feed.json().code, 'PEER_INACTIVE', 'its partner tokens are refused')

    await publishDecision(charlie, decision({ outcome: 'denied', decisionDate: '2026-02-01', destination: 'RU', parties: party('Gazprombank'), items }))
    t.equal(await syncRound(alpha, 'charlie'), undefined, 'sync does not lease it')
    t.equal((await heldEntries(alpha, 'charlie')).length, 1, 'nothing more is taken from its feed')

    const listed = await call(alpha, 'GET', '/v1/decisions?issuer=charlie', 'officer')
    t.match(listed, { status: 200, body: { records: [{ issuer: 'charlie', id: denial.record.id, formerPeer: true }] } }, 'its records are still readable, marked as from a former peer')
    const own = await call(alpha, 'GET', '/v1/decisions?issuer=alpha', 'officer')
    t.notOk(own.body.records.some((r: Record<string, unknown>) => 'formerPeer' in r), 'others are not marked')
  })

  await t.test('reinstating it (PATCH status active) brings it back', async (t) => {
    t.match(await call(alpha, 'PATCH', '/v1/peers/charlie', 'admin', { status: 'active', reason: 'the agreement was renewed' }), { status: 200, body: { status: 'active' } })
    t.same(await hitsFrom(alpha, 'charlie'), [denial.record.id], 'its denial is a hit again')
    t.match(await syncRound(alpha, 'charlie'), { status: 'synced' }, 'and it is synced again')
    t.equal((await heldEntries(alpha, 'charlie')).length, 2, 'from where we were')
  })

  await t.test('purge: its divergences resolved, its records, entries and enrolment gone; it may be enrolled again', async (t) => {
    const records = (await call(alpha, 'GET', '/v1/decisions?issuer=charlie', 'officer')).body.records.length as number
    t.equal(records, 2)
    // its second denial, synced once reinstated, diverges from both of alpha's grants
    const naming = (await divergencesAt(alpha)).filter((d) => d.first.issuer === 'charlie' || d.second.issuer === 'charlie')
    t.equal(naming.length, 3)
    const alerts = (await alertsOn()).filter((a) => a.holds).length
    t.equal(alerts, 2, 'an alert on each of its denials holds')
    const purged = await call(alpha, 'DELETE', '/v1/peers/charlie?records=purge', 'admin')
    t.match(purged, { status: 200, body: { agencyId: 'charlie', records: 'purge', counts: { records, entries: 2, divergencesResolved: 3, alertsNoLongerHolding: alerts }, peer: null } })
    t.ok((await alertsOn()).every((a) => !a.holds && a.explanation === 'no longer holds: peer removed; its records purged'), 'its alerts no longer hold, with why')
    const stopped = await alpha.db.selectFrom('audit_events').select('subject_id').where('action', '=', 'alert-no-longer-holds').execute()
    t.equal(stopped.length, alerts, 'each audited as an alert that stops holding')

    const states = await alpha.db.selectFrom('divergences').select(['id', 'state']).where('id', 'in', naming.map((d) => d.id)).execute()
    t.same(states.map((d) => d.state), ['resolved', 'resolved', 'resolved'], 'every divergence naming one of its records is resolved')
    const transition = await alpha.db.selectFrom('divergence_transitions').selectAll().where('divergence_id', '=', before[0]?.id as string).orderBy('seq', 'desc').executeTakeFirstOrThrow()
    t.match(transition, { from_state: 'open', to_state: 'resolved', reason: 'peer removed; its records purged' }, 'with the reason, as transitions are')

    for (const table of ['records', 'record_parties', 'record_items', 'record_codes', 'inbox_pending'] as const) {
      const row = await alpha.db.selectFrom(table).select((eb) => eb.fn.countAll<string>().as('n')).where('issuer', '=', 'charlie').executeTakeFirstOrThrow()
      t.equal(Number(row.n), 0, `no ${table} of charlie`)
    }
    t.equal((await heldEntries(alpha, 'charlie')).length, 0, 'no feed entries of charlie')
    t.equal((await alpha.db.selectFrom('peer_sync').select('agency_id').where('agency_id', '=', 'charlie').execute()).length, 0, 'no sync row')
    t.equal((await call(alpha, 'GET', '/v1/peers/charlie', 'admin')).status, 404, 'no enrolment')

    const events = await alpha.db.selectFrom('audit_events').select(['actor', 'detail']).where('action', '=', 'peer-removed').orderBy('seq').execute()
    t.equal(events.length, 2)
    t.match(events, [
      { actor: 'user-admin', detail: { records: 'keep', previousStatus: 'active', counts: { records: 1 } } },
      { actor: 'user-admin', detail: { records: 'purge', previousStatus: 'active', counts: { records, entries: 2, divergencesResolved: 3 } } }
    ], 'peer-removed, with the choice and the counts')
    const resolvedEvents = await alpha.db.selectFrom('audit_events').select('detail').where('action', '=', 'divergence-transition').where('subject_id', '=', before[0]?.id as string).execute()
    t.match(resolvedEvents, [{ detail: { from: 'open', to: 'resolved', reason: 'peer removed; its records purged' } }], 'the resolution is audited as transitions are')

    await enrolByUrl(alpha, charlie)
    t.match(await syncRound(alpha, 'charlie'), { status: 'synced' }, 'enrolled again, it is synced from the start')
    t.equal((await heldEntries(alpha, 'charlie')).length, 2)
  })
})
