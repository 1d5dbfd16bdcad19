import type { SyncConfig } from '../config.js'
import type { KeyCache } from '../signing/index.js'
import { createSyncContext, type PeerClient } from '../sync/index.js'
import type { UseCaseContext } from './context.js'
import { createPeerProjector } from './detection.js'

/**
 * The sync context of this agency, for the worker, `cli sync`, the demo and the benches alike:
 * peers' pages are projected and checked for divergences by the use cases' one projector.
 * `options` replace some sync settings, the HTTP client or the key cache (tests and benches).
 */
export function agencySyncContext (ctx: UseCaseContext, options: { sync?: Partial<SyncConfig>, client?: PeerClient | undefined, keyCache?: KeyCache | undefined } = {}) {
  const { config } = ctx
  return createSyncContext({
    db: ctx.db,
    agencyId: config.agency.id,
    sync: { ...config.sync, ...options.sync },
    jwksCooldownSeconds: config.peerJwksCooldownSeconds,
    keyRing: ctx.keyRing,
    clock: ctx.clock,
    logger: ctx.logger,
    project: createPeerProjector(ctx),
    client: options.client,
    keyCache: options.keyCache
  })
}
