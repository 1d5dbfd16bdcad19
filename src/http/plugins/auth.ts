import type { FastifyInstance, FastifyRequest, RouteOptions } from 'fastify'
import { errors } from '../../lib/errors.js'
import type { UserRole } from '../../signing/index.js'
import { problems } from '../schemas/common.js'

export type Principal =
  | { kind: 'user', subject: string, roles: UserRole[] }
  | { kind: 'partner', agencyId: string }

/** Who may call a route: anyone, an enrolled peer agency, or users holding one of the roles. */
export type RouteAccess = 'public' | 'partner' | readonly UserRole[]

function bearer (request: FastifyRequest): string {
  const header = request.headers.authorization
  if (header === undefined || header === '') throw errors.unauthenticated('this route needs a bearer token in the Authorization header')
  const match = /^Bearer ([A-Za-z0-9._~+/=-]+)$/i.exec(header)
  if (match === null) throw errors.unauthenticated('the Authorization header must be "Bearer <token>"')
  return match[1] as string
}

/**
 * Declares `access` for every route registered in `app` (an encapsulated scope): the hook
 * that enforces it, the route's entry in `app.routeAccess`, its OpenAPI security and its
 * 401/403 problem responses all come from this one declaration (C2).
 */
export function declareAccess (app: FastifyInstance, access: RouteAccess): void {
  app.addHook('onRoute', (route: RouteOptions) => {
    route.config = { ...route.config, access }
    for (const method of [route.method].flat()) {
      if (method !== 'HEAD') app.routeAccess.push({ method, url: route.url, access })
    }
    if (access !== 'public' && route.schema !== undefined) {
      route.schema.response = { ...problems(401, 403), ...(route.schema.response as object) }
    }
  })
  if (access === 'public') return
  if (access === 'partner') {
    app.addHook('onRequest', async (request) => {
      const agencyId = await app.partnerAuthenticator.authenticate(app.reservedDb, bearer(request), request.log)
      request.principal = { kind: 'partner', agencyId }
    })
    return
  }
  app.addHook('onRequest', async (request) => {
    const user = await app.verifyUserToken(bearer(request))
    if (!user.roles.some((role) => access.includes(role))) {
      throw errors.forbidden(`this route needs the role ${access.join(' or ')}; the token carries ${user.roles.length === 0 ? 'no role' : user.roles.join(', ')}`)
    }
    request.principal = { kind: 'user', subject: user.subject, roles: user.roles }
  })
}

/** The authenticated principal of a route declared with user access. */
export function userOf (request: FastifyRequest): { subject: string, roles: UserRole[] } {
  const principal = request.principal
  if (principal?.kind !== 'user') throw errors.unauthenticated('no authenticated user')
  return principal
}

export function partnerOf (request: FastifyRequest): string {
  const principal = request.principal
  if (principal?.kind !== 'partner') throw errors.unauthenticated('no authenticated partner')
  return principal.agencyId
}
