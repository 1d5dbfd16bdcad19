import t from 'tap'
import type { TestAgency } from '../helpers/agency.js'
import { decision, publishDecision, startFederation, syncAll } from '../helpers/federation.js'
import { call } from '../helpers/records.js'

// Amendments and renewals reach every ally: three real agencies (HTTP servers on 127.0.0.1,
// their own keys and databases) pulling each other's signed feeds. Alpha denies, corrects the
// end user (now the one bravo licensed: an undercut opens at every agency), renews the denial
// at review (the undercut follows the new version) and corrects the item (unrelated to the
// grant's: it resolves everywhere). Each ally's projection (the decisions list) and its
// divergences change with each version. Alerts (issue 12) do not exist yet: when they do,
// this is where an ally's alert on the amendment that opens the undercut belongs.
// The parties and references are made up; 7A003.a (inertial navigation) and 9A012.a (UAVs) are
// EU dual-use entries.

interface HeldDecision {
  issuer: string
  id: string
  version: number
  status: string
  decision: { parties: Array<{ name: string }>, items: Array<{ codes: Array<{ regime: string, code: string }> }>, validUntil?: string }
}

interface Divergence { id: string, kind: string, state: string, holds: boolean, explanation: string, first: { issuer: string, recordId: string, version: number }, second: { issuer: string, recordId: string, version: number } }

/** `issuer`'s decision `reference` as `holder` lists it (GET /v1/decisions, any issuer's). */
async function heldDecision (holder: TestAgency, issuer: string, reference: string): Promise<HeldDecision | undefined> {
  const res = await call(holder, 'GET', `/v1/decisions?issuer=${issuer}&reference=${encodeURIComponent(reference)}`)
  if (res.status !== 200) throw new Error(`${holder.id}: ${res.status} ${JSON.stringify(res.body)}`)
  return (res.body.records as HeldDecision[])[0]
}

async function divergencesAt (agency: TestAgency): Promise<Divergence[]> {
  const res = await call(agency, 'GET', '/v1/divergences', undefined, 'auditor')
  if (res.status !== 200) throw new Error(`${agency.id}: ${res.status} ${JSON.stringify(res.body)}`)
  return res.body.divergences as Divergence[]
}

async function historyAt (agency: TestAgency, id: string): Promise<Array<{ to: string, reason: string }>> {
  return (await call(agency, 'GET', `/v1/divergences/${id}`)).body.history
}

