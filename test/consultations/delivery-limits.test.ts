import t from 'tap'
import { systemClock } from '../../src/lib/clock.js'
import { createLogger } from '../../src/lib/logger.js'
import { drainOutbox } from '../../src/use-cases/index.js'
import type { TestAgency } from '../helpers/agency.js'
import { publishDecision, startFederation, syncAll } from '../helpers/federation.js'
import { startHostileServer } from '../helpers/hostile-server.js'

// Consultation delivery goes through the one outbound client: an inbox that answers without end
// is cut at the cap and the message stays pending, with why; one that refuses it (a 4xx) is
// not asked again. Every server listens on 127.0.0.1.

const PROPOSED = { destination: 'AE', endUse: 'Civil aircraft maintenance', parties: [{ role: 'end_user', name: 'Aeroguide Trading LLC', aliases: [], country: 'AE', identifiers: [] }], items: [{ codes: [{ regime: 'eu', code: '7A003.a' }], description: 'Inertial measurement unit' }] }

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
      proposed: PROPOSED,
      question: 'Any objection?'
    }
  })
  t.equal(res.statusCode, 201)
  t.match(res.json(), { messages: [{ delivery: 'pending', attempts: 1, lastError: 'the peer\'s inbox could not be reached (TOO_LARGE)' }] })
  t.match(server.requests, [{ method: 'POST', url: '/v1/inbox/consultations', body: /"jws":"ey/ }])
  await server.cut()
  t.pass('the server saw its response cut off')
})

t.test('a consulted agency whose inbox refuses the message (a 4xx): refused with its problem, never sent again', async (t) => {
  const agencies = await startFederation(t, ['kilo', 'lima'])
  const [kilo, lima] = agencies as [TestAgency, TestAgency]
  const denial = await publishDecision(kilo)
  await syncAll(agencies)
  const server = await startHostileServer(t, { status: 422, body: JSON.stringify({ code: 'MESSAGE_REFUSED', detail: 'the request names no denial of ours that you may see' }) })
  await lima.db.updateTable('peers').set({ base_url: server.url }).where('agency_id', '=', 'kilo').execute()

  const res = await lima.app.inject({
    method: 'POST',
    url: '/v1/consultations',
    headers: { authorization: await lima.auth('officer') },
    payload: { denial: { issuer: 'kilo', recordId: denial.record.id }, proposed: PROPOSED, question: 'Any objection?' }
  })
  t.equal(res.statusCode, 201)
  t.match(res.json(), { messages: [{ delivery: 'refused', attempts: 1, lastError: '422 MESSAGE_REFUSED: the request names no denial of ours that you may see' }] }, 'refused at once, with the peer\'s problem')
  t.match(await lima.db.selectFrom('outbox').select(['topic', 'state', 'attempts', 'next_attempt_at']).execute(), [{ topic: 'consultation-message', state: 'refused', attempts: 1, next_attempt_at: null }], 'settled in the outbox: nothing scheduled')

  await lima.db.updateTable('outbox').set({ next_attempt_at: new Date(Date.now() - 1000) }).execute()
  const ctx = { config: lima.config, db: lima.db, keyRing: lima.app.keyRing, clock: systemClock, logger: createLogger({ level: 'silent' }) }
  t.match(await drainOutbox(ctx), { delivered: 0, failed: 0, refused: 0 }, 'the outbox job sends nothing more')
  t.equal(server.requests.length, 1, 'the inbox was asked once')
})
