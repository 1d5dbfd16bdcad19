import { randomBytes } from 'node:crypto'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createPrivateKey } from 'node:crypto'
import type { Logger } from 'pino'
import type { Test } from 'tap'
import { buildApp } from '../../src/app.js'
import { loadConfig, type Config } from '../../src/config.js'
import { systemClock, type Clock } from '../../src/lib/clock.js'
import { createLogger } from '../../src/lib/logger.js'
import { generateEd25519Key, signPartnerToken, type Jwks } from '../../src/signing/index.js'
import { wireServices } from '../../src/wiring.js'
import { startIdentityProvider, type Role, type TestIdentityProvider } from './identity-provider.js'
import { createDb } from '../../src/db/create-db.js'
import { createTestDatabase } from './test-database.js'

export type TestApp = Awaited<ReturnType<typeof buildApp>>

export interface TestAgency {
  id: string
  app: TestApp
  config: Config
  db: Awaited<ReturnType<typeof createTestDatabase>>['db']
  databaseUrl: string
  idp: TestIdentityProvider
  /** Set when started with `listen: true`. */
  url: string
  /** Authorization header value for a user holding `roles`. */
  auth (...roles: Role[]): Promise<string>
}

export interface AgencyOptions {
  env?: Record<string, string>
  listen?: boolean
  /** Run on this (migrated) database rather than a new one: a clone, a restore. */
  databaseUrl?: string
  /** Listen on this port (with `listen`): an agency started again where its peers reach it. */
  port?: number
  logger?: Logger
  clock?: Clock
}

/** A real agency: its own PostgreSQL database, keys, identity provider and Fastify app (C18). */
export async function startAgency (t: Test, id = `a-${randomBytes(3).toString('hex')}`, options: AgencyOptions = {}): Promise<TestAgency> {
  const { db, url: databaseUrl } = options.databaseUrl === undefined ? await createTestDatabase(t) : await openDatabase(t, options.databaseUrl)
  const dataDir = await mkdtemp(join(tmpdir(), `reciprocity-${id}-`))
  t.teardown(() => rm(dataDir, { recursive: true, force: true }))
  const idp = await startIdentityProvider(t, id)
  const config = loadConfig({
    AGENCY_ID: id,
    AGENCY_NAME: `Agency ${id}`,
    DATABASE_URL: databaseUrl,
    DATA_DIR: dataDir,
    KEY_ENCRYPTION_KEY: randomBytes(32).toString('base64url'),
    IDP_JWKS_URL: idp.jwksUrl,
    IDP_ISSUER: idp.issuer,
    IDP_AUDIENCE: id,
    LOG_LEVEL: 'silent',
    PORT: '0',
    // pushes race the pulls that most tests count on; the push test turns them on
    PUSH_ON_PUBLISH: 'false',
    // tests send far more requests a minute than any officer: the rate-limit test sets its own
    RATE_LIMIT_SCREENING: '0',
    RATE_LIMIT_IMPORT: '0',
    RATE_LIMIT_FEED: '0',
    RATE_LIMIT_API: '0',
    RATE_LIMIT_PUBLIC: '0',
    ...options.env
  })
  const logger = options.logger ?? createLogger({ level: 'silent' })
  const deps = await wireServices(config, logger, options.clock ?? systemClock, db)
  const app = await buildApp(deps)
  t.teardown(() => app.close())
  let url = ''
  if (options.listen === true) {
    await app.listen({ host: '127.0.0.1', port: options.port ?? 0 })
    const address = app.server.address()
    url = `http://127.0.0.1:${typeof address === 'object' && address !== null ? address.port : 0}`
  }
  return {
    id,
    app,
    config,
    db,
    databaseUrl,
    idp,
    url,
    auth: async (...roles) => `Bearer ${await idp.token(`user-${roles.join('-') || 'none'}`, roles)}`
  }
}

async function openDatabase (t: Test, url: string) {
  const db = await createDb({ databaseUrl: url, dataDir: '/nonexistent' })
  t.teardown(() => db.destroy())
  return { db, url }
}

/** A peer agency's identity (its own Ed25519 key) for signing partner tokens in tests. */
export async function makePeerIdentity (agencyId: string) {
  const key = await generateEd25519Key()
  const signingKey = { kid: key.kid, privateKey: createPrivateKey({ key: key.privateJwk as never, format: 'jwk' }) }
  const jwks: Jwks = { keys: [key.publicJwk] }
  return {
    agencyId,
    jwks,
    signingKey,
    /** Authorization header value: a fresh partner token for `audience`. */
    auth: async (audience: string, clock: Clock = systemClock, lifetimeSeconds = 120) =>
      `Bearer ${await signPartnerToken(signingKey, { issuer: agencyId, audience, lifetimeSeconds }, clock)}`
  }
}

/** Enrols `peer` at `agency` through the admin API. */
export async function enrol (agency: TestAgency, peer: { agencyId: string, jwks: Jwks }, baseUrl = 'http://127.0.0.1:9') {
  const res = await agency.app.inject({
    method: 'POST',
    url: '/v1/peers',
    headers: { authorization: await agency.auth('admin') },
    payload: { agencyId: peer.agencyId, name: `Agency ${peer.agencyId}`, country: 'FR', baseUrl, jwks: peer.jwks }
  })
  if (res.statusCode !== 201) throw new Error(`enrolment failed: ${res.statusCode} ${res.body}`)
  return res.json()
}
