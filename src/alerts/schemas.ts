import { Type, type Static } from '@sinclair/typebox'
import { AgencyId, CountryCode, PartyIdentifier } from '../records/index.js'
import { Application } from '../screening/index.js'

const closed = { additionalProperties: false } as const
const Uuid = Type.String({ format: 'uuid' })
const DateTime = Type.String({ format: 'date-time' })
const Text = (maxLength: number, description?: string) => Type.String({ minLength: 1, maxLength, description })
const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(schema: T) => Type.Union([schema, Type.Null()])

export const CaseState = Type.Union([Type.Literal('open'), Type.Literal('decided'), Type.Literal('withdrawn')], {
  description: 'open: watched, every allied record stored is matched against it; decided: a decision was recorded for it; withdrawn'
})
export type CaseState = Static<typeof CaseState>

/** `POST /v1/cases`: a pending application of ours, from a screening already run or as an application (screened now). */
export const CaseOpening = Type.Object({
  reference: Type.Optional(Text(100, 'our reference for the application; default: the application\'s reference')),
  screeningId: Type.Optional(Type.String({ format: 'uuid', description: 'a screening already run: its application is the case\'s, its hits the case\'s first' })),
  application: Type.Optional(Application)
}, { ...closed, description: 'exactly one of screeningId and application' })
export type CaseOpening = Static<typeof CaseOpening>

export const CaseWithdrawal = Type.Object({ reason: Text(4000, 'why the case is no longer pending, e.g. the applicant withdrew') }, closed)
export type CaseWithdrawal = Static<typeof CaseWithdrawal>

export const CaseQuery = Type.Object({
  state: Type.Optional(CaseState),
  mine: Type.Optional(Type.Boolean({ description: 'only the cases the caller opened' })),
  limit: Type.Integer({ minimum: 1, maximum: 200, default: 50 }),
  cursor: Type.Optional(Type.String({ maxLength: 500 }))
}, closed)
export type CaseQuery = Static<typeof CaseQuery>

export const CaseSummary = Type.Object({
  id: Uuid,
  reference: Type.String(),
  officer: Type.String({ description: 'who opened it, and who its alerts go to' }),
  state: CaseState,
  destination: CountryCode,
  parties: Type.Array(Type.String(), { description: 'the names of its parties' }),
  screeningId: Nullable(Uuid),
  decision: Nullable(Type.Object({ issuer: AgencyId, recordId: Uuid }, closed)),
  closeReason: Nullable(Type.String()),
  openedAt: DateTime,
  closedAt: Nullable(DateTime),
  hits: Type.Integer({ minimum: 0, description: 'its hits that hold: those of its screening and those alerted since' })
}, closed)
export type CaseSummary = Static<typeof CaseSummary>

export const ALERT_KINDS = [
  'case-hit', 'watch-hit', 'consultation-received', 'consultation-deadline', 'denial-review-due', 'divergence-opened', 'divergence-escalated', 'peer-quarantined', 'peer-lagging'
] as const
export const AlertKind = Type.Union(ALERT_KINDS.map((k) => Type.Literal(k)), {
  description: 'case-hit: a record stored is a hit for an open case (its officer); watch-hit: an allied decision names a watched party; consultation-received: a request, reply or information from an ally; consultation-deadline: a consultation\'s deadline approaching or passed; denial-review-due: our denial nearing the end of its review window (officers); divergence-opened, divergence-escalated (auditors); peer-quarantined, peer-lagging (administrators)'
})
export type AlertKind = Static<typeof AlertKind>

export const AlertView = Type.Object({
  id: Uuid,
  kind: AlertKind,
  recipient: Type.Object({
    user: Nullable(Type.String()),
    role: Nullable(Type.String())
  }, { ...closed, description: 'whom it is for: one user, or everyone holding a role' }),
  subject: Type.Object({ type: Type.String(), id: Type.String() }, { ...closed, description: 'what it is about: a case, a watched party' }),
  record: Nullable(Type.Object({ issuer: AgencyId, recordId: Uuid, version: Type.Integer({ minimum: 1 }) }, closed)),
  holds: Type.Boolean({ description: 'false once the record was revoked or lapsed, or is no longer a hit' }),
  title: Type.String(),
  explanation: Type.String({ description: 'why: the matcher\'s explanation, as screening gives it' }),
  detail: Type.Unknown({ description: 'the finding: a case-hit carries the screening hit, a watch-hit the party match' }),
  raisedAt: DateTime,
  updatedAt: DateTime,
  acknowledged: Nullable(Type.Object({ at: DateTime, by: Type.String() }, closed))
}, closed)
export type AlertView = Static<typeof AlertView>

