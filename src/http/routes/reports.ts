import { Readable } from 'node:stream'
import { Type, type TSchema } from '@sinclair/typebox'
import { errors } from '../../lib/errors.js'
import { createFormats } from '../../lib/format-dates.js'
import { buildDivergenceReport, listDivergenceRows, renderDivergenceCsv, renderDivergenceReportHtml, DivergenceReport, REPORT_HTML_CSP } from '../../reports/index.js'
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
      querystring: ReportQuery,
      response: { 200: ReportResponse, ...problems(400) }
    }
  }, async (request, reply) => {
    const { format, ...filter } = request.query
    if (filter.from !== undefined && filter.to !== undefined && filter.to < filter.from) {
      throw errors.invalidRequest(`the period ends (to=${filter.to}) before it starts (from=${filter.from})`, [{ pointer: '/querystring/to', detail: `must be on or after from (${filter.from})` }])
    }
    const agency = app.config.agency.id
    if (format === 'csv') {
      const name = `divergences-${agency}${filter.from === undefined ? '' : `-from-${filter.from}`}${filter.to === undefined ? '' : `-to-${filter.to}`}.csv`
      return reply.type('text/csv; charset=utf-8').header('content-disposition', `attachment; filename="${name}"`)
        .send(Readable.from(renderDivergenceCsv(listDivergenceRows(app.db, filter))))
    }
    const report = await buildDivergenceReport(app.db, filter, { agency, now: app.clock.now() })
    if (format === 'html') {
      const html = renderDivergenceReportHtml(report, { formats: createFormats(app.config.web), divergenceHref: (id) => `/app/divergences/${id}` })
      return reply.type('text/html; charset=utf-8').header('content-security-policy', REPORT_HTML_CSP).send(html)
    }
    return reply.type('application/json; charset=utf-8').send(report)
  })
}
