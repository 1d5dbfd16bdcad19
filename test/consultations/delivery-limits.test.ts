import t from 'tap'
import type { TestAgency } from '../helpers/agency.js'
import { publishDecision, startFederation, syncAll } from '../helpers/federation.js'
import { startHostileServer } from '../helpers/hostile-server.js'

// Consultation delivery goes through the one outbound client: an inbox that answers without end
// is cut at the cap and the message stays pending, with why. Every server listens on 127.0.0.1.

t.test('a consulted agency whose inbox answers without end: cut at the cap, the message stays pending', async (t) => {
  const agencies = await startFederation(t, ['kilo', 'lima'])
  const [kilo, lima] = agencies as [TestAgency, TestAgency]
  const denial = await publishDecision(kilo)
  await syncAll(agencies)
  const server = await startHostileServer(t, 'endless')
  await lima.db.updateTable('peers').set({ base_url: server.url }).where('agency_id', '=', 'kilo').execute()

  const res = await lima.app.inject({
    method: 'POST',
    url: '/v1/consultations',
    headers: { authorization: await lima.auth('officer') },
    payload: {
      denial: { issuer: 'kilo', recordId: denial.record.id },
      proposed: { destination: 'AE', endUse: 'Civil aircraft maintenance', parties: [{ role: 'end_user', name: 'Aeroguide Trading LLC', aliases: [], country: 'AE', identifiers: [] }], items: [{ codes: [{ regime: 'eu', code: '7A003.a' }], description: 'Inertial measurement unit' }] },
      question: 'Any objection?'
    }
  })
  t.equal(res.statusCode, 201)
  t.match(res.json(), { messages: [{ delivery: 'pending', attempts: 1, lastError: 'the peer\'s inbox could not be reached (TOO_LARGE)' }] })
  t.match(server.requests, [{ method: 'POST', url: '/v1/inbox/consultations', body: /"jws":"ey/ }])
  await server.cut()
  t.pass('the server saw its response cut off')
})
