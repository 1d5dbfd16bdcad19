import type { Db } from '../db/create-db.js'
import { divergencesInScope } from '../divergence/index.js'
import { scopeOf } from './divergence-report.js'
import type { DivergenceReportFilter } from './report-schema.js'

export interface DivergenceRow {
  id: string
  kind: string
  severity: string
  state: string
  firstIssuer: string
  firstRecordId: string
  firstVersion: number
  secondIssuer: string
  secondRecordId: string
  secondVersion: number
  destination: string | null
  controlCategory: string | null
  detectedAt: string
  resolvedAt: string | null
  explanation: string
}

/**
 * The divergences a report covers, oldest first, in batches of `batchSize` read by keyset
 * (detected_at, id), so that a large export never holds more than one batch in memory.
 */
export async function * listDivergenceRows (db: Db, filter: DivergenceReportFilter, batchSize = 1000): AsyncGenerator<DivergenceRow[]> {
  let after: string | undefined
  for (;;) {
    const query = divergencesInScope(db, { ...scopeOf(filter), after }).select([
      'id', 'kind', 'severity', 'state', 'first_issuer', 'first_record_id', 'first_version', 'second_issuer', 'second_record_id', 'second_version',
      'destination', 'control_category', 'detected_at', 'resolved_at', 'explanation'
    ])
    const rows = await query.orderBy('detected_at').orderBy('id').limit(batchSize).execute()
    if (rows.length === 0) return
    yield rows.map((r) => ({
      id: r.id,
      kind: r.kind,
      severity: r.severity,
      state: r.state,
      firstIssuer: r.first_issuer,
      firstRecordId: r.first_record_id,
      firstVersion: r.first_version,
      secondIssuer: r.second_issuer,
      secondRecordId: r.second_record_id,
      secondVersion: r.second_version,
      destination: r.destination,
      controlCategory: r.control_category,
      detectedAt: new Date(r.detected_at).toISOString(),
      resolvedAt: r.resolved_at === null ? null : new Date(r.resolved_at).toISOString(),
      explanation: r.explanation
    }))
    if (rows.length < batchSize) return
    after = rows.at(-1)?.id
  }
}
