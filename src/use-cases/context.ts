import type { Logger } from 'pino'
import type { Config } from '../config.js'
import type { Db } from '../db/create-db.js'
import type { Clock } from '../lib/clock.js'
import type { RecordsContext } from '../records/index.js'
import type { KeyCache, KeyRing } from '../signing/index.js'
import type { Pusher } from '../sync/index.js'
import { detectAfterStore } from './detection.js'

/**
 * What every use case runs with: made once per process by the entry point (the API's deps
 * plugin, the CLI, the demo, the jobs); a face adds only the actor of each call.
 */
export interface UseCaseContext {
  config: Config
  db: Db
  clock: Clock
  keyRing: KeyRing
  logger: Logger
  /** Peers' keys as imported, shared by the inboxes of one process; each use that is given none imports keys itself. */
  keyCache?: KeyCache | undefined
  /** Pushes urgent entries to peers' inboxes once committed; absent where nothing pushes (the CLI, the demo, PUSH_ON_PUBLISH=false). */
  pusher?: Pusher | undefined
}

/**
 * The records capability's context for changes made by `actor` (an officer's token subject,
 * `cli:<user>`, `demo`): every store runs detection in its transaction, every commit is
 * offered to the pusher. The one place both are attached to our own writes.
 */
export function recordsContextOf (ctx: UseCaseContext, actor: string): RecordsContext {
  const { pusher } = ctx
  return {
    db: ctx.db,
    issuer: ctx.config.agency.id,
    actor,
    clock: ctx.clock,
    keyRing: ctx.keyRing,
    denialReviewYears: ctx.config.denialReviewYears,
    onPublished: pusher === undefined ? undefined : (entry) => pusher.published(entry),
    onStored: detectAfterStore(ctx)
  }
}
