import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import t, { type Test } from 'tap'
import { buildApp } from '../../src/app.js'
import { loadConfig } from '../../src/config.js'
import { systemClock } from '../../src/lib/clock.js'
import { createLogger } from '../../src/lib/logger.js'
import { wireServices } from '../../src/wiring.js'
import { runCli } from '../helpers/processes.js'
import { createTestDatabase } from '../helpers/test-database.js'

async function tempDir (t: Test) {
  const dir = await mkdtemp(join(tmpdir(), 'reciprocity-cli-token-'))
  t.teardown(() => rm(dir, { recursive: true, force: true }))
  return dir
}

/** The agency a token is for: the same AGENCY_ID and DATA_DIR, so the same local identity provider. */
async function buildAgency (t: Test, env: Record<string, string>) {
  const { db, url } = await createTestDatabase(t)
  const config = loadConfig({ ...env, DATABASE_URL: url, LOG_LEVEL: 'silent' })
  const app = await buildApp(await wireServices(config, createLogger({ level: 'silent' }), systemClock, db))
  t.teardown(() => app.close())
  return app
}

const claimsOf = (jwt: string) => JSON.parse(Buffer.from(jwt.split('.')[1] ?? '', 'base64url').toString()) as Record<string, unknown>

t.test('token prints a local IdP token that the agency accepts for the roles it names', async (t) => {
  const env = { AGENCY_ID: 'uk-ecju', DATA_DIR: await tempDir(t) }
  const admin = await runCli(['token', '--role', 'admin', '--sub', 'ada', '--ttl', '120'], env)
  t.equal(admin.code, 0, admin.stderr)
  const token = admin.stdout.trim()
  t.equal(admin.stdout, `${token}\n`, 'stdout is the token alone')
  t.match(token, /^eyJ[\w-]+\.eyJ[\w-]+\.[\w-]+$/)
  const claims = claimsOf(token)
  t.match(claims, { sub: 'ada', roles: ['admin'], aud: 'uk-ecju', iss: 'urn:reciprocity:uk-ecju:local-idp' })
  t.equal((claims.exp as number) - (claims.iat as number), 120, '--ttl sets the lifetime')

  const officer = await runCli(['token', '--role', 'officer', '--role', 'auditor', '--sub', 'otto'], env)
  t.equal(officer.code, 0, officer.stderr)
  t.match(claimsOf(officer.stdout.trim()), { roles: ['officer', 'auditor'] }, 'several --role flags')

  const app = await buildAgency(t, env)
  const keys = await app.inject({ url: '/v1/keys', headers: { authorization: `Bearer ${token}` } })
  t.equal(keys.statusCode, 200, 'the admin token opens an admin route')
  const refused = await app.inject({ url: '/v1/keys', headers: { authorization: `Bearer ${officer.stdout.trim()}` } })
  t.match({ status: refused.statusCode, code: refused.json().code }, { status: 403, code: 'FORBIDDEN' }, 'an officer token does not')
})

t.test('a token from another agency\'s local identity provider is refused', async (t) => {
  const env = { AGENCY_ID: 'fr-sbdu', DATA_DIR: await tempDir(t) }
  const other = await runCli(['token', '--role', 'admin', '--sub', 'eve'], { AGENCY_ID: 'de-bafa', DATA_DIR: await tempDir(t) })
  t.equal(other.code, 0)
  const app = await buildAgency(t, env)
  const res = await app.inject({ url: '/v1/keys', headers: { authorization: `Bearer ${other.stdout.trim()}` } })
  t.equal(res.statusCode, 401)
})

t.test('token refuses to run when a real identity provider is configured', async (t) => {
  const res = await runCli(['token', '--role', 'admin', '--sub', 'ada'], {
    DATA_DIR: await tempDir(t), IDP_JWKS_URL: 'https://idp.example/jwks.json', IDP_ISSUER: 'https://idp.example/'
  })
  t.equal(res.code, 1)
  t.match(res.stderr, /IDP_JWKS_URL/)
  t.equal(res.stdout, '', 'no token printed')
})
