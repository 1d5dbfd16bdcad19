import { getDivergence, listDivergences, type DivergenceFilter, type DivergenceSummary } from '../divergence/index.js'
import { buildDivergenceReport, listDivergenceIds, listDivergenceRows, renderDivergenceCsv, type DivergenceReport, type DivergenceReportFilter } from '../reports/index.js'
import { auditRead, filtersOf, type ShownRecord } from './audit-read.js'
import type { UseCaseContext } from './context.js'

/** A divergence report as asked (`GET /v1/reports/divergences`, the report page): the format and the filters. */
export type DivergenceReportRequest = DivergenceReportFilter & { format: 'json' | 'csv' | 'html' }

/** The report to render (JSON, HTML), or the CSV's lines to stream. */
export type DivergenceExport =
  | { format: 'json' | 'html', report: DivergenceReport }
  | { format: 'csv', lines: AsyncGenerator<string> }

/**
 * `reader`'s page of the divergence queue (`listDivergences`), then its `divergences-searched`
 * event: the filters as given, the cursor, the ids of the divergences listed. Their
 * explanations quote both records (parties, references), so the queue is a read of allied
 * records as the decision search is.
 */
export async function searchDivergences (ctx: UseCaseContext, reader: string, filter: DivergenceFilter): Promise<{ divergences: DivergenceSummary[], nextCursor: string | null }> {
  const page = await listDivergences(ctx.db, filter)
  const ids = page.divergences.map((d) => d.id)
  await auditRead(ctx, {
    actor: reader,
    action: 'divergences-searched',
    subject: { type: 'divergences', id: 'queue' },
    detail: { filters: filtersOf(filter), cursor: filter.cursor ?? null, divergenceIds: ids, count: ids.length, nextCursor: page.nextCursor }
  })
  return page
}

/**
 * One divergence with both records, their signed entries and their issuers' keys
 * (`getDivergence`), then its `divergence-viewed` event naming the records shown (issuer, id,
 * the version whose content was shown). Throws NOT_FOUND (no event) for an unknown id.
 */
export async function viewDivergence (ctx: UseCaseContext, reader: string, id: string) {
  const detail = await getDivergence({ db: ctx.db, self: ctx.config.agency.id, keyRing: ctx.keyRing }, id)
  const shown = (side: typeof detail.records.first): ShownRecord => ({ issuer: side.issuer, id: side.recordId, version: side.currentVersion ?? side.version })
  await auditRead(ctx, {
    actor: reader,
    action: 'divergence-viewed',
    subject: { type: 'divergence', id },
    detail: { kind: detail.kind, records: [shown(detail.records.first), shown(detail.records.second)] }
  })
  return detail
}

/**
 * The divergence report in `format`, and its `report-exported` event, written before any of it
 * is sent: the format, the filters as given, the ids of the divergences it lists and their
 * count (JSON and HTML list the newest 500 and count them all in their figures, `total`; the
 * CSV is every divergence in scope, its ids read first and its rows streamed in that order).
 */
export async function exportDivergenceReport (ctx: UseCaseContext, reader: string, request: DivergenceReportRequest): Promise<DivergenceExport> {
  const { format, ...filter } = request
  const event = (divergenceIds: string[], total: number) => ({
    actor: reader,
    action: 'report-exported',
    subject: { type: 'report', id: 'divergences' },
    detail: { report: 'divergences', format, filters: filtersOf(filter), divergenceIds, count: divergenceIds.length, total }
  })
  if (format === 'csv') {
    const ids = await listDivergenceIds(ctx.db, filter)
    await auditRead(ctx, event(ids, ids.length))
    return { format, lines: renderDivergenceCsv(listDivergenceRows(ctx.db, ids)) }
  }
  const report = await buildDivergenceReport(ctx.db, filter, { agency: ctx.config.agency.id, now: ctx.clock.now() })
  await auditRead(ctx, event(report.divergences.map((d) => d.id), report.totals.divergences))
  return { format, report }
}
