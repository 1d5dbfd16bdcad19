import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { createSecretKey, randomUUID, type KeyObject } from 'node:crypto'
import { CompactSign, SignJWT, UnsecuredJWT, type CompactJWSHeaderParameters } from 'jose'
import t from 'tap'
import { fixedClock } from '../../src/lib/clock.js'
import type { Jwks } from '../../src/signing/index.js'
import { enrol, makePeerIdentity, startAgency, type TestAgency } from '../helpers/agency.js'

const feedHead = (agency: TestAgency, authorization: string) =>
  agency.app.inject({ method: 'GET', url: '/v1/feed/head', headers: { authorization } })

/** The one answer for a token whose signature does not verify, whoever it names. */
const NOT_VERIFIED = /^token rejected: it is not signed by a key enrolled for its issuer$/

const claimsFor = (issuer: string, audience: string, now = Math.floor(Date.now() / 1000)): Record<string, unknown> =>
  ({ iss: issuer, sub: issuer, aud: audience, iat: now, exp: now + 60, jti: randomUUID() })

/** A JWS over exactly these claims and header, so that a test can send what a careful signer would not. */
const rawToken = (key: { kid: string, privateKey: KeyObject }, claims: Record<string, unknown>, header: Record<string, unknown> = { alg: 'EdDSA', kid: key.kid, typ: 'JWT' }) =>
  new CompactSign(Buffer.from(JSON.stringify(claims))).setProtectedHeader(header as CompactJWSHeaderParameters).sign(key.privateKey)

const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url')
const unsigned = (claims: Record<string, unknown>) => `${b64({ alg: 'none' })}.${b64(claims)}.`
const tamper = (token: string, claims: Record<string, unknown>) => {
  const [header, , signature] = token.split('.')
  return `${header}.${b64(claims)}.${signature}`
}

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

t.test('only enrolled, active peers are let in; a disabled peer is told so only once its signature verifies', async (t) => {
  const agency = await startAgency(t)
  const stranger = await makePeerIdentity('stranger')
  t.match((await feedHead(agency, await stranger.auth(agency.id))).json(), { status: 401, code: 'TOKEN_INVALID', detail: NOT_VERIFIED })

  const peer = await makePeerIdentity('nl-cdiu')
  await enrol(agency, peer)
  const disable = await agency.app.inject({
    method: 'PATCH', url: `/v1/peers/${peer.agencyId}`, headers: { authorization: await agency.auth('admin') }, payload: { status: 'disabled', reason: 'suspended by treaty review' }
  })
  t.match(disable.json(), { status: 'disabled', statusReason: 'suspended by treaty review' })
  t.match((await feedHead(agency, await peer.auth(agency.id))).json(), { status: 403, code: 'PEER_INACTIVE' })
  const jtis = await agency.db.selectFrom('partner_token_jtis').select('jti').where('issuer', '=', peer.agencyId).execute()
  t.same(jtis, [], 'a disabled peer\'s token leaves no jti behind')
  await agency.app.inject({ method: 'PATCH', url: `/v1/peers/${peer.agencyId}`, headers: { authorization: await agency.auth('admin') }, payload: { status: 'active' } })
  t.equal((await feedHead(agency, await peer.auth(agency.id))).statusCode, 200)
})

t.test('until the signature verifies, an unknown issuer, a disabled peer and an active one get the same answer', async (t) => {
  const agency = await startAgency(t)
  const active = await makePeerIdentity('pl-dkce')
  const disabled = await makePeerIdentity('cz-lic')
  await enrol(agency, active)
  await enrol(agency, disabled)
  const patched = await agency.app.inject({
    method: 'PATCH', url: `/v1/peers/${disabled.agencyId}`, headers: { authorization: await agency.auth('admin') }, payload: { status: 'disabled', reason: 'treaty review' }
  })
  t.equal(patched.statusCode, 200)
  const stranger = await makePeerIdentity('xx-nobody')
  const impostor = await makePeerIdentity('impostor')

  const forged: Array<[string, string]> = []
  for (const named of [active, disabled, stranger]) {
    const claims = claimsFor(named.agencyId, agency.id)
    const who = named === stranger ? 'an unknown issuer' : `a${named === active ? 'n active' : ' disabled'} peer`
    forged.push(
      [`${who}: unsigned (alg none)`, unsigned(claims)],
      [`${who}: signed by another key under its kid`, await rawToken({ kid: named.signingKey.kid, privateKey: impostor.signingKey.privateKey }, claims)],
      [`${who}: signed by a key we do not hold`, await rawToken(impostor.signingKey, claims)],
      [`${who}: payload changed after signing`, tamper(await rawToken(named.signingKey, claims), { ...claims, jti: randomUUID() })],
      [`${who}: HS256 with its public key as the secret`, await new SignJWT(claims).setProtectedHeader({ alg: 'HS256', kid: named.signingKey.kid })
        .sign(createSecretKey(Buffer.from(named.jwks.keys[0]?.x as string, 'base64url')))]
    )
  }
  forged.push(['an unknown issuer, correctly signed by its own key', await rawToken(stranger.signingKey, claimsFor(stranger.agencyId, agency.id))])
  const answers = []
  for (const [name, token] of forged) {
    const res = await feedHead(agency, `Bearer ${token}`)
    answers.push({ name, status: res.statusCode, type: res.headers['content-type'], body: res.body })
  }
  const first = answers[0] as typeof answers[number]
  t.match(JSON.parse(first.body), { status: 401, code: 'TOKEN_INVALID', detail: NOT_VERIFIED })
  for (const answer of answers) t.same({ status: answer.status, type: answer.type, body: answer.body }, { status: first.status, type: first.type, body: first.body }, answer.name)

  const signed = await feedHead(agency, `Bearer ${await rawToken(disabled.signingKey, claimsFor(disabled.agencyId, agency.id))}`)
  t.match(signed.json(), { status: 403, code: 'PEER_INACTIVE' }, 'the disabled peer\'s own signed token is told its status')
})

