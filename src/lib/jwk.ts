import { Type, type Static } from '@sinclair/typebox'

// The one public JWK type (RFC 7517): the schema HTTP validates and documents with, and the
// static type the database columns, signing and the peers use (STYLE C5).

/** A public JSON Web Key: the members of an EdDSA, EC or RSA public key; private members (`d`, …) are refused. */
export const PublicJwk = Type.Object({
  kty: Type.String(),
  crv: Type.Optional(Type.String()),
  x: Type.Optional(Type.String()),
  y: Type.Optional(Type.String()),
  n: Type.Optional(Type.String()),
  e: Type.Optional(Type.String()),
  kid: Type.Optional(Type.String()),
  alg: Type.Optional(Type.String()),
  use: Type.Optional(Type.String()),
  // ours, not RFC 7517's (a JWK may carry more members; verifiers that do not know them ignore them): docs/federation.md
  status: Type.Optional(Type.Union([Type.Literal('current'), Type.Literal('retired'), Type.Literal('revoked')], { description: 'current: signs now; retired: signed before retiredAt, nothing after; revoked: not trusted for anything signed from revokedFrom on' })),
  retiredAt: Type.Optional(Type.String({ format: 'date-time' })),
  revokedFrom: Type.Optional(Type.String({ format: 'date-time' }))
}, { additionalProperties: false, description: 'a public JSON Web Key (RFC 7517); private members are refused. `status`, `retiredAt` and `revokedFrom` say whether the key may still be trusted' })
export type PublicJwk = Static<typeof PublicJwk>

/** A JWK Set (RFC 7517 §5) of public keys. */
export const Jwks = Type.Object({ keys: Type.Array(PublicJwk, { maxItems: 100 }) }, { additionalProperties: false })
export type Jwks = Static<typeof Jwks>
