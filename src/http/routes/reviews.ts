import { Type } from '@sinclair/typebox'
import { listDenialsDue } from '../../use-cases/index.js'
import { Uuid } from '../schemas/common.js'
import type { App } from '../types.js'
import { actorOf } from './record-writes.js'

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

/** Review of our own denials (officers); the listing is an audit event naming what it returned. */
export async function reviewRoutes (app: App) {
  app.get('/denials', {
    schema: {
      tags: ['decisions'],
      summary: 'Our denials in force whose review window ends soon: renew (POST /v1/decisions/{id}/renewals) or revoke each',
      description: 'Audited: a records-searched event names the caller, the window (reviewDueWithinDays) and every denial returned (issuer, id, version).',
      querystring: Type.Object({ withinDays: Type.Integer({ minimum: 0, maximum: 3650, default: 90 }) }, closed),
      response: { 200: Type.Object({ asOf: IsoDate, denials: Type.Array(DenialDue) }, closed) }
    }
  }, async (request) => ({
    asOf: app.clock.now().toISOString().slice(0, 10),
    denials: await listDenialsDue(app.services, actorOf(request), { withinDays: request.query.withinDays })
  }))
}
