import t from 'tap'
import { enrol, makePeerIdentity, startAgency } from '../helpers/agency.js'
import { captureLogs } from '../helpers/capture-logs.js'

const JWT_OR_JWS = /eyJ[\w-]+\.[\w-]+/

t.test('no token, signature or private key reaches the logs', async (t) => {
  const logs = captureLogs('trace')
  const agency = await startAgency(t, undefined, { logger: logs.logger })
  const admin = await agency.auth('admin')
  const peer = await makePeerIdentity('fr-sbdu')

  await enrol(agency, peer)
  t.equal((await agency.app.inject({ method: 'POST', url: '/v1/keys/rotate', headers: { authorization: admin } })).statusCode, 201)
  t.equal((await agency.app.inject({ url: '/v1/keys', headers: { authorization: admin } })).statusCode, 200)
  t.equal((await agency.app.inject({ url: '/v1/peers', headers: { authorization: admin } })).statusCode, 200)
  t.equal((await agency.app.inject({ url: '/v1/feed/head', headers: { authorization: await peer.auth(agency.id) } })).statusCode, 200)
  t.equal((await agency.app.inject({ url: '/v1/feed', headers: { authorization: await peer.auth(agency.id) } })).statusCode, 200)

  const replayed = await peer.auth(agency.id)
  await agency.app.inject({ url: '/v1/feed', headers: { authorization: replayed } })
  t.equal((await agency.app.inject({ url: '/v1/feed', headers: { authorization: replayed } })).statusCode, 401, 'a replay is refused')
  const expired = `Bearer ${await agency.idp.token('late', ['admin'], { lifetimeSeconds: -120 })}`
  t.equal((await agency.app.inject({ url: '/v1/keys', headers: { authorization: expired } })).statusCode, 401)
  const tampered = `${admin.slice(0, -4)}AAAA`
  t.equal((await agency.app.inject({ url: '/v1/keys', headers: { authorization: tampered } })).statusCode, 401)
  t.equal((await agency.app.inject({ url: '/v1/feed', headers: { authorization: admin } })).statusCode, 401, 'a user token on a partner route is not a verified partner token')

  const lines = logs.lines
  t.ok(lines.some((l) => l.msg === 'incoming request'), 'requests were logged (the check below is not vacuous)')
  t.ok(lines.some((l) => l.msg === 'signing key rotated'), 'the rotation was logged')
  t.ok(lines.some((l) => l.msg === 'peer enrolled'), 'the enrolment was logged')
  t.ok(lines.some((l) => l.code === 'TOKEN_REPLAYED'), 'refusals are logged with their code')
  const text = logs.text()
  t.notMatch(text, JWT_OR_JWS, 'no JWT or JWS in the logs')
  t.notMatch(text, /"d":/, 'no private JWK member in the logs')
  const kek = agency.config.keyEncryptionKey
  if ('value' in kek) t.notOk(text.includes(kek.value), 'the key-encryption key is not logged')
})

t.test('the authorization header, tokens and keys are redacted when something logs them', async (t) => {
  const logs = captureLogs('info')
  const agency = await startAgency(t, undefined, { logger: logs.logger })
  const token = (await agency.auth('admin')).slice('Bearer '.length)
  agency.app.log.info({ req: { method: 'GET', url: '/v1/keys', headers: { authorization: `Bearer ${token}`, cookie: 'sid=1' } } }, 'request with headers')
  agency.app.log.info({ headers: { authorization: `Bearer ${token}` } }, 'bare headers')
  agency.app.log.info({ entry: { jws: token }, peer: { token }, key: { privateJwk: { d: 'secret' }, d: 'secret' } }, 'careless fields')
  const [withHeaders, bare, careless] = logs.lines.filter((l) => ['request with headers', 'bare headers', 'careless fields'].includes(l.msg as string))
  // Fastify's req serializer keeps method and url only; were headers kept, redaction would censor them
  const kept = (withHeaders?.req as { headers?: Record<string, unknown> } | undefined)?.headers
  t.ok(kept === undefined || (kept.authorization === '[redacted]' && kept.cookie === '[redacted]'), 'request headers are dropped or redacted')
  t.match(bare, { headers: { authorization: '[redacted]' } })
  t.match(careless, { entry: { jws: '[redacted]' }, peer: { token: '[redacted]' }, key: { privateJwk: '[redacted]', d: '[redacted]' } })
  t.notMatch(logs.text(), JWT_OR_JWS)
  t.notMatch(logs.text(), /secret/)
})

t.test('search terms (a party\'s name) do not reach the logs through the request URL', async (t) => {
  const logs = captureLogs('info')
  const agency = await startAgency(t, undefined, { logger: logs.logger })
  const res = await agency.app.inject({ url: '/v1/decisions?party=Mahan%20Air&outcome=denied', headers: { authorization: await agency.auth('officer') } })
  t.equal(res.statusCode, 200)
  const incoming = logs.lines.find((l) => l.msg === 'incoming request')
  t.match(incoming, { req: { method: 'GET', url: '/v1/decisions', queryParameters: ['party', 'outcome'] } }, 'the path and the parameter names are logged')
  t.notMatch(logs.text(), /Mahan/i, 'the searched name is not')
})
