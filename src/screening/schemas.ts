import { Type, type Static } from '@sinclair/typebox'
import { AgencyId, ControlCode, CountryCode, IsoDate, Outcome, Party } from '../records/index.js'

const closed = { additionalProperties: false } as const
const Text = (maxLength: number, description?: string) => Type.String({ minLength: 1, maxLength, description })
const Score = Type.Number({ minimum: 0, maximum: 1 })

export const ApplicationItem = Type.Object({
  codes: Type.Array(ControlCode, { maxItems: 20, default: [], description: 'the entries the item is rated under; may be empty when not yet rated' }),
  description: Text(4000),
  manufacturer: Type.Optional(Text(500)),
  partNumber: Type.Optional(Text(200))
}, closed)
export type ApplicationItem = Static<typeof ApplicationItem>

export const Application = Type.Object({
  reference: Type.Optional(Text(100, 'the application\'s reference in the officer\'s own system')),
  parties: Type.Array(Party, { minItems: 1, maxItems: 50 }),
  items: Type.Array(ApplicationItem, { minItems: 1, maxItems: 200 }),
  destination: CountryCode,
  endUse: Type.String({ maxLength: 4000, default: '' }),
  date: Type.Optional(Type.String({ format: 'date', description: 'the day the decision would be taken; today when omitted. Time windows are judged on it' }))
}, closed)
export type Application = Static<typeof Application>

export const ScreeningOptions = Type.Object({
  includeOwn: Type.Boolean({ default: false, description: 'also match our own decisions' }),
  includeInactive: Type.Boolean({ default: false, description: 'also match revoked and lapsed denials' }),
  includeSuppressed: Type.Boolean({ default: false, description: 'list hits an earlier disposition suppressed, under `suppressed`' }),
  includeFormerPeers: Type.Optional(Type.Boolean({ default: false, description: 'also match the records of peers removed with their records kept (left out unless said)' })),
  threshold: Type.Optional(Type.Number({ minimum: 0.5, maximum: 1, description: 'party match threshold; MATCH_PARTY_THRESHOLD when omitted' }))
}, closed)
export type ScreeningOptions = Static<typeof ScreeningOptions>

export const ScreeningRequest = Type.Object({
  applications: Type.Array(Application, { minItems: 1, maxItems: 50, description: 'screened one by one, each recorded on its own' }),
  options: Type.Optional(ScreeningOptions)
}, closed)
export type ScreeningRequest = Static<typeof ScreeningRequest>

const Feature = Type.Object({
  feature: Type.String(),
  value: Type.Union([Type.Number(), Type.String()]),
  contribution: Type.Number(),
  note: Type.String()
}, closed)

const Disposition = Type.Union([Type.Literal('exact'), Type.Literal('partial'), Type.Literal('not-identical'), Type.Literal('false-positive')], {
  description: 'exact: essentially identical; partial: related; not-identical and false-positive suppress this record for this party in later screenings'
})

const CodeRef = Type.Object({ regime: Type.String(), code: Type.String() }, closed)

export const PartyHit = Type.Object({
  applicationParty: Type.Integer({ minimum: 0, description: 'index of our party in the application' }),
  candidateParty: Type.Integer({ minimum: 0, description: 'index of their party in the record' }),
  candidateRole: Type.String(),
  score: Score,
  isMatch: Type.Boolean(),
  matched: Type.Object({
    queryName: Type.String({ description: 'which of our names matched' }),
    candidateName: Type.String({ description: 'which of theirs' }),
    candidateNameKind: Type.Union([Type.Literal('name'), Type.Literal('alias')])
  }, closed),
  features: Type.Array(Feature),
  explanation: Type.String()
}, closed)

export const ItemHit = Type.Object({
  applicationItem: Type.Integer({ minimum: 0 }),
  candidateItem: Type.Integer({ minimum: 0 }),
  relation: Type.Union(['same-entry', 'within', 'contains', 'crosswalk-equivalent', 'description-only', 'unrelated'].map((r) => Type.Literal(r)), {
    description: 'how our item relates to theirs: the same control entry, ours within theirs, theirs within ours, equivalent through a published crosswalk, alike by description or part number only'
  }),
  score: Score,
  codePairs: Type.Array(Type.Object({ query: CodeRef, candidate: CodeRef, relation: Type.String(), explanation: Type.String() }, closed)),
  features: Type.Array(Feature),
  explanation: Type.String()
}, closed)

