import { Type, type Static } from '@sinclair/typebox'
import { AgencyId, CountryCode, Jwks } from './common.js'

export const PeerEnrolment = Type.Object({
  agencyId: AgencyId,
  name: Type.String({ minLength: 1, maxLength: 200 }),
  country: CountryCode,
  baseUrl: Type.String({ pattern: '^https?://[^\\s]+$', maxLength: 2000 }),
  jwks: Type.Optional(Jwks),
  jwksUrl: Type.Optional(Type.String({ pattern: '^https?://[^\\s]+$', maxLength: 2000 }))
}, { additionalProperties: false })
export type PeerEnrolment = Static<typeof PeerEnrolment>

export const PeerView = Type.Object({
  agencyId: Type.String(),
  name: Type.String(),
  country: Type.String(),
  baseUrl: Type.String(),
  jwksUrl: Type.Union([Type.String(), Type.Null()]),
  keyIds: Type.Array(Type.String()),
  status: Type.Union([Type.Literal('active'), Type.Literal('disabled'), Type.Literal('quarantined')]),
  statusReason: Type.Union([Type.String(), Type.Null()]),
  createdAt: Type.String({ format: 'date-time' }),
  updatedAt: Type.String({ format: 'date-time' })
}, { additionalProperties: false })
export type PeerView = Static<typeof PeerView>

export const PeerUpdate = Type.Object({
  status: Type.Union([Type.Literal('active'), Type.Literal('disabled')]),
  reason: Type.Optional(Type.String({ maxLength: 2000 }))
}, { additionalProperties: false })
