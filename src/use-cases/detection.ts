import type { Transaction } from 'kysely'
import type { Database } from '../db/schema.js'
import { detectDivergences } from '../divergence/index.js'
import { prepareProjection, projectEntries } from '../records/index.js'
import type { Projector } from '../sync/index.js'
import type { UseCaseContext } from './context.js'

type RecordKey = { issuer: string, recordId: string }

/**
 * Divergence detection for records just stored, in the transaction that stores them, so a
 * change and what it diverges from commit together or not at all. Every write starts detection
 * here: our own records through `recordsContextOf` (publish, amend, revoke, renew, import), and
 * peers' through `createPeerProjector` (pull and push alike).
 */
export function detectAfterStore (ctx: Pick<UseCaseContext, 'config' | 'clock'>) {
  return async (trx: Transaction<Database>, records: readonly RecordKey[]) =>
    detectDivergences({ trx, config: ctx.config.divergence, clock: ctx.clock }, records)
}

/**
 * What storing a peer's verified entries does beyond keeping them, for pulls and pushes alike,
 * in their transaction: project them into records and query tables, then detect. The
 * projection's rows and match keys are prepared before the transaction.
 */
export function createPeerProjector (ctx: Pick<UseCaseContext, 'config' | 'clock'>): Projector {
  const detect = detectAfterStore(ctx)
  return async (issuer, entries) => {
    const prepared = await prepareProjection(issuer, entries)
    return async (trx) => {
      const result = await projectEntries(trx, prepared)
      await detect(trx, prepared.touched)
      return result
    }
  }
}
