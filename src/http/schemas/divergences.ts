import { Type } from '@sinclair/typebox'
import { DivergenceKind, DivergenceState, Severity } from '../../divergence/index.js'

const closed = { additionalProperties: false } as const

/** A divergence's state, described with its lifecycle. */
export const DivergenceStateSchema = Type.Union(DivergenceState.anyOf, {
  description: 'open → acknowledged → justified | dismissed | escalated → resolved; resolved by the system when the divergence stops holding'
})

/** `GET /v1/divergences`'s filters, and the auditors' divergence queue's (web/). */
export const DivergenceQuery = Type.Object({
  kind: Type.Optional(DivergenceKind),
  state: Type.Optional(DivergenceStateSchema),
  severity: Type.Optional(Severity),
  agency: Type.Optional(Type.String({ minLength: 1, maxLength: 63, description: 'either record issued by this agency' })),
  destination: Type.Optional(Type.String({ pattern: '^[A-Z]{2}$' })),
  controlCategory: Type.Optional(Type.String({ minLength: 1, maxLength: 20, description: 'e.g. 3 (electronics) or ML10' })),
  from: Type.Optional(Type.String({ format: 'date', description: 'detected on or after this UTC day' })),
  to: Type.Optional(Type.String({ format: 'date', description: 'detected on or before this UTC day (included)' })),
  limit: Type.Integer({ minimum: 1, maximum: 500, default: 50 }),
  cursor: Type.Optional(Type.String({ maxLength: 200 }))
}, closed)

/** `PATCH /v1/divergences/:id`: an auditor's move to another state, with the reason (and the web page's transition form). */
export const DivergenceTransition = Type.Object({ state: DivergenceStateSchema, reason: Type.String({ minLength: 1, maxLength: 2000 }) }, closed)
