import t from 'tap'
import { systemClock } from '../../src/lib/clock.js'
import { AppError } from '../../src/lib/errors.js'
import { enrolPeer } from '../../src/use-cases/index.js'
import { makePeerIdentity, startAgency, type TestAgency } from '../helpers/agency.js'
import { captureLogs } from '../helpers/capture-logs.js'
import { closedPort, startHostileServer } from '../helpers/hostile-server.js'

// Every server here listens on 127.0.0.1; private addresses other than loopback appear only where
// they are refused before any connection is attempted.

async function enrolWith (agency: TestAgency, urls: { baseUrl?: string, jwksUrl?: string }, agencyId = `p-${Math.random().toString(36).slice(2, 8)}`) {
  const res = await agency.app.inject({
    method: 'POST',
    url: '/v1/peers',
    headers: { authorization: await agency.auth('admin') },
    payload: { agencyId, name: 'Peer', country: 'FR', baseUrl: urls.baseUrl ?? 'http://127.0.0.1:9', jwksUrl: urls.jwksUrl }
  })
  return { status: res.statusCode, body: res.json() as { code: string, detail: string, errors?: Array<{ pointer: string }> } }
}

t.test('the JWKS fetch is bounded while the body streams in', async (t) => {
  const agency = await startAgency(t)
  for (const hostility of ['endless', 'huge-length'] as const) {
    const server = await startHostileServer(t, hostility)
    const res = await enrolWith(agency, { jwksUrl: `${server.url}/.well-known/jwks.json` })
    t.match(res, { status: 422, body: { code: 'PEER_KEYS_UNAVAILABLE', detail: /could not fetch the JWKS$/ } }, hostility)
    await server.cut()
    t.pass(`${hostility}: the server saw its response cut off`)
  }
})

t.test('a JWKS that cannot be fetched reads the same whatever answered, and never names the port or the system error', async (t) => {
  const logs = captureLogs('warn')
  const agency = await startAgency(t, undefined, { logger: logs.logger })
  const port = await closedPort()
  const notFound = await startHostileServer(t, { status: 404, body: '<html>nginx</html>' })
  const notJson = await startHostileServer(t, { status: 200, body: '<html>admin console</html>' })
  const privateKey = await startHostileServer(t, { status: 200, body: JSON.stringify({ keys: [{ kty: 'OKP', crv: 'Ed25519', x: 'AAAA', d: 'BBBB' }] }) })
  const endless = await startHostileServer(t, 'endless')
  const details = new Set<string>()
  for (const url of [`http://127.0.0.1:${port}/jwks.json`, `${notFound.url}/jwks.json`, `${notJson.url}/jwks.json`, `${privateKey.url}/jwks.json`, `${endless.url}/jwks.json`]) {
    const res = await enrolWith(agency, { jwksUrl: url }, 'same-peer')
    t.match(res, { status: 422, body: { code: 'PEER_KEYS_UNAVAILABLE' } }, url)
    t.notMatch(res.body.detail, /ECONNREFUSED|ECONNRESET|ETIMEDOUT|refused|timed? ?out|404|not JSON|private key|\d{4,5}/i, `${url}: nothing about what answered`)
    details.add(res.body.detail)
  }
  t.same([...details], ['keys of peer "same-peer" could not be obtained: could not fetch the JWKS'], 'one answer for all of them')
  t.equal((await agency.db.selectFrom('peers').select('agency_id').where('agency_id', '=', 'same-peer').execute()).length, 0, 'nothing was enrolled')
  const causes = logs.lines.filter((l) => l.msg === 'the JWKS of a peer being enrolled could not be fetched')
  t.equal(causes.length, 5, 'the operator\'s log has each cause')
  t.match(JSON.stringify(causes), new RegExp(`ECONNREFUSED 127\\.0\\.0\\.1:${port}`), 'the refused connection, for one')
  t.match(JSON.stringify(causes), /answered 404/, 'the error status, for another')
})

t.test('OUTBOUND_PRIVATE_ADDRESSES=refuse: a JWKS URL on a private address is refused before connecting', async (t) => {
  const agency = await startAgency(t, undefined, { env: { OUTBOUND_PRIVATE_ADDRESSES: 'refuse' } })
  const server = await startHostileServer(t, { status: 200, body: JSON.stringify({ keys: [] }) })
  for (const jwksUrl of [`${server.url}/jwks.json`, `http://localhost:${server.port}/jwks.json`, `http://[::1]:${server.port}/jwks.json`, `http://10.0.0.7:${server.port}/jwks.json`, `http://169.254.169.254:${server.port}/jwks.json`]) {
    const res = await enrolWith(agency, { jwksUrl })
    t.match(res, { status: 422, body: { code: 'PEER_KEYS_UNAVAILABLE', detail: /could not fetch the JWKS: its address is private/ } }, jwksUrl)
    t.notMatch(res.body.detail, String(server.port), 'the port is not repeated')
  }
  t.equal(server.connections, 0, 'the server never got a connection')
})

t.test('enrolment takes http(s) URLs only, and names the field it refuses', async (t) => {
  const agency = await startAgency(t)
  const server = await startHostileServer(t, { status: 200, body: JSON.stringify({ keys: [] }) })
  for (const [urls, field] of [
    [{ baseUrl: 'ftp://127.0.0.1/' }, 'baseUrl'],
    [{ baseUrl: 'javascript:alert(1)' }, 'baseUrl'],
    [{ jwksUrl: 'file:///etc/passwd' }, 'jwksUrl']
  ] as const) {
    const res = await enrolWith(agency, { jwksUrl: `${server.url}/jwks.json`, ...urls })
    t.match(res, { status: 400, body: { code: 'INVALID_REQUEST', errors: [{ pointer: `/body/${field}` }] } }, `${JSON.stringify(urls)}: the schema refuses it`)
  }
  for (const [urls, field, why] of [
    [{ baseUrl: `http://admin:secret@127.0.0.1:${server.port}` }, 'baseUrl', /credentials/],
    [{ baseUrl: `${server.url}/?x=` }, 'baseUrl', /query or fragment/],
    [{ jwksUrl: `http://admin:secret@127.0.0.1:${server.port}/jwks.json` }, 'jwksUrl', /credentials/],
    [{ jwksUrl: 'http://[zz]/jwks.json' }, 'jwksUrl', /not an absolute URL/]
  ] as const) {
    const res = await enrolWith(agency, { jwksUrl: `${server.url}/jwks.json`, ...urls })
    t.match(res, { status: 422, body: { code: 'URL_NOT_ALLOWED', detail: why, errors: [{ pointer: `/body/${field}` }] } }, JSON.stringify(urls))
  }
  t.equal(server.connections, 0, 'no refused enrolment fetched anything')

  const peer = await makePeerIdentity('cli-peer')
  for (const [input, field] of [
    [{ baseUrl: 'ftp://127.0.0.1/', jwks: peer.jwks }, 'baseUrl'],
    [{ baseUrl: 'http://127.0.0.1:9', jwksUrl: 'javascript:alert(1)' }, 'jwksUrl']
  ] as const) {
    const err = await enrolPeer({ db: agency.db, config: agency.config, clock: systemClock }, 'cli:test', { agencyId: 'cli-peer', name: 'Peer', country: 'FR', ...input }).catch((e: unknown) => e)
    t.ok(err instanceof AppError)
    t.match(err, { code: 'URL_NOT_ALLOWED', status: 422, message: `${field} has the scheme`, details: [{ pointer: `/body/${field}` }] }, `enrolPeer itself (the CLI, the demo) refuses ${field}`)
  }
})
