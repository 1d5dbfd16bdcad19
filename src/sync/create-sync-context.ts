import type { Logger } from 'pino'
import type { SyncConfig } from '../config.js'
import type { Db } from '../db/create-db.js'
import type { Clock } from '../lib/clock.js'
import { createKeyCache, signPartnerToken, type KeyCache, type KeyRing } from '../signing/index.js'
import { createHttpPeerClient, type PeerClient } from './peer-client.js'
import type { Projector } from './ingest.js'
import type { SyncContext } from './sync-peer.js'
import type { WorkerOptions } from './worker.js'

/**
 * Wires a sync context: partner tokens signed with our current key, limits from config, a key
 * cache of its own unless given one. `project` is what storing a page does beyond keeping it
 * (the use cases' peer projector: projection and detection).
 */
export function createSyncContext (deps: { db: Db, agencyId: string, sync: SyncConfig, jwksCooldownSeconds: number, keyRing: KeyRing, clock: Clock, logger: Logger, project: Projector, client?: PeerClient | undefined, keyCache?: KeyCache | undefined }): { ctx: SyncContext, options: WorkerOptions } {
  const client = deps.client ?? createHttpPeerClient(
    async (peer) => signPartnerToken(await deps.keyRing.current(), { issuer: deps.agencyId, audience: peer.agencyId, lifetimeSeconds: 120 }, deps.clock),
    {
      limits: { connectTimeoutMs: deps.sync.connectTimeoutMs, responseTimeoutMs: deps.sync.responseTimeoutMs, maxBytes: deps.sync.maxResponseBytes },
      privateAddresses: deps.sync.privateAddresses
    }
  )
  return {
    ctx: {
      db: deps.db, client, clock: deps.clock, logger: deps.logger, pageSize: deps.sync.pageSize, leaseSeconds: deps.sync.leaseSeconds, jwksCooldownMs: deps.jwksCooldownSeconds * 1000, privateAddresses: deps.sync.privateAddresses, project: deps.project, keyCache: deps.keyCache ?? createKeyCache()
    },
    options: { intervalSeconds: deps.sync.intervalSeconds, backoffBaseMs: deps.sync.backoffBaseMs, backoffCapMs: deps.sync.backoffCapMs, idleMs: 1000 }
  }
}