t.test('claim rules of partner tokens, each on a token signed by the enrolled peer', async (t) => {
  const clock = fixedClock(new Date('2026-05-04T10:00:00Z'))
  const agency = await startAgency(t, undefined, { clock })
  const peer = await makePeerIdentity('be-fps')
  await enrol(agency, peer)
  const now = Math.floor(clock.now().getTime() / 1000)
  const base = () => claimsFor(peer.agencyId, agency.id, now)
  const header = { alg: 'EdDSA', kid: peer.signingKey.kid, typ: 'JWT' }
  const { typ: _typ, ...untyped } = header
  const cases: Array<{ name: string, claims: Record<string, unknown>, header?: Record<string, unknown>, expect: { status: number, code?: string, detail?: RegExp } }> = [
    { name: 'a fresh token', claims: base(), expect: { status: 200 } },
    { name: 'iat fifty minutes in the future', claims: { ...base(), iat: now + 3000, exp: now + 3060 }, expect: { status: 401, code: 'TOKEN_INVALID', detail: /"iat" is in the future/ } },
    { name: 'iat fifty minutes in the future and exp before it', claims: { ...base(), iat: now + 3000, exp: now + 60 }, expect: { status: 401, code: 'TOKEN_INVALID', detail: /"iat" is in the future/ } },
    { name: 'iat within the 30 s skew', claims: { ...base(), iat: now + 20, exp: now + 80 }, expect: { status: 200 } },
    { name: 'exp before iat', claims: { ...base(), iat: now - 10, exp: now - 20 }, expect: { status: 401, code: 'TOKEN_INVALID', detail: /"exp" is not after "iat"/ } },
    { name: 'exp equal to iat', claims: { ...base(), iat: now + 10, exp: now + 10 }, expect: { status: 401, code: 'TOKEN_INVALID', detail: /"exp" is not after "iat"/ } },
    { name: 'no iat', claims: { ...base(), iat: undefined }, expect: { status: 401, code: 'TOKEN_INVALID', detail: /"iat"/ } },
    { name: 'iat a string', claims: { ...base(), iat: String(now) }, expect: { status: 401, code: 'TOKEN_INVALID', detail: /"iat"/ } },
    { name: 'exp long past', claims: { ...base(), iat: now - 600, exp: now - 300 }, expect: { status: 401, code: 'TOKEN_EXPIRED' } },
    { name: 'a lifetime of an hour', claims: { ...base(), exp: now + 3600 }, expect: { status: 401, code: 'TOKEN_LIFETIME_TOO_LONG' } },
    { name: 'jti an object', claims: { ...base(), jti: { id: randomUUID() } }, expect: { status: 401, code: 'TOKEN_INVALID', detail: /"jti"/ } },
    { name: 'jti a number', claims: { ...base(), jti: 42 }, expect: { status: 401, code: 'TOKEN_INVALID', detail: /"jti"/ } },
    { name: 'jti of 8 KB', claims: { ...base(), jti: 'j'.repeat(8192) }, expect: { status: 401, code: 'TOKEN_INVALID', detail: /"jti"/ } },
    { name: 'jti of 257 characters', claims: { ...base(), jti: 'j'.repeat(257) }, expect: { status: 401, code: 'TOKEN_INVALID', detail: /"jti"/ } },
    { name: 'jti of 256 characters', claims: { ...base(), jti: `${randomUUID()}${'j'.repeat(220)}` }, expect: { status: 200 } },
    { name: 'jti empty', claims: { ...base(), jti: '' }, expect: { status: 401, code: 'TOKEN_INVALID', detail: /"jti"/ } },
    { name: 'jti with a NUL character', claims: { ...base(), jti: `${randomUUID()}\u0000` }, expect: { status: 401, code: 'TOKEN_INVALID', detail: /"jti"/ } },
    { name: 'jti with a lone surrogate', claims: { ...base(), jti: `${randomUUID()}\ud800` }, expect: { status: 401, code: 'TOKEN_INVALID', detail: /"jti"/ } },
    { name: 'typ of another kind of token', claims: base(), header: { ...header, typ: 'at+jwt' }, expect: { status: 401, code: 'TOKEN_INVALID', detail: /"typ" must be "JWT"/ } },
    { name: 'typ in lower case', claims: base(), header: { ...header, typ: 'jwt' }, expect: { status: 401, code: 'TOKEN_INVALID', detail: /"typ"/ } },
    { name: 'typ absent', claims: base(), header: untyped, expect: { status: 200 } },
    { name: 'aud a one-element array holding us', claims: { ...base(), aud: [agency.id] }, expect: { status: 200 } },
    { name: 'aud an array with us and another agency', claims: { ...base(), aud: [agency.id, 'fr-sbdu'] }, expect: { status: 401, code: 'TOKEN_INVALID', detail: /"aud" must be exactly/ } },
    { name: 'aud another agency', claims: { ...base(), aud: 'fr-sbdu' }, expect: { status: 401, code: 'TOKEN_INVALID', detail: /"aud"/ } },
    { name: 'no aud', claims: { ...base(), aud: undefined }, expect: { status: 401, code: 'TOKEN_INVALID', detail: /"aud"/ } },
    { name: 'sub not the issuer', claims: { ...base(), sub: 'someone' }, expect: { status: 401, code: 'TOKEN_INVALID', detail: /"sub"/ } },
    { name: 'alg none', claims: base(), header: { alg: 'none' }, expect: { status: 401, code: 'TOKEN_INVALID', detail: NOT_VERIFIED } }
  ]
  for (const c of cases) {
    const token = c.header?.alg === 'none' ? unsigned(c.claims) : await rawToken(peer.signingKey, c.claims, c.header ?? header)
    const res = await feedHead(agency, `Bearer ${token}`)
    if (c.expect.status === 200) t.equal(res.statusCode, 200, `${c.name}: accepted ${res.statusCode === 200 ? '' : res.body}`)
    else t.match({ status: res.statusCode, ...res.json() }, c.expect, `${c.name}: refused`)
  }
  const stored = await agency.db.selectFrom('partner_token_jtis').select('jti').where('issuer', '=', peer.agencyId).execute()
  t.ok(stored.every((row) => row.jti.length <= 256), 'no jti longer than 256 characters is stored')
  t.equal(stored.length, cases.filter((c) => c.expect.status === 200).length, 'only accepted tokens leave their jti')
  const odd = await feedHead(agency, `Bearer ${unsigned({ ...base(), iss: 'be-fps\u0000' })}`)
  t.match({ status: odd.statusCode, ...odd.json() }, { status: 401, code: 'TOKEN_INVALID', detail: /not a JWT with an issuer/ }, 'an iss with a NUL character is malformed, not a 500')
})

