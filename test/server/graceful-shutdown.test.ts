import { randomBytes } from 'node:crypto'
import { mkdtemp, rm } from 'node:fs/promises'
import { request } from 'node:http'
import { connect } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import t from 'tap'
import { loadConfig } from '../../src/config.js'
import { systemClock } from '../../src/lib/clock.js'
import { issueLocalUserToken } from '../../src/signing/index.js'
import { makePeerIdentity } from '../helpers/agency.js'
import { startServer } from '../helpers/processes.js'
import { createEmptyDatabase } from '../helpers/test-database.js'
import { until } from '../helpers/until.js'

/** 'connected', or the error code of a refused or failed TCP connection. */
function tryConnect (port: number): Promise<string> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1')
    socket.once('connect', () => { socket.destroy(); resolve('connected') })
    socket.once('error', (err: NodeJS.ErrnoException) => resolve(err.code ?? 'error'))
  })
}

t.test('SIGTERM lets an in-flight request finish, refuses new connections, and exits 0', async (t) => {
  const dataDir = await mkdtemp(join(tmpdir(), 'reciprocity-shutdown-'))
  t.teardown(() => rm(dataDir, { recursive: true, force: true }))
  const env = {
    AGENCY_ID: 'uk-ecju',
    DATABASE_URL: await createEmptyDatabase(t),
    DATA_DIR: dataDir,
    KEY_ENCRYPTION_KEY: randomBytes(32).toString('base64url'),
    // the test holds the request open until it has seen the listener close, however long a busy machine takes
    SHUTDOWN_GRACE_MS: '600000'
  }
  const server = await startServer(t, env)
  const port = Number(new URL(server.url).port)
  const config = loadConfig(env)
  const token = await issueLocalUserToken(config.dataDir, config.idp, { subject: 'ada', roles: ['admin'] }, systemClock)
  const peer = await makePeerIdentity('fr-sbdu')
  const body = Buffer.from(JSON.stringify({ agencyId: 'fr-sbdu', name: 'SBDU', country: 'FR', baseUrl: 'https://sbdu.example', jwks: peer.jwks }))

  // a POST whose body arrives in two parts, with the SIGTERM in between
  const req = request({
    host: '127.0.0.1',
    port,
    method: 'POST',
    path: '/v1/peers',
    agent: false,
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', 'content-length': body.length }
  })
  const response = new Promise<{ status: number | undefined, body: string }>((resolve, reject) => {
    req.once('response', (res) => {
      let text = ''
      res.setEncoding('utf8').on('data', (chunk: string) => { text += chunk })
      res.once('end', () => resolve({ status: res.statusCode, body: text }))
      res.once('error', reject)
    })
    req.once('error', reject)
  })
  const half = Math.floor(body.length / 2)
  req.write(body.subarray(0, half))
  await server.line(/"url":"\/v1\/peers".*"msg":"incoming request"/) // the server has it, and waits for the rest of the body

  server.child.kill('SIGTERM')
  await server.line(/"msg":"shutting down/)
  await until(async () => await tryConnect(port) === 'ECONNREFUSED')
  t.pass('new connections are refused while the request is in flight')
  t.equal(server.child.exitCode, null, 'the process waits for the in-flight request')

  req.end(body.subarray(half))
  const res = await response
  t.equal(res.status, 201, 'the in-flight request got its full response')
  t.match(JSON.parse(res.body), { agencyId: 'fr-sbdu', status: 'active' })

  t.equal(await server.exited, 0, 'the process exits 0')
  t.match(server.stdout(), /"msg":"stopped"/)
})