t.test('a denial amended and renewed at alpha changes what bravo and charlie hold and the undercut they see', async (t) => {
  const agencies = await startFederation(t, ['alpha', 'bravo', 'charlie'])
  const [alpha, bravo, charlie] = agencies as [TestAgency, TestAgency, TestAgency]
  const allies = [bravo, charlie]
  const navigation = [{ codes: [{ regime: 'eu', code: '7A003.a' }], description: 'Inertial navigation systems' }]
  const licensed = { role: 'end_user', name: 'Skyline Aviation Parts FZE', aliases: [], country: 'AE', identifiers: [] }
  const denied = decision({
    outcome: 'denied',
    decisionDate: '2026-01-15',
    destination: 'AE',
    parties: [{ role: 'end_user', name: 'Aeroguide Trading LLC', aliases: [], country: 'AE', identifiers: [] }],
    items: navigation
  })
  const denial = await publishDecision(alpha, denied)
  const grant = await publishDecision(bravo, decision({ outcome: 'granted', decisionDate: '2026-03-01', validUntil: '2028-03-01', destination: 'AE', parties: [licensed], items: navigation }))
  await syncAll(agencies)
  for (const ally of allies) {
    t.match(await heldDecision(ally, 'alpha', denied.reference), { id: denial.record.id, version: 1, status: 'in_force', decision: { parties: [{ name: 'Aeroguide Trading LLC' }], validUntil: '2029-01-15' } }, `${ally.id} holds the denial`)
  }
  for (const agency of agencies) t.same(await divergencesAt(agency), [], `another end user than the grant's: no divergence at ${agency.id}`)

  await t.test('an amendment naming the grant\'s end user opens an undercut at every agency', async (t) => {
    const amended = await call(alpha, 'POST', `/v1/decisions/${denial.record.id}/amendments`, {
      version: 1, reason: 'the end user behind the order, found by the investigation', decision: { ...denied, parties: [licensed] }
    })
    t.equal(amended.status, 201, JSON.stringify(amended.body))
    await syncAll(agencies)
    for (const ally of allies) {
      t.match(await heldDecision(ally, 'alpha', denied.reference), { version: 2, status: 'in_force', decision: { parties: [{ name: licensed.name }] } }, `${ally.id} holds the amended denial`)
      t.equal((await ally.db.selectFrom('record_parties').select('name').where('issuer', '=', 'alpha').where('record_id', '=', denial.record.id).execute()).map((p) => p.name).join(), licensed.name,
        `${ally.id}'s query tables hold the new party alone`)
    }
    for (const agency of agencies) {
      const list = await divergencesAt(agency)
      t.equal(list.length, 1, `one divergence at ${agency.id}`)
      t.match(list[0], {
        kind: 'undercut', state: 'open', holds: true, first: { issuer: 'alpha', recordId: denial.record.id, version: 2 }, second: { issuer: 'bravo', recordId: grant.record.id, version: 1 }
      }, `the undercut at ${agency.id}`)
    }
  })

  await t.test('a renewal reaches every ally: the denial runs to its new end and the undercut follows its version', async (t) => {
    const renewed = await call(alpha, 'POST', `/v1/decisions/${denial.record.id}/renewals`, { version: 2, reason: 'review: the end user is still of concern', validUntil: '2031-01-15' })
    t.equal(renewed.status, 201, JSON.stringify(renewed.body))
    await syncAll(agencies)
    for (const ally of allies) {
      t.match(await heldDecision(ally, 'alpha', denied.reference), { version: 3, status: 'in_force', decision: { parties: [{ name: licensed.name }], validUntil: '2031-01-15' } }, `${ally.id} holds the renewed denial`)
    }
    for (const agency of agencies) {
      const list = await divergencesAt(agency)
      t.equal(list.length, 1, `still one divergence at ${agency.id}`)
      t.match(list[0], { kind: 'undercut', state: 'open', holds: true, first: { version: 3 }, explanation: /in force until 2031-01-15/ }, `updated to the renewal at ${agency.id}`)
      t.same((await historyAt(agency, list[0]?.id as string)).map((h) => h.to), ['open'], 'no new state: the same divergence, still open')
    }
  })

  await t.test('an amendment to an unrelated item resolves the undercut at every agency', async (t) => {
    const amended = await call(alpha, 'POST', `/v1/decisions/${denial.record.id}/amendments`, {
      version: 3,
      reason: 'the denied item was the airframe, not its navigation',
      decision: { ...denied, parties: [licensed], validUntil: '2031-01-15', items: [{ codes: [{ regime: 'eu', code: '9A012.a' }], description: 'Unmanned aerial vehicles' }] }
    })
    t.equal(amended.status, 201, JSON.stringify(amended.body))
    await syncAll(agencies)
    for (const ally of allies) {
      t.match(await heldDecision(ally, 'alpha', denied.reference), { version: 4, decision: { items: [{ codes: [{ code: '9A012.a' }] }], validUntil: '2031-01-15' } }, `${ally.id} holds the corrected item`)
    }
    for (const agency of agencies) {
      const [d, ...more] = await divergencesAt(agency)
      t.same(more, [], `no other divergence at ${agency.id}`)
      t.match(d, { kind: 'undercut', state: 'resolved', holds: false }, `resolved at ${agency.id}`)
      t.match((await historyAt(agency, d?.id as string)).at(-1), { to: 'resolved', reason: 'the records, as amended, no longer diverge' })
    }
    const own = await call(alpha, 'GET', `/v1/decisions/${denial.record.id}`)
    t.same(own.body.versions.map((v: { kind: string }) => v.kind), ['decision', 'amendment', 'renewal', 'amendment'], 'every version, each a signed entry that every ally holds')
  })
})
