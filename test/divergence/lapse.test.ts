import t from 'tap'
import { fixedClock } from '../../src/lib/clock.js'
import { reevaluateLapsed } from '../../src/divergence/reevaluate.js'
import type { TestAgency } from '../helpers/agency.js'
import { decision, publishDecision, startFederation, syncAll } from '../helpers/federation.js'

t.test('a denial that lapses ends its undercut at the next daily re-evaluation', async (t) => {
  const agencies = await startFederation(t, ['lima', 'mike'])
  const [lima, mike] = agencies as [TestAgency, TestAgency]
  const party = [{ role: 'end_user', name: 'Mahan Air', aliases: [], country: 'IR', identifiers: [] }]
  const items = [{ codes: [{ regime: 'eu', code: '9A001.a' }], description: 'Aero gas turbine engines' }]
  await publishDecision(lima, decision({ outcome: 'denied', decisionDate: '2026-01-10', validUntil: '2027-01-10', destination: 'IR', parties: party, items }))
  await syncAll(agencies)
  await publishDecision(mike, decision({ outcome: 'granted', undercutOverride: { reason: 'recorded over the warning, for the auditors' }, decisionDate: '2026-04-01', validUntil: '2028-04-01', destination: 'IR', parties: [{ ...party[0], name: 'AIR MAHAN CO.' }], items }))
  await syncAll(agencies)
  const held = await lima.db.selectFrom('divergences').selectAll().execute()
  t.match(held, [{ kind: 'undercut', state: 'open', holds: true }])

  const before = await reevaluateLapsed({ db: lima.db, config: lima.config.divergence, clock: fixedClock(new Date('2027-01-10T12:00:00Z')) })
  t.same(before, { opened: 0, updated: 0, resolved: 0, checked: 0 }, 'on its last day the denial is in force: nothing to re-evaluate')
  const after = await reevaluateLapsed({ db: lima.db, config: lima.config.divergence, clock: fixedClock(new Date('2027-01-11T06:00:00Z')) })
  t.same(after, { opened: 0, updated: 0, resolved: 1, checked: 1 })
  const [divergence] = await lima.db.selectFrom('divergences').selectAll().execute()
  t.match(divergence, { state: 'resolved', holds: false })
  const last = await lima.db.selectFrom('divergence_transitions').selectAll().where('divergence_id', '=', divergence?.id as string).orderBy('seq', 'desc').executeTakeFirst()
  t.match(last, { to_state: 'resolved', actor: 'system', reason: /lima's denial .* lapsed on 2027-01-10/ })
  t.same(await reevaluateLapsed({ db: lima.db, config: lima.config.divergence, clock: fixedClock(new Date('2027-01-12T06:00:00Z')) }), { opened: 0, updated: 0, resolved: 0, checked: 0 }, 'once resolved, not again')
})