export const CaseView = Type.Object({
  ...Type.Omit(CaseSummary, ['hits']).properties,
  hitCount: CaseSummary.properties.hits,
  application: Application,
  hits: Type.Array(AlertView, { description: 'every hit of the case: those of its screening (acknowledged when it opened) and those alerted since, newest first' })
}, closed)
export type CaseView = Static<typeof CaseView>

export const AlertQuery = Type.Object({
  kind: Type.Optional(AlertKind),
  acknowledged: Type.Optional(Type.Boolean({ description: 'false: only those still to read; true: only those read' })),
  holds: Type.Optional(Type.Boolean()),
  caseId: Type.Optional(Type.String({ format: 'uuid' })),
  since: Type.Optional(Type.String({ format: 'date-time', description: 'raised at or after this instant' })),
  limit: Type.Integer({ minimum: 1, maximum: 200, default: 50 }),
  cursor: Type.Optional(Type.String({ maxLength: 500 }))
}, closed)
export type AlertQuery = Static<typeof AlertQuery>

export const WatchedPartyInput = Type.Object({
  name: Text(500),
  aliases: Type.Array(Text(500), { maxItems: 50, default: [] }),
  identifiers: Type.Array(PartyIdentifier, { maxItems: 20, default: [] }),
  country: Type.Optional(CountryCode),
  note: Type.String({ maxLength: 2000, default: '', description: 'why it is watched' }),
  forAgency: Type.Boolean({ default: false, description: 'watched for the agency (every officer is alerted), not for the caller alone' })
}, closed)
export type WatchedPartyInput = Static<typeof WatchedPartyInput>

export const WatchedPartyView = Type.Object({
  id: Uuid,
  owner: Type.String({ description: 'a user, or "agency"' }),
  name: Type.String(),
  aliases: Type.Array(Type.String()),
  identifiers: Type.Array(PartyIdentifier),
  country: Nullable(CountryCode),
  note: Type.String(),
  createdBy: Type.String(),
  createdAt: DateTime
}, closed)
export type WatchedPartyView = Static<typeof WatchedPartyView>

export const WebhookInput = Type.Object({
  url: Type.String({ minLength: 1, maxLength: 2000, description: 'where each alert is POSTed, as a JWS (application/jose) signed with the agency\'s key: verify it with our /.well-known/jwks.json' }),
  events: Type.Array(AlertKind, { maxItems: 20, default: [], description: 'the kinds of alert it receives; empty: every kind' }),
  description: Type.String({ maxLength: 500, default: '' })
}, closed)
export type WebhookInput = Static<typeof WebhookInput>

export const WebhookUpdate = Type.Object({
  url: Type.Optional(WebhookInput.properties.url),
  events: Type.Optional(WebhookInput.properties.events),
  description: Type.Optional(WebhookInput.properties.description),
  enabled: Type.Optional(Type.Boolean({ description: 'false: nothing more is queued for it; what is queued is refused' }))
}, { ...closed, minProperties: 1 })
export type WebhookUpdate = Static<typeof WebhookUpdate>

export const WebhookView = Type.Object({
  id: Uuid,
  url: Type.String(),
  events: Type.Array(AlertKind),
  description: Type.String(),
  enabled: Type.Boolean(),
  createdBy: Type.String(),
  createdAt: DateTime,
  deliveries: Type.Object({
    delivered: Type.Integer({ minimum: 0 }),
    waiting: Type.Integer({ minimum: 0 }),
    failing: Type.Integer({ minimum: 0, description: 'waiting after at least one failed attempt' }),
    refused: Type.Integer({ minimum: 0 }),
    givenUp: Type.Integer({ minimum: 0 }),
    lastError: Nullable(Type.String())
  }, closed)
}, closed)
export type WebhookView = Static<typeof WebhookView>

/** What a webhook receives: the payload of the JWS POSTed (typ reciprocity-alert+jws). */
export const WebhookPayload = Type.Object({
  iss: AgencyId,
  deliveryId: Type.Integer({ description: 'the same on every attempt of one delivery: a receiver that saw it already ignores it' }),
  sentAt: DateTime,
  alert: AlertView
}, closed)
export type WebhookPayload = Static<typeof WebhookPayload>
