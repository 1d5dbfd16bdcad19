import { Type, type Static } from '@sinclair/typebox'
import { AGENCY_ID_PATTERN } from '../lib/agency-id.js'

/**
 * The records an agency publishes (protocol v1), as TypeBox schemas: one source for request
 * validation, bulk-import validation, the TypeScript types and the OpenAPI document (C5).
 * Every object is closed: an unknown field is an error, never silently dropped.
 */

export const CountryCode = Type.String({ pattern: '^[A-Z]{2}$', description: 'ISO 3166-1 alpha-2 country code' })
export const AgencyId = Type.String({ pattern: AGENCY_ID_PATTERN, description: 'agency id: lowercase letters, digits and dashes' })
export const IsoDate = Type.String({ format: 'date', description: 'calendar date, YYYY-MM-DD' })
const Text = (maxLength: number, description?: string) => Type.String({ minLength: 1, maxLength, description })

export const Regime = Type.Union([
  'eu', 'uk', 'wassenaar', 'us-eccn', 'us-usml', 'mtcr', 'nsg', 'ag', 'cwc', 'national'
].map((r) => Type.Literal(r)), { description: 'the control list a code belongs to: EU Annex I, UK consolidated list, Wassenaar, US CCL (ECCN), US USML, MTCR, NSG, Australia Group, CWC schedules, or a national list' })
export type Regime = Static<typeof Regime>

export const ControlCode = Type.Object({
  regime: Regime,
  code: Type.String({ minLength: 1, maxLength: 64, pattern: '^[A-Za-z0-9][A-Za-z0-9 ./()-]*$', description: 'the entry as the regime writes it, e.g. 3A001.a.1, ML10.a, 3.A.1.a.1, PL5017' })
}, { additionalProperties: false })
export type ControlCode = Static<typeof ControlCode>

export const PartyRole = Type.Union([
  'end_user', 'consignee', 'intermediate_consignee', 'purchaser', 'agent', 'third_party'
].map((r) => Type.Literal(r)))
export type PartyRole = Static<typeof PartyRole>

export const PartyIdentifier = Type.Object({
  scheme: Type.Union(['lei', 'vat', 'duns', 'registration', 'tax', 'imo', 'passport', 'other'].map((s) => Type.Literal(s))),
  value: Text(100),
  country: Type.Optional(CountryCode)
}, { additionalProperties: false })

export const Party = Type.Object({
  role: PartyRole,
  name: Text(500, 'legal or common name as the applicant gave it'),
  aliases: Type.Array(Text(500), { maxItems: 50, default: [] }),
  country: CountryCode,
  address: Type.Optional(Text(2000)),
  identifiers: Type.Array(PartyIdentifier, { maxItems: 20, default: [] })
}, { additionalProperties: false })
export type Party = Static<typeof Party>

export const Money = Type.Object({
  amount: Type.Number({ minimum: 0 }),
  currency: Type.String({ pattern: '^[A-Z]{3}$', description: 'ISO 4217' })
}, { additionalProperties: false })

export const Item = Type.Object({
  codes: Type.Array(ControlCode, { minItems: 1, maxItems: 20, description: 'control-list entries, one per regime that lists the item' }),
  description: Text(4000),
  manufacturer: Type.Optional(Text(500)),
  partNumber: Type.Optional(Text(200)),
  quantity: Type.Optional(Type.Number({ minimum: 0 })),
  unit: Type.Optional(Text(50)),
  value: Type.Optional(Money)
}, { additionalProperties: false })
export type Item = Static<typeof Item>

export const Reason = Type.Object({
  scheme: Type.String({ minLength: 1, maxLength: 50, description: 'e.g. eu-cp-2008-944 (Common Position criteria), wassenaar, ag, mtcr, nsg, national' }),
  code: Type.String({ minLength: 1, maxLength: 50, description: 'e.g. 7 (criterion seven)' }),
  text: Type.Optional(Text(2000))
}, { additionalProperties: false })

export const RegimeReference = Type.Object({
  regime: Regime,
  reference: Text(100, 'e.g. a Wassenaar or Australia Group notification number')
}, { additionalProperties: false })

export const Outcome = Type.Union([Type.Literal('granted'), Type.Literal('denied')])
export type Outcome = Static<typeof Outcome>

export const ConsultationAnswer = Type.Union([Type.Literal('no-objection'), Type.Literal('objection'), Type.Literal('more-information')])
export type ConsultationAnswer = Static<typeof ConsultationAnswer>

/**
 * A grant's citation of the consultation held with the denying agency before it was decided:
 * what makes the signed grant a "granted after consultation" notice (docs/divergence.md).
 */