export const HitRecord = Type.Object({
  issuer: AgencyId,
  recordId: Type.String({ format: 'uuid' }),
  own: Type.Boolean(),
  reference: Type.String(),
  outcome: Outcome,
  decisionDate: IsoDate,
  validUntil: Type.Union([IsoDate, Type.Null()]),
  revokedFrom: Type.Union([IsoDate, Type.Null()]),
  destination: CountryCode,
  version: Type.Integer({ minimum: 1 }),
  lifecycle: Type.Union([Type.Literal('in_force'), Type.Literal('revoked'), Type.Literal('lapsed')], { description: 'on the application\'s date' }),
  signature: Type.Object({
    status: Type.Union([Type.Literal('verified'), Type.Literal('own')], { description: 'verified: the issuer\'s signature and chain were verified when the entry was ingested; own: signed by us' }),
    entrySeq: Type.Integer({ minimum: 1 }),
    kid: Type.Union([Type.String(), Type.Null()]),
    storedAt: Type.String({ format: 'date-time' })
  }, closed)
}, closed)

export const PriorDisposition = Type.Object({
  screeningId: Type.String({ format: 'uuid' }),
  hitId: Type.String(),
  disposition: Disposition,
  reason: Type.String(),
  officer: Type.String(),
  decidedAt: Type.String({ format: 'date-time' })
}, closed)
export type PriorDisposition = Static<typeof PriorDisposition>

export const Hit = Type.Object({
  hitId: Type.String({ description: 'this hit within its screening: issuer, record id and our party' }),
  record: HitRecord,
  party: Type.Union([PartyHit, Type.Null()], { description: 'the best party pair; null when the hit is by item and destination only' }),
  item: Type.Union([ItemHit, Type.Null()], { description: 'the best item pair' }),
  destination: Type.Object({ application: CountryCode, candidate: CountryCode, same: Type.Boolean() }, closed),
  timeWindow: Type.Object({ inForce: Type.Boolean(), decidedBefore: Type.Boolean(), explanation: Type.String() }, closed),
  assessment: Type.Object({
    essentiallyIdentical: Type.Boolean({ description: 'party matched, items related by control entry, same destination, the record in force on the application\'s date' }),
    score: Score,
    summary: Type.String()
  }, closed),
  disposition: Type.Union([PriorDisposition, Type.Null()], { description: 'the latest disposition of this record for this party of ours, from any screening' }),
  suppressed: Type.Boolean()
}, closed)
export type Hit = Static<typeof Hit>

export const PartyTally = Type.Object({
  applicationParty: Type.Integer({ minimum: 0, description: 'index of our party in the application' }),
  name: Type.String({ description: 'our party\'s name, as the application gave it' }),
  listed: Type.Integer({ minimum: 0, description: 'hits listed (not suppressed) whose best party match is this party' }),
  others: Type.Object({
    granted: Type.Integer({ minimum: 0 }),
    denied: Type.Integer({ minimum: 0 })
  }, {
    ...closed,
    description: 'the other decisions naming a party that matches this one, counted by outcome and not listed: grants to other destinations ' +
      'or for unrelated items, denials no longer in force. `GET /v1/decisions?party=` lists them, with the same matcher'
  })
}, closed)
export type PartyTally = Static<typeof PartyTally>

export const ApplicationResult = Type.Object({
  screeningId: Type.String({ format: 'uuid' }),
  position: Type.Integer({ minimum: 0 }),
  reference: Type.Union([Type.String(), Type.Null()]),
  date: IsoDate,
  hits: Type.Array(Hit, {
    description: 'the decisions bearing on the application, ranked (essentially identical first, then denials in force, then by score): ' +
      'every denial in force naming a party that matches one of ours; every decision in force to the same destination with an item under a ' +
      'related control entry naming such a party; every denial in force to the same destination under a related entry, whoever it names'
  }),
  suppressed: Type.Array(Hit, { description: 'hits an earlier disposition suppressed; listed only with includeSuppressed' }),
  suppressedCount: Type.Integer({ minimum: 0 }),
  parties: Type.Array(PartyTally, { description: 'per party of ours, in the application\'s order: the hits listed and the other decisions counted (none for a screening stored before they were counted)' })
}, closed)
export type ApplicationResult = Static<typeof ApplicationResult>

export const ScreeningResult = Type.Object({
  batchId: Type.String({ format: 'uuid' }),
  officer: Type.String(),
  screenedAt: Type.String({ format: 'date-time' }),
  results: Type.Array(ApplicationResult)
}, closed)
export type ScreeningResult = Static<typeof ScreeningResult>

export const DispositionInput = Type.Object({
  disposition: Disposition,
  reason: Text(2000)
}, closed)
export type DispositionInput = Static<typeof DispositionInput>
