import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { createSecretKey } from 'node:crypto'
import { SignJWT, UnsecuredJWT } from 'jose'
import t from 'tap'
import { fixedClock } from '../../src/lib/clock.js'
import type { Jwks } from '../../src/signing/index.js'
import { enrol, makePeerIdentity, startAgency, type TestAgency } from '../helpers/agency.js'

const feedHead = (agency: TestAgency, authorization: string) =>
  agency.app.inject({ method: 'GET', url: '/v1/feed/head', headers: { authorization } })

t.test('an enrolled, active peer reads the feed with a fresh partner token', async (t) => {
  const agency = await startAgency(t)
  const peer = await makePeerIdentity('fr-sbdu')
  await enrol(agency, peer)
  const res = await feedHead(agency, await peer.auth(agency.id))
  t.equal(res.statusCode, 200)
})

t.test('partner tokens that must be refused', async (t) => {
  const agency = await startAgency(t)
  const peer = await makePeerIdentity('de-bafa')
  await enrol(agency, peer)

  t.test('a replayed token (same jti) is refused the second time', async (t) => {
    const authorization = await peer.auth(agency.id)
    t.equal((await feedHead(agency, authorization)).statusCode, 200)
    const again = await feedHead(agency, authorization)
    t.match(again.json(), { status: 401, code: 'TOKEN_REPLAYED' })
  })

  t.test('an expired token is refused', async (t) => {
    const past = fixedClock(new Date(Date.now() - 10 * 60_000))
    const res = await feedHead(agency, await peer.auth(agency.id, past, 60))
    t.match(res.json(), { status: 401, code: 'TOKEN_EXPIRED' })
  })

  t.test('a token valid for more than five minutes is refused', async (t) => {
    const res = await feedHead(agency, await peer.auth(agency.id, undefined, 3600))
    t.match(res.json(), { status: 401, code: 'TOKEN_LIFETIME_TOO_LONG' })
  })

  t.test('a token for another audience is refused', async (t) => {
    const res = await feedHead(agency, await peer.auth('someone-else'))
    t.match(res.json(), { status: 401, code: 'TOKEN_INVALID' })
  })

  t.test('alg none is refused', async (t) => {
    const now = Math.floor(Date.now() / 1000)
    const token = new UnsecuredJWT({ jti: crypto.randomUUID() }).setIssuer(peer.agencyId).setSubject(peer.agencyId)
      .setAudience(agency.id).setIssuedAt(now).setExpirationTime(now + 60).encode()
    const res = await feedHead(agency, `Bearer ${token}`)
    t.match(res.json(), { status: 401, code: 'TOKEN_INVALID' })
  })

  t.test('HS256 signed with the peer\'s enrolled public key as the secret is refused', async (t) => {
    const now = Math.floor(Date.now() / 1000)
    const x = peer.jwks.keys[0]?.x as string
    for (const secret of [Buffer.from(x, 'base64url'), Buffer.from(x), Buffer.from(JSON.stringify(peer.jwks.keys[0]))]) {
      const token = await new SignJWT({ jti: crypto.randomUUID() }).setProtectedHeader({ alg: 'HS256', kid: peer.jwks.keys[0]?.kid })
        .setIssuer(peer.agencyId).setSubject(peer.agencyId).setAudience(agency.id).setIssuedAt(now).setExpirationTime(now + 60)
        .sign(createSecretKey(secret))
      const res = await feedHead(agency, `Bearer ${token}`)
      t.match(res.json(), { status: 401, code: 'TOKEN_INVALID' })
    }
  })

  t.test('a token whose sub differs from iss is refused', async (t) => {
    const now = Math.floor(Date.now() / 1000)
    const token = await new SignJWT({ jti: crypto.randomUUID() }).setProtectedHeader({ alg: 'EdDSA', kid: peer.signingKey.kid })
      .setIssuer(peer.agencyId).setSubject('someone').setAudience(agency.id).setIssuedAt(now).setExpirationTime(now + 60)
      .sign(peer.signingKey.privateKey)
    t.match((await feedHead(agency, `Bearer ${token}`)).json(), { status: 401, code: 'TOKEN_INVALID' })
  })

  t.test('a token without jti is refused', async (t) => {
    const now = Math.floor(Date.now() / 1000)
    const token = await new SignJWT({}).setProtectedHeader({ alg: 'EdDSA', kid: peer.signingKey.kid })
      .setIssuer(peer.agencyId).setSubject(peer.agencyId).setAudience(agency.id).setIssuedAt(now).setExpirationTime(now + 60)
      .sign(peer.signingKey.privateKey)
    t.match((await feedHead(agency, `Bearer ${token}`)).json(), { status: 401, code: 'TOKEN_INVALID' })
  })

  t.test('a token signed by another key under the peer\'s name is refused', async (t) => {
    const impostor = await makePeerIdentity(peer.agencyId)
    t.match((await feedHead(agency, await impostor.auth(agency.id))).json(), { status: 401, code: 'TOKEN_INVALID' })
  })

  t.test('garbage in the Authorization header is refused', async (t) => {
    t.match((await feedHead(agency, 'Bearer not.a.token')).json(), { status: 401, code: 'TOKEN_INVALID' })
    t.match((await feedHead(agency, 'Basic abc')).json(), { status: 401, code: 'UNAUTHENTICATED' })
  })
})

