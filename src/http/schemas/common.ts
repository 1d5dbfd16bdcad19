import { Type, type Static, type TSchema } from '@sinclair/typebox'
import { AGENCY_ID_PATTERN } from '../../lib/agency-id.js'

export const Problem = Type.Object({
  type: Type.String({ description: 'a URI reference naming the problem type' }),
  title: Type.String(),
  status: Type.Integer(),
  detail: Type.String(),
  instance: Type.Optional(Type.String()),
  code: Type.String({ description: 'stable machine-readable error code, e.g. INVALID_REQUEST' }),
  errors: Type.Optional(Type.Array(Type.Object({
    pointer: Type.String({ description: 'JSON pointer (RFC 6901) to the offending value, e.g. /body/items/0/codes, or line:field for imports' }),
    detail: Type.String()
  }, { additionalProperties: false })))
}, { $id: 'Problem', title: 'RFC 9457 problem details', additionalProperties: false })
export type Problem = Static<typeof Problem>

/** The problem of `POST /v1/decisions`: UNDERCUT_WARNING lists the allied denials in `conflicts`. */
export const UndercutWarningProblem = Type.Object({
  ...Problem.properties,
  conflicts: Type.Optional(Type.Array(Type.Object({
    issuer: Type.String({ description: 'the allied agency that denied' }),
    recordId: Type.String(),
    reference: Type.String(),
    decisionDate: Type.String({ format: 'date' }),
    validUntil: Type.Union([Type.String({ format: 'date' }), Type.Null()]),
    explanation: Type.String({ description: 'why the grant would undercut it: the names, the control entries, the dates' })
  }, { additionalProperties: false }), { description: 'UNDERCUT_WARNING: the allied denials in force the grant would undercut' }))
}, { title: 'RFC 9457 problem details, with the conflicts of an UNDERCUT_WARNING', additionalProperties: false })

/** Response entries for problem statuses, served as application/problem+json (RFC 9457). */
export function problems (...statuses: number[]): Record<number, TSchema> {
  return Object.fromEntries(statuses.map((status) => [status, problemResponse(Problem)]))
}

/** A problem response entry with a problem schema of its own (one that declares extension members). */
export function problemResponse (schema: TSchema): TSchema {
  return { description: 'RFC 9457 problem', content: { 'application/problem+json': { schema } } } as unknown as TSchema
}

export const AgencyId = Type.String({ pattern: AGENCY_ID_PATTERN, description: 'agency id: lowercase letters, digits and dashes' })
export const CountryCode = Type.String({ pattern: '^[A-Z]{2}$', description: 'ISO 3166-1 alpha-2 country code' })
export const Uuid = Type.String({ format: 'uuid' })
export const Base64url = Type.String({ pattern: '^[A-Za-z0-9_-]+$' })
