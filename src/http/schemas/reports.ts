import { Type } from '@sinclair/typebox'
import { DivergenceKind } from '../../divergence/index.js'
import { AgencyId, CountryCode } from './common.js'

const IsoDate = Type.String({ format: 'date' })

/** The divergence report's query: the API's (`GET /v1/reports/divergences`) and the web application's report page alike. */
export const ReportQuery = Type.Object({
  format: Type.Union([Type.Literal('json'), Type.Literal('csv'), Type.Literal('html')], {
    default: 'json',
    description: 'json: the figures; csv: one row per divergence (RFC 4180); html: a printable page with charts. The Accept header is not consulted.'
  }),
  from: Type.Optional(Type.String({ ...IsoDate, description: 'first day of the period (UTC), on the detection time' })),
  to: Type.Optional(Type.String({ ...IsoDate, description: 'last day of the period (UTC), included; on or after from' })),
  kind: Type.Optional(DivergenceKind),
  agency: Type.Optional(Type.String({ ...AgencyId, description: 'divergences naming this agency as first or second issuer' })),
  destination: Type.Optional(CountryCode)
}, { additionalProperties: false })