t.test('a peer enrolled by JWKS URL: keys fetched at enrolment, refreshed once on an unknown kid', async (t) => {
  const first = await makePeerIdentity('it-uama')
  const second = await makePeerIdentity('it-uama')
  let served: Jwks | undefined = first.jwks
  let fetches = 0
  const server = createServer((_req, res) => {
    fetches += 1
    if (served === undefined) res.writeHead(500).end()
    else res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(served))
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

  served = undefined
  clock.advance(61_000)
  const unknownKid = await feedHead(agency, await third.auth(agency.id, clock))
  t.equal(fetches, 3, 'the refresh was tried')
  const stranger = await makePeerIdentity('xx-nobody')
  const fromStranger = await feedHead(agency, await stranger.auth(agency.id, clock))
  t.same({ status: unknownKid.statusCode, body: unknownKid.body }, { status: fromStranger.statusCode, body: fromStranger.body },
    'a refresh that fails is not a 502: the token is refused as an unknown issuer\'s is')
  t.match(unknownKid.json(), { status: 401, code: 'TOKEN_INVALID', detail: NOT_VERIFIED })
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
  t.match((await post({ ...base, jwksUrl: 'http://127.0.0.1:9/jwks.json' })).json(), { status: 422, code: 'PEER_KEYS_UNAVAILABLE' })
  t.equal((await post({ ...base, jwks: peer.jwks })).statusCode, 201)
  t.match((await post({ ...base, jwks: peer.jwks })).json(), { status: 409, code: 'PEER_EXISTS' })
  t.match((await agency.app.inject({ method: 'GET', url: '/v1/peers/nobody', headers: { authorization: admin } })).json(), { status: 404, code: 'PEER_NOT_FOUND' })
})
