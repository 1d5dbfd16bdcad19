import { connect } from 'node:net'
import { sql } from 'kysely'
import t from 'tap'
import { enrol, startAgency, makePeerIdentity, type TestAgency } from '../helpers/agency.js'
import { appWithMainPoolHeld } from '../helpers/busy-pool.js'
import { captureLogs } from '../helpers/capture-logs.js'
import { call, sampleDecision } from '../helpers/records.js'

const NUL = 'Mahan\u0000Air'
const application = (name: string) => ({
  reference: 'APP-1',
  parties: [{ role: 'end_user', name, country: 'IR' }],
  items: [{ codes: [{ regime: 'uk', code: 'ML10' }], description: 'aircraft parts' }],
  destination: 'IR'
})
const SURROGATE = 'Mahan \ud800Air'

async function counts (agency: TestAgency) {
  const { rows } = await sql<{ entries: number, records: number, audit: number }>`select
    (select count(*)::int from feed_entries where issuer = ${agency.id}) as entries,
    (select count(*)::int from records) as records,
    (select count(*)::int from audit_events) as audit`.execute(agency.db)
  return rows[0]
}

async function inject (agency: TestAgency, method: 'GET' | 'POST' | 'PATCH', url: string, payload?: unknown, role: 'officer' | 'auditor' | 'admin' = 'officer') {
  const res = await agency.app.inject({
    method,
    url,
    headers: { authorization: await agency.auth(role), ...(typeof payload === 'string' ? { 'content-type': 'application/json' } : {}) },
    ...(payload === undefined ? {} : { payload: payload as string })
  })
  return { status: res.statusCode, type: String(res.headers['content-type']), body: res.json() as Record<string, any>, headers: res.headers }
}

t.test('text that cannot be stored is refused with 400 naming the field, nothing stored, and no log line quotes it', async (t) => {
  const logs = captureLogs('debug')
  const agency = await startAgency(t, undefined, { logger: logs.logger })
  const before = await counts(agency)
  const cases: Array<[string, 'GET' | 'POST', string, unknown, string]> = [
    ['NUL in a party name', 'POST', '/v1/decisions', sampleDecision({ parties: [{ role: 'end_user', name: NUL, country: 'IR' }] }), '/body/parties/0/name'],
    ['lone surrogate in a party name', 'POST', '/v1/decisions', sampleDecision({ parties: [{ role: 'end_user', name: SURROGATE, country: 'IR' }] }), '/body/parties/0/name'],
    ['NUL in the end use', 'POST', '/v1/decisions', sampleDecision({ endUse: NUL }), '/body/endUse'],
    ['NUL in a field name', 'POST', '/v1/decisions', { ...sampleDecision(), 'a\u0000b': 1 }, '/body/a\uFFFDb'],
    ['NUL in a screening', 'POST', '/v1/screenings', { applications: [application(NUL)] }, '/body/applications/0/parties/0/name'],
    ['NUL in a query filter', 'GET', `/v1/decisions?reference=${encodeURIComponent(NUL)}`, undefined, '/querystring/reference'],
    ['NUL in a party search', 'GET', `/v1/decisions?party=${encodeURIComponent(NUL)}`, undefined, '/querystring/party']
    // a lone surrogate cannot be written in a URL: percent-encoded UTF-8 of one decodes to U+FFFD
  ]
  for (const [name, method, url, payload, pointer] of cases) {
    const res = await inject(agency, method, url, payload === undefined ? undefined : JSON.stringify(payload))
    t.equal(res.status, 400, `${name}: 400`)
    t.match(res.type, /application\/problem\+json/, `${name}: a problem document`)
    t.equal(res.body.code, 'INVALID_REQUEST', `${name}: INVALID_REQUEST`)
    t.ok((res.body.errors as Array<{ pointer: string }> | undefined)?.some((e) => e.pointer === pointer), `${name}: names ${pointer} (${JSON.stringify(res.body.errors)})`)
  }
  t.same(await counts(agency), before, 'nothing was stored')
  t.notMatch(logs.text(), /Mahan/, 'no log line quotes the refused text')
})

