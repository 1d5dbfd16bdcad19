import { Type, type Static } from '@sinclair/typebox'
import { Jwks } from '../../lib/jwk.js'
import { AgencyId, CountryCode } from './common.js'

export const PeerEnrolment = Type.Object({
  agencyId: AgencyId,
  name: Type.String({ minLength: 1, maxLength: 200 }),
  country: CountryCode,
  baseUrl: Type.String({ pattern: '^https?://[^\\s]+$', maxLength: 2000 }),
  jwks: Type.Optional(Jwks),
  jwksUrl: Type.Optional(Type.String({ pattern: '^https?://[^\\s]+$', maxLength: 2000 }))
}, { additionalProperties: false })
export type PeerEnrolment = Static<typeof PeerEnrolment>

const Nullable = <T extends ReturnType<typeof Type.String> | ReturnType<typeof Type.Integer>>(schema: T) => Type.Union([schema, Type.Null()])
const DateTime = Type.String({ format: 'date-time' })

export const PeerSyncView = Type.Object({
  state: Type.Union(['active', 'backing_off', 'quarantined', 'disabled', 'removed'].map((s) => Type.Literal(s)), { description: 'active, backing off after a transient failure, quarantined after a verification failure, disabled, or removed with its records kept' }),
  cursor: Type.Integer({ description: 'the last seq of the peer\'s feed we hold' }),
  headSeq: Nullable(Type.Integer({ description: 'the peer\'s head seq in its last signed checkpoint we verified' })),
  lag: Nullable(Type.Integer({ description: 'headSeq - cursor' })),
  lastAttemptAt: Nullable(DateTime),
  lastSuccessAt: Nullable(DateTime),
  lastErrorCode: Nullable(Type.String()),
  lastError: Nullable(Type.String()),
  lastErrorAt: Nullable(DateTime),
  nextAttemptAt: Nullable(DateTime),
  entriesIngested: Type.Integer(),
  verificationFailures: Type.Integer(),
  quarantineEvidence: Type.Union([Type.Record(Type.String(), Type.Unknown()), Type.Null()], { description: 'what made us quarantine the peer: the offending entry or checkpoints' })
}, { additionalProperties: false })
export type PeerSyncView = Static<typeof PeerSyncView>

export const PeerView = Type.Object({
  agencyId: Type.String(),
  name: Type.String(),
  country: Type.String(),
  baseUrl: Type.String(),
  jwksUrl: Type.Union([Type.String(), Type.Null()]),
  keyIds: Type.Array(Type.String()),
  keyStatuses: Type.Array(Type.Object({
    kid: Type.String(),
    status: Type.Union([Type.Literal('retired'), Type.Literal('revoked')]),
    since: Type.String({ format: 'date-time', description: 'retired: when; revoked: from when it is not trusted' }),
    seq: Nullable(Type.Integer({ description: 'the entry of its feed that said so; null: learned from its JWKS' }))
  }, { additionalProperties: false }), { description: 'what the peer said of its keys that limits them (docs/federation.md)' }),
  status: Type.Union([Type.Literal('active'), Type.Literal('disabled'), Type.Literal('quarantined'), Type.Literal('removed')], {
    description: 'removed: removed with its records kept (DELETE ?records=keep); PATCH status active reinstates it'
  }),
  statusReason: Type.Union([Type.String(), Type.Null()]),
  createdAt: Type.String({ format: 'date-time' }),
  updatedAt: Type.String({ format: 'date-time' }),
  sync: PeerSyncView
}, { additionalProperties: false })
export type PeerView = Static<typeof PeerView>

/** What an administrator may change of a peer (PATCH): its status, where it answers, its keys. */
export const PeerChange = Type.Object({
  status: Type.Optional(Type.Union([Type.Literal('active'), Type.Literal('disabled')])),
  reason: Type.Optional(Type.String({ maxLength: 2000 })),
  baseUrl: Type.Optional(Type.String({ pattern: '^https?://[^\\s]+$', maxLength: 2000 })),
  jwks: Type.Optional(Jwks),
  jwksUrl: Type.Optional(Type.Union([Type.String({ pattern: '^https?://[^\\s]+$', maxLength: 2000 }), Type.Null()], { description: 'null: keep the keys as they are, fetched from no URL' }))
}, { additionalProperties: false, minProperties: 1 })
export type PeerChange = Static<typeof PeerChange>

export const PeerUpdate = Type.Object({
  status: Type.Union([Type.Literal('active'), Type.Literal('disabled')]),
  reason: Type.Optional(Type.String({ maxLength: 2000 }))
}, { additionalProperties: false })

export const PeerRemovalQuery = Type.Object({
  records: Type.Union([Type.Literal('keep'), Type.Literal('purge')], {
    description: 'keep: the peer stays as `removed`, its records held (marked as from a former peer, left out of screening and detection); purge: its records, entries and sync state are deleted, its divergences resolved, and it may be enrolled again'
  })
}, { additionalProperties: false })
export type PeerRemovalQuery = Static<typeof PeerRemovalQuery>

export const PeerRemoval = Type.Object({
  agencyId: Type.String(),
  records: Type.Union([Type.Literal('keep'), Type.Literal('purge')]),
  counts: Type.Object({
    records: Type.Integer({ description: 'its records we hold (keep) or deleted (purge)' }),
    entries: Type.Integer({ description: 'feed entries deleted (0 with keep)' }),
    divergencesResolved: Type.Integer({ description: 'divergences naming its records resolved (0 with keep)' }),
    alertsNoLongerHolding: Type.Integer({ description: 'alerts about its records marked as no longer holding (0 with keep)' }),
    inboxPending: Type.Integer(),
    witnessViews: Type.Integer()
  }, { additionalProperties: false }),
  peer: Type.Union([PeerView, Type.Null()], { description: 'the peer as it is now (keep); null once purged' })
}, { additionalProperties: false })
export type PeerRemoval = Static<typeof PeerRemoval>
