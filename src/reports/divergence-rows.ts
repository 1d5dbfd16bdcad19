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
 * The ids of the divergences a report covers, oldest first (detected_at, id): what an export
 * names in the audit trail before it sends them (`listDivergenceRows`).
 */
export async function listDivergenceIds (db: Db, filter: DivergenceReportFilter): Promise<string[]> {
  const rows = await divergencesInScope(db, scopeOf(filter)).select('id').orderBy('detected_at').orderBy('id').execute()
  return rows.map((r) => r.id)
}

/**
 * The divergences `ids` names (`listDivergenceIds`), in that order, read `batchSize` at a
 * time, so that a large export never holds more than one batch of rows in memory, and sends
 * exactly the divergences its audit event names, whatever was detected since.
 */
export async function * listDivergenceRows (db: Db, ids: readonly string[], batchSize = 1000): AsyncGenerator<DivergenceRow[]> {
  for (let start = 0; start < ids.length; start += batchSize) {
    const rows = await divergencesInScope(db, {}).where('id', 'in', ids.slice(start, start + batchSize)).select([
      'id', 'kind', 'severity', 'state', 'first_issuer', 'first_record_id', 'first_version', 'second_issuer', 'second_record_id', 'second_version',
      'destination', 'control_category', 'detected_at', 'resolved_at', 'explanation'
    ]).orderBy('detected_at').orderBy('id').execute()
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
  }
}
