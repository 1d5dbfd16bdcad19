import { Readable } from 'node:stream'
import { Type, type TSchema } from '@sinclair/typebox'
import { errors } from '../../lib/errors.js'
import { createFormats } from '../../lib/format-dates.js'
import { renderDivergenceReportHtml, DivergenceReport, REPORT_HTML_CSP } from '../../reports/index.js'
import { exportDivergenceReport } from '../../use-cases/index.js'
import { userOf } from '../plugins/auth.js'
import { ReportQuery } from '../schemas/reports.js'
import { problems } from '../schemas/common.js'
import type { App } from '../types.js'

const ReportResponse = {
  description: 'The report as JSON (default), CSV or HTML, as `format` asks',
  content: {
    'application/json': { schema: DivergenceReport },
    'text/csv': { schema: Type.String({ description: 'RFC 4180, header line, CRLF; formula-like cells prefixed with \'' }) },
    'text/html': { schema: Type.String({ description: 'self-contained: inline CSS and SVG charts, no script' }) }
  }
} as unknown as TSchema

/** Reports for auditors and officers (issue #5). */
export async function reportRoutes (app: App) {
  app.get('/divergences', {
    schema: {
      tags: ['reports'],
      summary: 'Divergences summed up for auditors: totals, per ally and month, by control category and destination, time to resolution, outstanding by age',
      description: 'Audited before it is sent: a report-exported event names the caller, the format, the filters and the ids of the divergences the report lists (the CSV: every one in scope).',
      querystring: ReportQuery,
      response: { 200: ReportResponse, ...problems(400) }
    }
  }, async (request, reply) => {
    const { from, to } = request.query
    if (from !== undefined && to !== undefined && to < from) {
      throw errors.invalidRequest(`the period ends (to=${to}) before it starts (from=${from})`, [{ pointer: '/querystring/to', detail: `must be on or after from (${from})` }])
    }
    const exported = await exportDivergenceReport(app.services, userOf(request).subject, request.query)
    if (exported.format === 'csv') {
      const name = `divergences-${app.config.agency.id}${from === undefined ? '' : `-from-${from}`}${to === undefined ? '' : `-to-${to}`}.csv`
      return reply.type('text/csv; charset=utf-8').header('content-disposition', `attachment; filename="${name}"`).send(Readable.from(exported.lines))
    }
    if (exported.format === 'html') {
      const html = renderDivergenceReportHtml(exported.report, { formats: createFormats(app.config.web), divergenceHref: (id) => `/app/divergences/${id}` })
      return reply.type('text/html; charset=utf-8').header('content-security-policy', REPORT_HTML_CSP).send(html)
    }
    return reply.type('application/json; charset=utf-8').send(exported.report)
  })
}
