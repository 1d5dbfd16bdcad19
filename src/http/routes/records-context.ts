import { detectOnStored } from '../../divergence/hooks.js'
import type { RecordsContext } from '../../records/index.js'
import type { App } from '../types.js'

/** What the records capability needs from the app, for the record routes. */
export function recordsContext (app: App): RecordsContext {
  return {
    db: app.db,
    issuer: app.config.agency.id,
    clock: app.clock,
    keyRing: app.keyRing,
    denialReviewYears: app.config.denialReviewYears,
    onPublished: app.pusher === undefined ? undefined : (entry) => app.pusher?.published(entry),
    onStored: detectOnStored({ config: app.config.divergence, clock: app.clock })
  }
}