t.test('numbers beyond what can be stored, forged cursors and overflowing dates are 4xx problems', async (t) => {
  const agency = await startAgency(t)
  const partner = await makePeerIdentity('peer-one')
  await agency.app.inject({ method: 'POST', url: '/v1/peers', headers: { authorization: await agency.auth('admin') }, payload: { agencyId: 'peer-one', name: 'Peer', country: 'FR', baseUrl: 'http://127.0.0.1:9', jwks: partner.jwks } })
  const feed = await agency.app.inject({ method: 'GET', url: '/v1/feed?after=99999999999999999999', headers: { authorization: await partner.auth(agency.id) } })
  t.equal(feed.statusCode, 400, 'a partner asking for the feed after a seq beyond bigint: 400')
  t.equal(feed.json().code, 'INVALID_REQUEST')
  t.match(await inject(agency, 'GET', '/v1/audit-events?afterSeq=99999999999999999999', undefined, 'auditor'), { status: 400, body: { code: 'INVALID_REQUEST' } })
  t.match(await inject(agency, 'GET', '/v1/audit-events/verification?fromSeq=-99999999999999999999', undefined, 'auditor'), { status: 400 })
  const forged = Buffer.from(JSON.stringify(['+275760-09-13T00:00:00.000Z', '------------------------------------'])).toString('base64url')
  for (const url of [`/v1/consultations?cursor=${forged}`, `/v1/divergences?cursor=${forged}`, '/v1/divergences?cursor=bm90IGpzb24', '/v1/decisions?cursor=WyJkIiwiMjAyNC0wMS0wMSIsIlx1MDAwMCIsIjAwMDAwMDAwLTAwMDAtMDAwMC0wMDAwLTAwMDAwMDAwMDAwMCJd']) {
    t.match(await inject(agency, 'GET', url, undefined, 'auditor'), { status: 400, body: { code: 'INVALID_REQUEST', errors: [{ pointer: '/querystring/cursor' }] } }, `forged cursor: ${url.split('?')[0]}`)
  }
  const far = await inject(agency, 'POST', '/v1/decisions', JSON.stringify(sampleDecision({ decisionDate: '9998-06-01' })))
  t.match(far, { status: 422, body: { code: 'DATE_OUT_OF_RANGE', errors: [{ pointer: '/body/decisionDate' }] } }, 'a denial whose review window would end after 9999')
  t.equal((await counts(agency))?.entries, 0, 'nothing was published')
})

t.test('bodies are not coerced, and Fastify\'s own refusals are problem documents', async (t) => {
  const agency = await startAgency(t)
  const asString = await inject(agency, 'POST', '/v1/decisions', JSON.stringify(sampleDecision({ items: [{ codes: [{ regime: 'uk', code: 'ML10' }], description: 'x', quantity: '4' }] })))
  t.match(asString, { status: 400, body: { code: 'INVALID_REQUEST', errors: [{ pointer: '/body/items/0/quantity' }] } }, '"4" for a number')
  const asArray = await inject(agency, 'POST', '/v1/decisions', JSON.stringify(sampleDecision({ destination: ['IR'] })))
  t.match(asArray, { status: 400, body: { code: 'INVALID_REQUEST', errors: [{ pointer: '/body/destination' }] } }, '["IR"] for a string')
  const malformed = await inject(agency, 'POST', '/v1/decisions', '{"reference": ')
  t.match(malformed, { status: 400, type: /problem\+json/, body: { code: 'INVALID_REQUEST' } }, 'malformed JSON')
  const proto = await inject(agency, 'POST', '/v1/decisions', '{"__proto__": {"admin": true}}')
  t.match(proto, { status: 400, type: /problem\+json/ }, 'a prototype key')
  const big = await inject(agency, 'POST', '/v1/decisions', JSON.stringify(sampleDecision({ endUse: 'x'.repeat(2 * 1024 * 1024) })))
  t.match(big, { status: 413, type: /problem\+json/, body: { code: 'PAYLOAD_TOO_LARGE' } })
  const text = await agency.app.inject({ method: 'POST', url: '/v1/decisions', headers: { authorization: await agency.auth('officer'), 'content-type': 'text/plain' }, payload: 'hello' })
  t.match({ status: text.statusCode, body: text.json() }, { status: 415, body: { code: 'UNSUPPORTED_MEDIA_TYPE' } })
})

