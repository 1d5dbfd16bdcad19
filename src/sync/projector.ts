import type { Clock } from '../lib/clock.js'
import { detectDivergences } from '../divergence/detect.js'
import { recordsTouchedBy } from '../divergence/hooks.js'
import type { DivergenceConfig } from '../divergence/types.js'
import { prepareProjection, projectEntries } from '../records/project-entries.js'
import type { Projector } from './ingest.js'

/**
 * What storing a peer's verified entries does beyond keeping them, for pulls and pushes
 * alike, in their transaction: project them into records and query tables, then check the
 * records they touched for divergences. The projection's rows and match keys are prepared
 * before the transaction; detection reads the database, so all of it runs inside.
 */
export function createProjector (deps: { divergence: DivergenceConfig, clock: Clock }): Projector {
  return async (issuer, entries) => {
    const prepared = await prepareProjection(issuer, entries)
    const touched = recordsTouchedBy(issuer, entries)
    return async (trx) => {
      const result = await projectEntries(trx, prepared)
      await detectDivergences({ trx, config: deps.divergence, clock: deps.clock }, touched)
      return result
    }
  }
}
