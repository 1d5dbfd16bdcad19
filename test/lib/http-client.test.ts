import t from 'tap'
import { HttpFailure, sendHttpRequest, type HttpRequest } from '../../src/lib/http-client.js'
import { isPrivateAddress } from '../../src/lib/outbound-address.js'
import { startHostileServer, unconnectablePort } from '../helpers/hostile-server.js'

// Only 127.0.0.1 and ::1 are ever contacted. The other private addresses below are refused before
// any connection is attempted, which is what these tests assert.

const LIMITS = { connectTimeoutMs: 5_000, responseTimeoutMs: 10_000, maxBytes: 64 * 1024 }
const allow: HttpRequest = { method: 'GET', limits: LIMITS, privateAddresses: 'allow' }
const refuse: HttpRequest = { ...allow, privateAddresses: 'refuse' }

async function failure (promise: Promise<unknown>): Promise<HttpFailure> {
  const err = await promise.then(() => undefined, (e: unknown) => e)
  if (!(err instanceof HttpFailure)) throw new Error(`expected an HttpFailure, got ${String(err)}`)
  return err
}

t.test('isPrivateAddress: loopback, link-local, private, CGNAT, unspecified and their IPv4-mapped forms', async (t) => {
  const refused = ['127.0.0.1', '127.255.0.9', '10.0.0.1', '172.16.0.1', '172.31.255.254', '192.168.1.1', '169.254.169.254', '100.64.0.1', '100.127.255.254',
    '0.0.0.0', '0.1.2.3', '::', '::1', 'fe80::1', 'fc00::1', 'fd12:3456::1', '::ffff:127.0.0.1', '::ffff:7f00:1', '::ffff:10.1.2.3', '::ffff:169.254.169.254',
    '::127.0.0.1', 'localhost', 'not-an-address']
  const allowed = ['8.8.8.8', '1.1.1.1', '100.63.255.255', '100.128.0.0', '172.15.255.255', '172.32.0.1', '192.169.0.1', '169.255.0.1', '11.0.0.1',
    '2001:4860:4860::8888', '2a00:1450::1', '::ffff:8.8.8.8', 'fec0::1']
  for (const address of refused) t.ok(isPrivateAddress(address), `${address} is refused`)
  for (const address of allowed) t.notOk(isPrivateAddress(address), `${address} is public`)
})

t.test('a POST carries its method, headers and body; the answer comes back whole', async (t) => {
  const server = await startHostileServer(t, { status: 202, body: '{"ok":true}' })
  const response = await sendHttpRequest(`${server.url}/v1/inbox`, { ...allow, method: 'POST', headers: { 'content-type': 'application/json', 'x-test': 'yes' }, body: '{"jws":"é"}' })
  t.match(response, { status: 202, body: '{"ok":true}' })
  t.same(server.requests, [{ method: 'POST', url: '/v1/inbox', body: '{"jws":"é"}' }])
})

t.test('the byte cap is enforced while the body streams in', async (t) => {
  t.test('a body that never ends is cut at the cap', async (t) => {
    const server = await startHostileServer(t, 'endless')
    const err = await failure(sendHttpRequest(server.url, allow))
    t.equal(err.kind, 'TOO_LARGE')
    await server.cut()
    t.pass('the server saw its response cut off')
  })
  t.test('a declared Content-Length over the cap is refused before the body is read', async (t) => {
    const server = await startHostileServer(t, 'huge-length')
    const err = await failure(sendHttpRequest(server.url, allow))
    t.equal(err.kind, 'TOO_LARGE')
    t.match(err.message, /10737418240 bytes/)
    await server.cut()
  })
})

t.test('a server that dribbles its answer hits the whole-response timeout', async (t) => {
  const server = await startHostileServer(t, 'dribble')
  const err = await failure(sendHttpRequest(server.url, { ...allow, limits: { ...LIMITS, responseTimeoutMs: 300 } }))
  t.equal(err.kind, 'RESPONSE_TIMEOUT')
  await server.cut()
})

t.test('a connection that is never established hits the connect timeout', async (t) => {
  const port = await unconnectablePort(t)
  const err = await failure(sendHttpRequest(`http://127.0.0.1:${port}/`, { ...allow, limits: { ...LIMITS, connectTimeoutMs: 200, responseTimeoutMs: 5_000 } }))
  t.equal(err.kind, 'CONNECT_TIMEOUT')
})

t.test('an abort ends the request at once', async (t) => {
  const server = await startHostileServer(t, 'dribble')
  const stop = new AbortController()
  const pending = failure(sendHttpRequest(server.url, { ...allow, signal: stop.signal }))
  await server.requested()
  stop.abort()
  t.equal((await pending).kind, 'ABORTED')
  await server.cut()
})

t.test('only http and https URLs are requested, under either policy', async (t) => {
  for (const url of ['file:///etc/passwd', 'ftp://127.0.0.1/keys.json', 'javascript:alert(1)', 'gopher://127.0.0.1:70/', 'http://user:secret@127.0.0.1/', 'not a url']) {
    for (const request of [allow, refuse]) {
      const err = await failure(sendHttpRequest(url, request))
      t.equal(err.kind, 'URL_REFUSED', `${url} (${request.privateAddresses})`)
    }
  }
})

t.test('refuse: private addresses are refused before any connection is made', async (t) => {
  const server = await startHostileServer(t, { status: 200, body: '{"keys":[]}' })
  const port = server.port
  const refused = [
    `http://127.0.0.1:${port}/`,
    `http://[::1]:${port}/`,
    `http://localhost:${port}/`, // a name that resolves to loopback: checked on the address DNS returns
    `http://[::ffff:127.0.0.1]:${port}/`,
    `http://2130706433:${port}/`, // 127.0.0.1 written as one number
    `http://0.0.0.0:${port}/`,
    `http://[::]:${port}/`,
    `https://10.1.2.3:${port}/`,
    `http://169.254.169.254:${port}/latest/meta-data/`,
    `http://100.64.0.1:${port}/`,
    `http://192.168.0.1:${port}/`,
    `http://[fd00::1]:${port}/`,
    `http://[fe80::1]:${port}/`
  ]
  for (const url of refused) {
    const err = await failure(sendHttpRequest(url, refuse))
    t.equal(err.kind, 'ADDRESS_REFUSED', url)
  }
  t.equal(server.connections, 0, 'the server never got a connection')

  const allowed = await sendHttpRequest(`http://localhost:${port}/`, allow)
  t.equal(allowed.status, 200, 'allow reaches the same server by the same name')
  t.equal(server.connections, 1)
  const again = await failure(sendHttpRequest(`http://localhost:${port}/`, refuse))
  t.equal(again.kind, 'ADDRESS_REFUSED', 'a kept-alive connection made under allow is not reused under refuse')
  t.equal(server.requests.length, 1, 'and the server got no second request')
})