export const ConsultationCitation = Type.Object({
  id: Type.String({ format: 'uuid', description: 'the consultation, as both agencies hold it' }),
  agency: AgencyId,
  denial: Type.Object({
    issuer: AgencyId,
    recordId: Type.String({ format: 'uuid' })
  }, { additionalProperties: false, description: 'the denial consulted about' }),
  answer: Type.Union([Type.Literal('no-objection'), Type.Literal('objection'), Type.Literal('none')], { description: 'the consulted agency\'s answer; none: no answer by the deadline' }),
  justification: Text(4000, 'why the licence is granted notwithstanding the denial')
}, { additionalProperties: false })
export type ConsultationCitation = Static<typeof ConsultationCitation>

/** Why a grant was recorded although it undercuts an allied denial in force, without a consultation covering it. */
export const UndercutOverride = Type.Object({
  reason: Text(4000, 'why the grant is recorded notwithstanding the allied denials it undercuts')
}, { additionalProperties: false })

/** A licence decision; a denial notice is a decision with outcome "denied". */
export const DecisionContent = Type.Object({
  reference: Text(100, 'our reference, unique among our decisions'),
  regimeReferences: Type.Array(RegimeReference, { maxItems: 10, default: [] }),
  outcome: Outcome,
  decisionDate: IsoDate,
  validFrom: Type.Optional(IsoDate),
  validUntil: Type.Optional(Type.String({ format: 'date', description: 'last day in force. Grants: end of the licence validity (none: until revoked); denials: end of the review window (the decision date plus DENIAL_REVIEW_YEARS when omitted)' })),
  destination: CountryCode,
  endUse: Type.String({ maxLength: 4000, default: '' }),
  parties: Type.Array(Party, { minItems: 1, maxItems: 50 }),
  items: Type.Array(Item, { minItems: 1, maxItems: 200 }),
  reasons: Type.Array(Reason, { maxItems: 20, default: [] }),
  licenceType: Type.Optional(Text(50, 'e.g. SIEL, OIEL')),
  notes: Type.Optional(Type.String({ maxLength: 4000 })),
  consultation: Type.Optional(ConsultationCitation),
  undercutOverride: Type.Optional(UndercutOverride)
}, { additionalProperties: false })
export type DecisionContent = Static<typeof DecisionContent>

/** The fields of a decision the service writes itself when recording a grant (`POST /v1/decisions`), never taken from an import. */
const { consultation: _citation, undercutOverride: _override, ...recordedFields } = DecisionContent.properties

export const ClassificationContent = Type.Object({
  item: Type.Object({
    description: Text(4000),
    manufacturer: Type.Optional(Text(500)),
    partNumber: Type.Optional(Text(200))
  }, { additionalProperties: false }),
  result: Type.Union([Type.Literal('listed'), Type.Literal('not_listed')]),
  codes: Type.Array(ControlCode, { maxItems: 20, default: [], description: 'the entries the item falls under; empty when not listed' }),
  classificationDate: IsoDate,
  rationale: Type.Optional(Type.String({ maxLength: 4000 }))
}, { additionalProperties: false })
export type ClassificationContent = Static<typeof ClassificationContent>

export const CrosswalkContent = Type.Object({
  from: ControlCode,
  to: ControlCode,
  relation: Type.Union([Type.Literal('equivalent'), Type.Literal('broader'), Type.Literal('narrower')], { description: 'how `from` relates to `to`: broader means `from` covers more than `to`' }),
  note: Type.Optional(Type.String({ maxLength: 2000 }))
}, { additionalProperties: false })
export type CrosswalkContent = Static<typeof CrosswalkContent>

export const Audience = Type.Array(AgencyId, { maxItems: 100, uniqueItems: true, description: 'the peer agencies that may see this record; omitted or empty: every enrolled peer' })

/** `POST /v1/decisions`, and one line of an NDJSON import: the decision and who may see it. */
export const DecisionInput = Type.Object({
  ...recordedFields,
  audience: Type.Optional(Audience)
}, { additionalProperties: false })
export type DecisionInput = Static<typeof DecisionInput>

export const ClassificationInput = Type.Object({
  ...ClassificationContent.properties,
  audience: Type.Optional(Audience)
}, { additionalProperties: false })
export type ClassificationInput = Static<typeof ClassificationInput>

export const CrosswalkInput = Type.Object({
  ...CrosswalkContent.properties,
  audience: Type.Optional(Audience)
}, { additionalProperties: false })
export type CrosswalkInput = Static<typeof CrosswalkInput>