/** Opens a raw connection to `agency`, writes `text` (maybe nothing), and resolves with all it received once the server closes it. */
function rawExchange (agency: TestAgency, text: string): Promise<string> {
  const port = new URL(agency.url).port
  return new Promise<string>((resolve, reject) => {
    const socket = connect(Number(port), '127.0.0.1', () => { if (text !== '') socket.write(text) })
    let data = ''
    socket.on('data', (chunk) => { data += chunk.toString() })
    socket.on('close', () => resolve(data))
    socket.on('error', reject)
  })
}

t.test('a request Node\'s parser refuses is answered with a problem document', async (t) => {
  const agency = await startAgency(t, undefined, { listen: true })
  const reply = await rawExchange(agency, 'NOT HTTP AT ALL\r\n\r\n')
  t.match(reply, /^HTTP\/1\.1 400 /)
  t.match(reply, /content-type: application\/problem\+json/i)
  t.match(reply, /"code":"INVALID_REQUEST"/)
})

t.test('a connection that sends no request, or its headers too slowly, is closed after HEADERS_TIMEOUT_MS with a 408 problem', async (t) => {
  const agency = await startAgency(t, undefined, { listen: true, env: { HEADERS_TIMEOUT_MS: '1000' } })
  for (const [what, text] of [['nothing', ''], ['half the headers', 'GET /v1/decisions HTTP/1.1\r\nHost: 127.0.0.1\r\n']] as const) {
    const reply = await rawExchange(agency, text)
    t.match(reply, /^HTTP\/1\.1 408 /, what)
    t.match(reply, /"code":"REQUEST_TIMEOUT"/, what)
  }
})

t.test('security headers on every response; no-store on authenticated JSON; the JWKS stays cacheable', async (t) => {
  const agency = await startAgency(t)
  const api = await agency.app.inject({ method: 'GET', url: '/v1/decisions', headers: { authorization: await agency.auth('officer') } })
  t.equal(api.headers['x-content-type-options'], 'nosniff')
  t.match(api.headers['content-security-policy'], /frame-ancestors 'none'/)
  t.match(api.headers['content-security-policy'], /default-src 'none'/)
  t.equal(api.headers['referrer-policy'], 'no-referrer')
  t.equal(api.headers['x-frame-options'], 'DENY')
  t.equal(api.headers['cache-control'], 'no-store')
  const refused = await agency.app.inject({ method: 'GET', url: '/v1/decisions' })
  t.equal(refused.headers['x-content-type-options'], 'nosniff', 'problems too')
  t.equal(refused.headers['cache-control'], 'no-store')
  const jwks = await agency.app.inject({ method: 'GET', url: '/.well-known/jwks.json' })
  t.equal(jwks.headers['cache-control'], 'public, max-age=60')
  const docs = await agency.app.inject({ method: 'GET', url: '/docs' })
  t.equal(docs.statusCode, 200)
  const csp = String(docs.headers['content-security-policy'])
  t.match(csp, /frame-ancestors 'none'/, '/docs may not be framed')
  t.match(csp, /script-src 'self'/, '/docs loads its own scripts')
  t.notMatch(csp, /https:|validator\.swagger\.io|upgrade-insecure-requests/, 'and nothing from elsewhere')
})

