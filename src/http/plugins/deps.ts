import fp from 'fastify-plugin'
import type { Logger } from 'pino'
import type { Config } from '../../config.js'
import type { Db } from '../../db/create-db.js'
import type { Clock } from '../../lib/clock.js'
import { createImportSlots, type ImportSlots } from '../../lib/import-slots.js'
import { createPartnerAuthenticator, type PartnerAuthenticator } from '../../peers/index.js'
import { createKeyCache, type KeyCache, type KeyRing, type UserPrincipal } from '../../signing/index.js'
import { createPusher, type Pusher } from '../../sync/index.js'
import type { UseCaseContext } from '../../use-cases/index.js'
import type { Principal, RouteAccess } from './auth.js'

export interface AppDeps {
  config: Config
  db: Db
  logger: Logger
  clock: Clock
  keyRing: KeyRing
  verifyUserToken: (token: string) => Promise<UserPrincipal>
  /** The web session cookie's key (32 bytes, derived from the key-encryption key). */
  sessionKey: Buffer
  /** Connections kept apart for health checks, /metrics, the feed, its head, the JWKS and partner authentication; `db` when absent. */
  reservedDb?: Db
  /** The latency histogram of every request (default true; bench/metrics builds an app without it to measure its cost). */
  requestMetrics?: boolean
}

declare module 'fastify' {
  interface FastifyInstance {
    config: Config
    db: Db
    /** The reserved pool (AppDeps.reservedDb), or `db`: for what must answer while the main pool is busy. */
    reservedDb: Db
    clock: Clock
    keyRing: KeyRing
    verifyUserToken: (token: string) => Promise<UserPrincipal>
    /** Peers' keys as imported, shared by partner authentication and the inboxes for the life of the app. */
    keyCache: KeyCache
    /** Authenticates partner tokens; its own state (when expired jtis were last purged) lives as long as the app. */
    partnerAuthenticator: PartnerAuthenticator
    /** Pushes urgent entries to peers' inboxes once published; undefined when PUSH_ON_PUBLISH is off. */
    pusher: Pusher | undefined
    /** What the use cases run with (db, clock, keys, config, the pusher): every route that acts calls a use case with it and the actor. */
    services: UseCaseContext
    /** Bulk imports running in this process (IMPORT_CONCURRENCY, one per caller), shared by the API and the import page. */
    importSlots: ImportSlots
    /** Every route with the access it declares; the access-matrix test walks it. */
    routeAccess: Array<{ method: string, url: string, access: RouteAccess }>
  }
  interface FastifyRequest {
    principal: Principal | null
  }
  interface FastifyContextConfig {
    access?: RouteAccess
  }
}

export const depsPlugin = fp(async (app, deps: AppDeps) => {
  const keyCache = createKeyCache()
  const pusher = deps.config.sync.pushOnPublish
    ? createPusher({ db: deps.db, agencyId: deps.config.agency.id, keyRing: deps.keyRing, clock: deps.clock, logger: deps.logger }, {
      attempts: deps.config.sync.pushAttempts, connectTimeoutMs: deps.config.sync.connectTimeoutMs, timeoutMs: Math.min(deps.config.sync.responseTimeoutMs, 15_000), backoffBaseMs: deps.config.sync.backoffBaseMs, backoffCapMs: deps.config.sync.backoffCapMs, privateAddresses: deps.config.sync.privateAddresses
    })
    : undefined
  app.decorate('config', deps.config)
    .decorate('db', deps.db)
    .decorate('reservedDb', deps.reservedDb ?? deps.db)
    .decorate('clock', deps.clock)
    .decorate('keyRing', deps.keyRing)
    .decorate('verifyUserToken', deps.verifyUserToken)
    .decorate('routeAccess', [])
    .decorate('keyCache', keyCache)
    .decorate('partnerAuthenticator', createPartnerAuthenticator({
      ourAgencyId: deps.config.agency.id,
      maxLifetimeSeconds: deps.config.partnerTokenMaxSeconds,
      jwksCooldownMs: deps.config.peerJwksCooldownSeconds * 1000,
      privateAddresses: deps.config.sync.privateAddresses,
      clock: deps.clock
    }, keyCache))
    .decorate('pusher', pusher)
    .decorate('importSlots', createImportSlots(deps.config.uploads.importConcurrency))
    .decorate('services', { config: deps.config, db: deps.db, clock: deps.clock, keyRing: deps.keyRing, logger: deps.logger, keyCache, pusher })
    .decorateRequest('principal', null)
  app.addHook('onClose', async () => { app.pusher?.close() })
}, { name: 'deps' })