t.test('only enrolled, active peers are let in', async (t) => {
  const agency = await startAgency(t)
  const stranger = await makePeerIdentity('stranger')
  t.match((await feedHead(agency, await stranger.auth(agency.id))).json(), { status: 403, code: 'PEER_NOT_ENROLLED' })

  const peer = await makePeerIdentity('nl-cdiu')
  await enrol(agency, peer)
  const disable = await agency.app.inject({
    method: 'PATCH', url: `/v1/peers/${peer.agencyId}`, headers: { authorization: await agency.auth('admin') }, payload: { status: 'disabled', reason: 'suspended by treaty review' }
  })
  t.match(disable.json(), { status: 'disabled', statusReason: 'suspended by treaty review' })
  t.match((await feedHead(agency, await peer.auth(agency.id))).json(), { status: 403, code: 'PEER_INACTIVE' })
  await agency.app.inject({ method: 'PATCH', url: `/v1/peers/${peer.agencyId}`, headers: { authorization: await agency.auth('admin') }, payload: { status: 'active' } })
  t.equal((await feedHead(agency, await peer.auth(agency.id))).statusCode, 200)
})

t.test('a peer enrolled by JWKS URL: keys fetched at enrolment, refreshed once on an unknown kid', async (t) => {
  const first = await makePeerIdentity('it-uama')
  const second = await makePeerIdentity('it-uama')
  let served: Jwks = first.jwks
  let fetches = 0
  const server = createServer((_req, res) => {
    fetches += 1
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(served))
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  t.teardown(() => new Promise<void>((resolve) => server.close(() => resolve())))
  const jwksUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/.well-known/jwks.json`

  const clock = fixedClock(new Date())
  const agency = await startAgency(t, undefined, { clock })
  const enrolled = await agency.app.inject({
    method: 'POST',
    url: '/v1/peers',
    headers: { authorization: await agency.auth('admin') },
    payload: { agencyId: 'it-uama', name: 'UAMA', country: 'IT', baseUrl: 'http://127.0.0.1:9/', jwksUrl }
  })
  t.equal(enrolled.statusCode, 201)
  t.same(enrolled.json().keyIds, [first.jwks.keys[0]?.kid])
  t.equal(enrolled.json().baseUrl, 'http://127.0.0.1:9', 'trailing slash trimmed')
  t.equal(fetches, 1)
  t.equal((await feedHead(agency, await first.auth(agency.id, clock))).statusCode, 200)

  served = { keys: [...first.jwks.keys, ...second.jwks.keys] }
  t.equal((await feedHead(agency, await second.auth(agency.id, clock))).statusCode, 401, 'within the cooldown after enrolment: not refreshed yet')
  t.equal(fetches, 1)
  clock.advance(61_000)
  t.equal((await feedHead(agency, await second.auth(agency.id, clock))).statusCode, 200, 'after the cooldown the unknown kid triggers one refresh')
  t.equal(fetches, 2)
  const third = await makePeerIdentity('it-uama')
  t.equal((await feedHead(agency, await third.auth(agency.id, clock))).statusCode, 401)
  t.equal(fetches, 2, 'a second unknown kid inside the cooldown does not refetch')
})

t.test('enrolment refuses bad input with problems that say what is wrong', async (t) => {
  const agency = await startAgency(t)
  const admin = await agency.auth('admin')
  const post = (payload: unknown) => agency.app.inject({ method: 'POST', url: '/v1/peers', headers: { authorization: admin }, payload: payload as object })
  const peer = await makePeerIdentity('es-sgcomex')
  const base = { agencyId: 'es-sgcomex', name: 'SG Comex', country: 'ES', baseUrl: 'http://127.0.0.1:9' }

  t.match((await post(base)).json(), { status: 400, code: 'INVALID_REQUEST', errors: [{ pointer: '/body/jwks' }] }, 'keys or a JWKS URL are required')
  t.match((await post({ ...base, jwks: { keys: [{ ...peer.jwks.keys[0], d: 'secret' }] } })).json(), { status: 400, errors: [{ pointer: '/body/jwks/keys/0/d' }] }, 'a private key is refused')
  t.match((await post({ ...base, country: 'Spain', jwks: peer.jwks })).json(), { status: 400, errors: [{ pointer: '/body/country' }] })
  t.match((await post({ ...base, jwksUrl: 'http://127.0.0.1:9/jwks.json' })).json(), { status: 502, code: 'PEER_KEYS_UNAVAILABLE' })
  t.equal((await post({ ...base, jwks: peer.jwks })).statusCode, 201)
  t.match((await post({ ...base, jwks: peer.jwks })).json(), { status: 409, code: 'PEER_EXISTS' })
  t.match((await agency.app.inject({ method: 'GET', url: '/v1/peers/nobody', headers: { authorization: admin } })).json(), { status: 404, code: 'PEER_NOT_FOUND' })
})
