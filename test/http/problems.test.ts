import t, { type Test } from 'tap'
import type { LightMyRequestResponse } from 'fastify'
import { enrol, makePeerIdentity, startAgency } from '../helpers/agency.js'

/** Every problem is an RFC 9457 document with our stable code, served as application/problem+json. */
function problemOf (t: Test, res: LightMyRequestResponse, status: number, code: string) {
  t.equal(res.statusCode, status, `status ${status}`)
  t.match(res.headers['content-type'], /^application\/problem\+json/, 'content type application/problem+json')
  const body = res.json()
  t.match(body, { type: String, title: String, status, detail: String, code }, `a problem with code ${code}`)
  t.ok(body.detail.length > 0, 'the detail says what is wrong')
  return body as { detail: string, errors?: Array<{ pointer: string, detail: string }> }
}

const enrolment = { agencyId: 'fr-sbdu', name: 'Service des biens à double usage', country: 'FR', baseUrl: 'https://sbdu.example', jwksUrl: 'https://sbdu.example/jwks.json' }

t.test('POST /v1/peers refuses bad bodies with useful problems', async (t) => {
  const agency = await startAgency(t, undefined, { env: { BODY_LIMIT_BYTES: '2048' } })
  const authorization = await agency.auth('admin')
  const post = (payload: string, contentType = 'application/json') =>
    agency.app.inject({ method: 'POST', url: '/v1/peers', headers: { authorization, 'content-type': contentType }, payload })

  await t.test('malformed JSON', async (t) => {
    problemOf(t, await post('{"agencyId": "fr-sbdu",'), 400, 'INVALID_REQUEST')
  })

  await t.test('an unknown field is named by its pointer', async (t) => {
    const body = problemOf(t, await post(JSON.stringify({ ...enrolment, colour: 'blue' })), 400, 'INVALID_REQUEST')
    t.match(body.errors, [{ pointer: '/body/colour', detail: /unknown field/ }])
    t.match(body.detail, /colour/)
  })

  await t.test('a wrong value is named by its pointer', async (t) => {
    const body = problemOf(t, await post(JSON.stringify({ ...enrolment, country: 'France' })), 400, 'INVALID_REQUEST')
    t.match(body.errors, [{ pointer: '/body/country' }])
  })

  await t.test('a body over the limit', async (t) => {
    const body = problemOf(t, await post(JSON.stringify({ ...enrolment, name: 'x'.repeat(4096) })), 413, 'PAYLOAD_TOO_LARGE')
    t.match(body.detail, /2048/)
  })

  await t.test('a content type the route does not take', async (t) => {
    problemOf(t, await post('<peer/>', 'application/xml'), 415, 'UNSUPPORTED_MEDIA_TYPE')
    problemOf(t, await post('agencyId=fr-sbdu', 'application/x-www-form-urlencoded'), 415, 'UNSUPPORTED_MEDIA_TYPE')
    problemOf(t, await post('{"agencyId":"fr-sbdu"}', 'text/plain'), 415, 'UNSUPPORTED_MEDIA_TYPE')
  })

  await t.test('an empty body with a JSON content type', async (t) => {
    problemOf(t, await post(''), 400, 'INVALID_REQUEST')
  })
})

t.test('bad query parameters, unknown routes and methods', async (t) => {
  const agency = await startAgency(t)
  const peer = await makePeerIdentity('de-bafa')
  await enrol(agency, peer)

  const badLimit = await agency.app.inject({ url: '/v1/feed?limit=0', headers: { authorization: await peer.auth(agency.id) } })
  t.match(problemOf(t, badLimit, 400, 'INVALID_REQUEST').errors, [{ pointer: '/querystring/limit' }])
  const notNumber = await agency.app.inject({ url: '/v1/feed?after=soon', headers: { authorization: await peer.auth(agency.id) } })
  t.match(problemOf(t, notNumber, 400, 'INVALID_REQUEST').errors, [{ pointer: '/querystring/after' }])
  const unknownParam = await agency.app.inject({ url: '/v1/feed?colour=blue', headers: { authorization: await peer.auth(agency.id) } })
  t.match(problemOf(t, unknownParam, 400, 'INVALID_REQUEST').errors, [{ pointer: '/querystring/colour' }])

  const badPath = await agency.app.inject({ url: '/v1/peers/NOT%20AN%20ID', headers: { authorization: await agency.auth('admin') } })
  t.match(problemOf(t, badPath, 400, 'INVALID_REQUEST').errors, [{ pointer: '/params/agencyId' }])

  problemOf(t, await agency.app.inject({ url: '/v1/nothing-here' }), 404, 'NOT_FOUND')
  problemOf(t, await agency.app.inject({ method: 'DELETE', url: '/.well-known/jwks.json' }), 404, 'NOT_FOUND')
})

t.test('a value outside an enumeration is one error that names the allowed values (issue 13)', async (t) => {
  const agency = await startAgency(t)
  const officer = await agency.auth('officer')
  const decision = {
    reference: 'GB-SIEL-ENUM-1',
    outcome: 'maybe',
    decisionDate: '2025-03-14',
    destination: 'IR',
    endUse: 'x',
    parties: [{ role: 'end_user', name: 'Abdul Satar Ghoura', country: 'AF' }],
    items: [{ codes: [{ regime: 'uk', code: 'ML10' }], description: 'Aircraft components' }],
    reasons: []
  }
  const body = problemOf(t, await agency.app.inject({ method: 'POST', url: '/v1/decisions', headers: { authorization: officer }, payload: decision }), 400, 'INVALID_REQUEST')
  t.same(body.errors?.filter((e) => e.pointer === '/body/outcome'), [{ pointer: '/body/outcome', detail: 'must be one of "granted", "denied"' }], 'a union of literals: one error, every allowed value')
  t.match(body.detail, '/body/outcome must be one of "granted", "denied"')
  const query = problemOf(t, await agency.app.inject({ url: '/v1/decisions?scope=everyone', headers: { authorization: officer } }), 400, 'INVALID_REQUEST')
  t.same(query.errors, [{ pointer: '/querystring/scope', detail: 'must be one of "all", "own", "allied"' }], 'an enum: its values too')
})
