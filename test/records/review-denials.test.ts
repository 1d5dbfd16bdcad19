import t from 'tap'
import { startAgency } from '../helpers/agency.js'
import { decision, publishDecision } from '../helpers/federation.js'
import { countStillHoldingSql } from '../../src/divergence/index.js'
import { countDenialsDueForReview, denialsDueForReview } from '../../src/records/index.js'

t.test('denials approaching the end of their review window, soonest first, to renew or revoke', async (t) => {
  const day = (n: number) => new Date(Date.now() + n * 86_400_000).toISOString().slice(0, 10)
  const agency = await startAgency(t, 'review-agency')
  const soon = await publishDecision(agency, decision({ outcome: 'denied', decisionDate: '2024-01-10', validUntil: day(27) }))
  const sooner = await publishDecision(agency, decision({ outcome: 'denied', decisionDate: '2023-12-10', validUntil: day(7) }))
  await publishDecision(agency, decision({ outcome: 'denied', decisionDate: '2025-06-01', validUntil: day(600) }))
  await publishDecision(agency, decision({ outcome: 'denied', decisionDate: '2023-01-01', validUntil: day(-22) }))
  await publishDecision(agency, decision({ outcome: 'granted', decisionDate: '2025-06-01', validUntil: day(8) }))
  const revoked = await publishDecision(agency, decision({ outcome: 'denied', decisionDate: '2024-02-01', validUntil: day(17) }))
  await agency.app.inject({ method: 'POST', url: `/v1/decisions/${revoked.record.id}/revocations`, headers: { authorization: await agency.auth('officer') }, payload: { version: 1, reason: 'withdrawn', effectiveDate: day(-3) } })

  const get = async (query = '') => agency.app.inject({ method: 'GET', url: `/v1/reviews/denials${query}`, headers: { authorization: await agency.auth('officer') } })
  const res = await get()
  t.equal(res.statusCode, 200, res.body)
  t.match(res.json(), { asOf: day(0) })
  t.same(res.json().denials.map((d: { recordId: string, daysLeft: number }) => [d.recordId, d.daysLeft]), [[sooner.record.id, 7], [soon.record.id, 27]],
    'in force, ending within 90 days, soonest first; lapsed, revoked, later and granted ones left out')
  const deps = { db: agency.db, issuer: 'review-agency', clock: agency.app.clock, countOpenDivergences: countStillHoldingSql }
  t.same((await denialsDueForReview(deps, 90, 1)).map((d) => d.recordId), [sooner.record.id], 'the soonest first, as many as asked (the start page)')
  t.equal(await countDenialsDueForReview(deps, 90), 2, 'and how many are due in all')
  t.same((await get('?withinDays=10')).json().denials.map((d: { recordId: string }) => d.recordId), [sooner.record.id])

  const renewed = await agency.app.inject({ method: 'POST', url: `/v1/decisions/${sooner.record.id}/renewals`, headers: { authorization: await agency.auth('officer') }, payload: { version: 1, reason: 'still relevant', validUntil: day(1100) } })
  t.equal(renewed.statusCode, 201, renewed.body)
  t.same((await get()).json().denials.map((d: { recordId: string }) => d.recordId), [soon.record.id], 'renewed: off the list')
  t.equal((await get('?withinDays=-1')).statusCode, 400)
  t.equal((await agency.app.inject({ method: 'GET', url: '/v1/reviews/denials', headers: { authorization: await agency.auth('auditor') } })).statusCode, 403)
})
