import { Type } from '@sinclair/typebox'
import { countStillHoldingSql } from '../../divergence/index.js'
import { denialsDueForReview } from '../../records/index.js'
import { Uuid } from '../schemas/common.js'
import type { App } from '../types.js'

const closed = { additionalProperties: false } as const
const IsoDate = Type.String({ format: 'date' })

const DenialDue = Type.Object({
  recordId: Uuid,
  version: Type.Integer({ minimum: 1, description: 'pass it to the renewal or revocation' }),
  reference: Type.String(),
  decisionDate: IsoDate,
  validUntil: IsoDate,
  daysLeft: Type.Integer({ minimum: 0 }),
  destination: Type.String(),
  parties: Type.Array(Type.Object({ role: Type.String(), name: Type.String(), country: Type.String() }, closed)),
  openDivergences: Type.Integer({ minimum: 0, description: 'divergences naming this denial that still hold' })
}, closed)

/** Review of our own denials (officers). */
export async function reviewRoutes (app: App) {
  app.get('/denials', {
    schema: {
      tags: ['decisions'],
      summary: 'Our denials in force whose review window ends soon: renew (POST /v1/decisions/{id}/renewals) or revoke each',
      querystring: Type.Object({ withinDays: Type.Integer({ minimum: 0, maximum: 3650, default: 90 }) }, closed),
      response: { 200: Type.Object({ asOf: IsoDate, denials: Type.Array(DenialDue) }, closed) }
    }
  }, async (request) => ({
    asOf: app.clock.now().toISOString().slice(0, 10),
    denials: await denialsDueForReview({ db: app.db, issuer: app.config.agency.id, clock: app.clock, countOpenDivergences: countStillHoldingSql }, request.query.withinDays)
  }))
}
