import type { Clock } from '../lib/clock.js'
import { detectDivergences } from '../divergence/detect.js'
import { recordsTouchedBy } from '../divergence/hooks.js'
import type { DivergenceConfig } from '../divergence/types.js'
import { projectEntries } from '../records/project-entries.js'
import type { Projector } from './ingest.js'

/**
 * What storing a peer's verified entries does beyond keeping them, for pulls and pushes
 * alike, in their transaction: project them into records and query tables, then check the
 * records they touched for divergences.
 */
export function createProjector (deps: { divergence: DivergenceConfig, clock: Clock }): Projector {
  return async (trx, issuer, entries) => {
    const result = await projectEntries(trx, issuer, entries)
    await detectDivergences({ trx, config: deps.divergence, clock: deps.clock }, recordsTouchedBy(issuer, entries))
    return result
  }
}
