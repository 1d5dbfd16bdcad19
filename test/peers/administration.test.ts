import t from 'tap'
import { generateEd25519Key } from '../../src/signing/index.js'
import { startAgency } from '../helpers/agency.js'

// An administrator's decisions about peers are in the audit trail, with who made them and why.
t.test('enrolling, disabling, enabling and resuming a peer are audited; a refused enrolment is not', async (t) => {
  const agency = await startAgency(t, 'alpha')
  const key = await generateEd25519Key()
  const admin = `Bearer ${await agency.idp.token('admin-ada', ['admin'])}`
  const call = async (method: 'POST' | 'PATCH', url: string, payload?: unknown) => {
    const res = await agency.app.inject({ method, url, headers: { authorization: admin }, ...(payload === undefined ? {} : { payload: payload as Record<string, unknown> }) })
    return { status: res.statusCode, body: res.json() as Record<string, unknown> }
  }
  const enrolment = { agencyId: 'bravo', name: 'Agency bravo', country: 'FR', baseUrl: 'http://127.0.0.1:9/', jwks: { keys: [key.publicJwk] } }
  t.equal((await call('POST', '/v1/peers', enrolment)).status, 201)
  t.match(await call('POST', '/v1/peers', enrolment), { status: 409, body: { code: 'PEER_EXISTS' } }, 'enrolled once')
  t.match(await call('PATCH', '/v1/peers/bravo', { status: 'disabled', reason: 'keys reported stolen' }), { status: 200, body: { status: 'disabled' } })
  t.match(await call('POST', '/v1/peers/bravo/resume'), { status: 403, body: { code: 'PEER_INACTIVE' } }, 'a disabled peer is enabled, not resumed')
  t.match(await call('PATCH', '/v1/peers/bravo', { status: 'active', reason: 'new keys enrolled' }), { status: 200, body: { status: 'active' } })
  t.match(await call('POST', '/v1/peers/bravo/resume'), { status: 200, body: { status: 'active' } })

  const events = await agency.db.selectFrom('audit_events').selectAll().where('subject_type', '=', 'peer').orderBy('seq').execute()
  t.same(events.map((e) => [e.action, e.actor, e.subject_id]), [
    ['peer-enrolled', 'admin-ada', 'bravo'],
    ['peer-status-changed', 'admin-ada', 'bravo'],
    ['peer-status-changed', 'admin-ada', 'bravo'],
    ['peer-resumed', 'admin-ada', 'bravo']
  ], 'one event per change, none for the refusals')
  t.match(events[0]?.detail, { name: 'Agency bravo', country: 'FR', baseUrl: 'http://127.0.0.1:9', jwksUrl: null, keyIds: [key.kid] })
  t.same(events.slice(1, 3).map((e) => e.detail), [{ status: 'disabled', reason: 'keys reported stolen' }, { status: 'active', reason: 'new keys enrolled' }])
  t.match(events[3]?.detail, { previous: 'active' })
})
