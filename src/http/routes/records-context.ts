import type { FastifyRequest } from 'fastify'
import { detectOnStored } from '../../divergence/hooks.js'
import type { RecordsContext } from '../../records/index.js'
import { userOf } from '../plugins/auth.js'
import type { App } from '../types.js'

/**
 * What the records capability needs from the app for one request to the record routes: the
 * officer who sent it (their token subject) is the actor of the changes' audit events.
 */
export function recordsContext (app: App, request: FastifyRequest): RecordsContext {
  return {
    db: app.db,
    issuer: app.config.agency.id,
    actor: userOf(request).subject,
    clock: app.clock,
    keyRing: app.keyRing,
    denialReviewYears: app.config.denialReviewYears,
    onPublished: app.pusher === undefined ? undefined : (entry) => app.pusher?.published(entry),
    onStored: detectOnStored({ config: app.config.divergence, clock: app.clock })
  }
}
