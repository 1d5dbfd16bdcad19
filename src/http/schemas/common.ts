import { Type, type Static, type TSchema } from '@sinclair/typebox'

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

/** Response entries for problem statuses, served as application/problem+json (RFC 9457). */
export function problems (...statuses: number[]): Record<number, TSchema> {
  return Object.fromEntries(statuses.map((status) => [status, {
    description: 'RFC 9457 problem',
    content: { 'application/problem+json': { schema: Problem } }
  } as unknown as TSchema]))
}

export const AgencyId = Type.String({ pattern: '^[a-z0-9][a-z0-9-]{1,62}$', description: 'agency id: lowercase letters, digits and dashes' })
export const CountryCode = Type.String({ pattern: '^[A-Z]{2}$', description: 'ISO 3166-1 alpha-2 country code' })
export const Uuid = Type.String({ format: 'uuid' })
export const Base64url = Type.String({ pattern: '^[A-Za-z0-9_-]+$' })

export const PublicJwk = Type.Object({
  kty: Type.String(),
  crv: Type.Optional(Type.String()),
  x: Type.Optional(Type.String()),
  y: Type.Optional(Type.String()),
  n: Type.Optional(Type.String()),
  e: Type.Optional(Type.String()),
  kid: Type.Optional(Type.String()),
  alg: Type.Optional(Type.String()),
  use: Type.Optional(Type.String())
}, { additionalProperties: false, description: 'a public JSON Web Key (RFC 7517); private members are refused' })
export const Jwks = Type.Object({ keys: Type.Array(PublicJwk, { maxItems: 100 }) }, { additionalProperties: false })
