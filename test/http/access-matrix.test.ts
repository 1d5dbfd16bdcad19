import { createPrivateKey, randomUUID } from 'node:crypto'
import { SignJWT } from 'jose'
import t from 'tap'
import { generateEd25519Key } from '../../src/signing/index.js'
import { enrol, makePeerIdentity, startAgency, type TestAgency } from '../helpers/agency.js'
import type { Role } from '../helpers/identity-provider.js'

const ROLES: Role[] = ['officer', 'auditor', 'admin']
const BODY_METHODS = new Set(['POST', 'PATCH', 'PUT'])

/** Plausible values for path parameters: an agency id, a small number, or a random UUID. */
function fillPath (url: string): string {
  return url
    .replace(/:(\w+)/g, (_match, name: string) => /agency/i.test(name) ? 'no-such-agency' : /seq|version|number/i.test(name) ? '1' : randomUUID())
    .replace(/\*$/, 'x')
}

async function call (agency: TestAgency, method: string, url: string, authorization?: string) {
  return agency.app.inject({
    method: method as 'GET',
    url: fillPath(url),
    headers: authorization === undefined ? {} : { authorization },
    ...(BODY_METHODS.has(method) ? { payload: {} } : {})
  })
}

t.test('every declared route answers each caller as its access says', async (t) => {
  const agency = await startAgency(t)
  const peer = await makePeerIdentity(`peer-${randomUUID().slice(0, 8)}`)
  await enrol(agency, peer)
  const routes = agency.app.routeAccess
  t.ok(routes.some((r) => r.access === 'public') && routes.some((r) => r.access === 'partner') && routes.some((r) => Array.isArray(r.access)),
    'the app declares public, partner and role routes')

  for (const { method, url, access } of routes) {
    await t.test(`${method} ${url}`, async (t) => {
      const noToken = await call(agency, method, url)
      t.ok(noToken.statusCode < 500, `no token: not a server error (${noToken.statusCode})`)
      if (access === 'public') t.notOk([401, 403].includes(noToken.statusCode), `public without a token: ${noToken.statusCode}`)
      else {
        t.equal(noToken.statusCode, 401, 'no token: 401')
        t.match(noToken.headers['content-type'], /^application\/problem\+json/)
      }

      for (const role of ROLES) {
        const res = await call(agency, method, url, await agency.auth(role))
        t.ok(res.statusCode < 500, `${role}: not a server error (${res.statusCode} ${res.body.slice(0, 200)})`)
        if (access === 'public') t.notOk([401, 403].includes(res.statusCode), `${role} on a public route: ${res.statusCode}`)
        else if (access === 'partner') t.ok([401, 403].includes(res.statusCode), `${role} token on a partner route: ${res.statusCode}`)
        else if (access.includes(role)) t.notOk([401, 403].includes(res.statusCode), `${role} is allowed: ${res.statusCode} ${res.body.slice(0, 200)}`)
        else {
          t.equal(res.statusCode, 403, `${role} is not allowed`)
          t.equal(res.json().code, 'FORBIDDEN')
        }
      }

      const asPartner = await call(agency, method, url, await peer.auth(agency.id))
      t.ok(asPartner.statusCode < 500, `partner: not a server error (${asPartner.statusCode})`)
      if (access === 'partner' || access === 'public') t.notOk([401, 403].includes(asPartner.statusCode), `partner token: ${asPartner.statusCode} ${asPartner.body.slice(0, 200)}`)
      else t.equal(asPartner.statusCode, 401, 'a partner token is not a user token')
    })
  }
})

t.test('user tokens that must not pass', async (t) => {
  const agency = await startAgency(t)
  const get = async (authorization: string) => {
    const res = await agency.app.inject({ method: 'GET', url: '/v1/keys', headers: { authorization } })
    return { status: res.statusCode, code: res.json().code as string }
  }
  t.same(await get(await agency.auth('admin')), { status: 200, code: undefined }, 'a good admin token passes (control)')

  const stranger = await generateEd25519Key()
  const now = Math.floor(Date.now() / 1000)
  const forged = await new SignJWT({ roles: ['admin'] })
    .setProtectedHeader({ alg: 'EdDSA', kid: stranger.kid })
    .setIssuer(agency.idp.issuer).setSubject('mallory').setAudience(agency.id).setIssuedAt(now).setExpirationTime(now + 300)
    .sign(createPrivateKey({ key: stranger.privateJwk as never, format: 'jwk' }))
  t.same(await get(`Bearer ${forged}`), { status: 401, code: 'TOKEN_INVALID' }, 'signed by a key the identity provider does not publish')

  const expired = await agency.idp.token('late', ['admin'], { lifetimeSeconds: -120 })
  t.same(await get(`Bearer ${expired}`), { status: 401, code: 'TOKEN_EXPIRED' }, 'expired')

  const header = (h: object) => Buffer.from(JSON.stringify(h)).toString('base64url')
  const claims = header({ iss: agency.idp.issuer, sub: 'mallory', aud: agency.id, exp: now + 300, roles: ['admin'] })
  t.same(await get(`Bearer ${header({ alg: 'none' })}.${claims}.`), { status: 401, code: 'TOKEN_INVALID' }, 'alg none')
  t.equal((await get('Basic YWRtaW46YWRtaW4=')).status, 401, 'not a bearer token')
  t.equal((await get('Bearer not-a-jwt')).status, 401, 'not a JWT')

  const peer = await makePeerIdentity('peer-token')
  await enrol(agency, peer)
  t.equal((await get(await peer.auth(agency.id))).status, 401, 'a partner token is refused on a user route')
})

t.test('tokens for another audience or from another issuer are refused', async (t) => {
  const otherAudience = await startAgency(t, undefined, { env: { IDP_AUDIENCE: 'some-other-service' } })
  const wrongAud = await otherAudience.app.inject({ url: '/v1/keys', headers: { authorization: await otherAudience.auth('admin') } })
  t.match({ status: wrongAud.statusCode, ...wrongAud.json() }, { status: 401, code: 'TOKEN_INVALID', detail: /aud/ }, 'wrong audience')

  const otherIssuer = await startAgency(t, undefined, { env: { IDP_ISSUER: 'https://idp.elsewhere.example/' } })
  const wrongIss = await otherIssuer.app.inject({ url: '/v1/keys', headers: { authorization: await otherIssuer.auth('admin') } })
  t.match({ status: wrongIss.statusCode, ...wrongIss.json() }, { status: 401, code: 'TOKEN_INVALID', detail: /iss/ }, 'wrong issuer')
})