t.test('rate limits per caller and route class: 429 problem with Retry-After; another caller is not affected', async (t) => {
  const agency = await startAgency(t, undefined, { env: { RATE_LIMIT_SCREENING: '2', RATE_LIMIT_PUBLIC: '3' } })
  const screening = { applications: [application('Mahan Air')] }
  const officer = await agency.auth('officer')
  const send = async (authorization: string) => agency.app.inject({ method: 'POST', url: '/v1/screenings', headers: { authorization }, payload: screening })
  t.equal((await send(officer)).statusCode, 200)
  t.equal((await send(officer)).statusCode, 200)
  const third = await send(officer)
  t.equal(third.statusCode, 429)
  t.match(third.headers['content-type'], /application\/problem\+json/)
  t.equal(third.json().code, 'RATE_LIMITED')
  t.ok(Number(third.headers['retry-after']) >= 1, 'Retry-After says when to come back')
  const other = `Bearer ${await agency.idp.token('another-officer', ['officer'])}`
  t.equal((await send(other)).statusCode, 200, 'another officer has their own count')
  t.equal((await call(agency, 'GET', '/v1/decisions')).status, 200, 'other route classes are counted apart')
  const publicCalls = []
  for (let i = 0; i < 4; i++) publicCalls.push((await agency.app.inject({ method: 'GET', url: '/.well-known/reciprocity-agency' })).statusCode)
  t.same(publicCalls, [200, 200, 200, 429], 'anonymous callers are counted by address')
  t.equal((await agency.app.inject({ method: 'GET', url: '/health/ready' })).statusCode, 200, 'health checks are never limited')
})

t.test('/metrics can be protected by a bearer token', async (t) => {
  const agency = await startAgency(t, undefined, { env: { METRICS_TOKEN: 'a-long-metrics-token-for-tests' } })
  t.equal((await agency.app.inject({ method: 'GET', url: '/metrics' })).statusCode, 401)
  t.equal((await agency.app.inject({ method: 'GET', url: '/metrics', headers: { authorization: 'Bearer wrong-token-of-some-length' } })).statusCode, 401)
  t.equal((await agency.app.inject({ method: 'GET', url: '/metrics', headers: { authorization: 'Bearer a-long-metrics-token-for-tests' } })).statusCode, 200)
})

t.test('with every connection of the main pool taken, health, the JWKS, the feed head and a partner\'s feed answer from the reserved pool; the rest is 503 DATABASE_BUSY with Retry-After', async (t) => {
  const agency = await startAgency(t)
  const peer = await makePeerIdentity('fr-sbdu')
  await enrol(agency, peer)
  // the same agency served by an app with one main connection (held) and one reserved
  const { app, reserved, release } = await appWithMainPoolHeld(t, agency)
  t.ok(reserved, 'a reserved pool is made when DATABASE_URL is set')

  t.equal((await app.inject({ url: '/health/ready' })).statusCode, 200, 'ready')
  t.equal((await app.inject({ url: '/.well-known/jwks.json' })).statusCode, 200, 'JWKS')
  t.equal((await app.inject({ url: '/v1/feed/head', headers: { authorization: await peer.auth(agency.id) } })).statusCode, 200, 'feed head, partner authenticated')
  t.equal((await app.inject({ url: '/v1/feed', headers: { authorization: await peer.auth(agency.id) } })).statusCode, 200, 'feed page')
  const busy = await app.inject({ url: '/v1/decisions', headers: { authorization: await agency.auth('officer') } })
  t.equal(busy.statusCode, 503)
  t.match(busy.json(), { code: 'DATABASE_BUSY' })
  t.match(String(busy.headers['retry-after']), /^\d+$/)

  await release()
  t.equal((await app.inject({ url: '/v1/decisions', headers: { authorization: await agency.auth('officer') } })).statusCode, 200, 'answers again once a connection is free')
})
