import type { Transaction } from 'kysely'
import type { Database } from '../db/schema.js'
import type { VerifiedEntry } from '../feed/index.js'
import type { Clock } from '../lib/clock.js'
import { detectDivergences } from './detect.js'
import type { DivergenceConfig } from './types.js'

/** Entry kinds that create or change a record divergences may be about. */
const RECORD_CHANGES: ReadonlySet<string> = new Set(['decision', 'classification', 'amendment', 'revocation', 'renewal'])

/** The `onStored` hook of our own records: detection in the transaction that stores them. */
export function detectOnStored (deps: { config: DivergenceConfig, clock: Clock }) {
  return async (trx: Transaction<Database>, records: Array<{ issuer: string, recordId: string }>) =>
    detectDivergences({ trx, config: deps.config, clock: deps.clock }, records)
}

/** The records a page of a peer's verified entries touched (placeholders touch none). */
export function recordsTouchedBy (issuer: string, entries: readonly VerifiedEntry[]): Array<{ issuer: string, recordId: string }> {
  return entries.flatMap((e) => e.payload !== undefined && RECORD_CHANGES.has(e.payload.kind) && typeof e.payload.body.recordId === 'string'
    ? [{ issuer, recordId: e.payload.body.recordId }]
    : [])
}
