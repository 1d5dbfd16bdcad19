import type { Transaction } from 'kysely'
import type { Database } from '../db/schema.js'
import { alertOnArrivals } from '../alerts/index.js'
import { detectDivergences, FUZZY_PARTIES, queueForDetection } from '../divergence/index.js'
import { applyKeyStatusEntries } from '../peers/index.js'
import { prepareProjection, projectEntries } from '../records/index.js'
import { KEY_STATUS_KIND } from '../signing/index.js'
import { holdUnwitnessed, recordedWitnessedSeq, type Projector } from '../sync/index.js'
import { arrivalMatching } from './alerts.js'
import { applyIntroductions } from './join.js'
import type { UseCaseContext } from './context.js'

type RecordKey = { issuer: string, recordId: string }

/**
 * What every store does beyond keeping the records, in the transaction that stores them, so a
 * change and what follows from it commit together or not at all: divergence detection, and the
 * matching against the open cases and watched parties that raises alerts. Every write starts
 * here: our own records through `recordsContextOf` (publish, amend, revoke, renew, import), and
 * peers' through `createPeerProjector` (pull and push alike). A change of more than
 * FUZZY_PARTIES records (a sync page, an import) is matched by the detection backlog's job
 * instead (`drainDetectionBacklog`, a few at a time), so that a page of a thousand holds its
 * transaction for neither.
 */
export function detectAfterStore (ctx: Pick<UseCaseContext, 'config' | 'clock'>) {
  const alertOn = alertAfterStore(ctx)
  return async (trx: Transaction<Database>, records: readonly RecordKey[]) => {
    await detectDivergences({ trx, config: ctx.config.divergence, clock: ctx.clock }, records)
    if (records.length > FUZZY_PARTIES) await queueForDetection(trx, records, ctx.clock.now())
    else await alertOn(trx, records)
  }
}

/** The alerts' matching of records just stored (`alertOnArrivals`), as the stores and the detection backlog run it. */
export function alertAfterStore (ctx: Pick<UseCaseContext, 'config' | 'clock'>) {
  return async (trx: Transaction<Database>, records: readonly RecordKey[]) => {
    await alertOnArrivals({ ...arrivalMatching(ctx), trx }, records)
  }
}

/**
 * What storing a peer's verified entries does beyond keeping them, for pulls and pushes alike,
 * in their transaction: take in what its key-status entries say of its keys, project the rest
 * into records and query tables, then detect. The projection's rows and match keys are
 * prepared before the transaction.
 */
export function createPeerProjector (ctx: Pick<UseCaseContext, 'config' | 'clock'>): Projector {
  const detect = detectAfterStore(ctx)
  const quorum = ctx.config.federation.witnessQuorum
  return async (issuer, entries) => {
    const prepared = await prepareProjection(issuer, entries)
    const keyStatuses = entries.flatMap((e) => e.payload?.kind === KEY_STATUS_KIND ? [{ seq: e.seq, body: e.payload.body }] : [])
    const seqOf = new Map(entries.flatMap((e) => typeof e.payload?.body.recordId === 'string' ? [[e.payload.body.recordId, e.seq] as const] : []))
    return async (trx) => {
      await applyKeyStatusEntries(trx, issuer, keyStatuses)
      await applyIntroductions(trx, ctx, issuer, entries)
      const result = await projectEntries(trx, prepared)
      if (quorum === 0) {
        await detect(trx, prepared.touched)
        return result
      }
      // WITNESS_QUORUM: what enough allies have not co-signed yet waits (released by the witness job)
      const witnessed = await recordedWitnessedSeq(trx, issuer)
      const waiting = prepared.touched.filter((r) => (seqOf.get(r.recordId) ?? 0) > witnessed)
      await holdUnwitnessed(trx, issuer, waiting.map((r) => ({ recordId: r.recordId, seq: seqOf.get(r.recordId) ?? 0 })))
      await detect(trx, prepared.touched.filter((r) => !waiting.includes(r)))
      return result
    }
  }
}
