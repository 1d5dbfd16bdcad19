import type { FastifyBaseLogger } from 'fastify'
import fp from 'fastify-plugin'
import type { Config } from '../../config.js'
import type { Db } from '../../db/create-db.js'
import type { Clock } from '../../lib/clock.js'
import type { KeyRing, UserPrincipal } from '../../signing/index.js'
import type { Principal, RouteAccess } from './auth.js'

export interface AppDeps {
  config: Config
  db: Db
  logger: FastifyBaseLogger
  clock: Clock
  keyRing: KeyRing
  verifyUserToken: (token: string) => Promise<UserPrincipal>
}

declare module 'fastify' {
  interface FastifyInstance {
    config: Config
    db: Db
    clock: Clock
    keyRing: KeyRing
    verifyUserToken: (token: string) => Promise<UserPrincipal>
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
  app.decorate('config', deps.config)
    .decorate('db', deps.db)
    .decorate('clock', deps.clock)
    .decorate('keyRing', deps.keyRing)
    .decorate('verifyUserToken', deps.verifyUserToken)
    .decorate('routeAccess', [])
    .decorateRequest('principal', null)
}, { name: 'deps' })
