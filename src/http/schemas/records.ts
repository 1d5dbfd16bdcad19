import { Type, type Static, type TSchema } from '@sinclair/typebox'
import {
  AgencyId, ClassificationContent, CountryCode, CrosswalkContent, DecisionContent, IsoDate, Outcome, Regime,
  type OwnRecord, type PublishedRecord, type RecordKind, type RecordVersion
} from '../../records/index.js'
import type { ListedDecision } from '../../records/index.js'
import { Base64url, Uuid } from './common.js'

const closed = { additionalProperties: false } as const
const DateTime = Type.String({ format: 'date-time' })
const Reason = Type.String({ minLength: 1, maxLength: 2000, description: 'why: kept in the signed entry' })
const Version = Type.Integer({ minimum: 1, description: 'the version this change applies to: the current one, or 409 RECORD_SUPERSEDED' })

export const Lifecycle = Type.Union([Type.Literal('in_force'), Type.Literal('revoked'), Type.Literal('lapsed')], {
  description: 'computed when read: revoked from the revocation\'s effective date, lapsed after validUntil, in force otherwise'
})

export const EntryRef = Type.Object({
  seq: Type.Integer({ minimum: 1 }),
  hash: Base64url,
  entryId: Uuid
}, { ...closed, description: 'the feed entry that published this version' })
export type EntryRef = Static<typeof EntryRef>

const RecordMeta = {
  id: Uuid,
  version: Type.Integer({ minimum: 1 }),
  status: Lifecycle,
  revokedFrom: Type.Union([IsoDate, Type.Null()]),
  audience: Type.Array(AgencyId, { description: 'the peers that see this record; empty: every enrolled peer' }),
  latestSeq: Type.Integer({ minimum: 1, description: 'seq of the entry that published the current version' }),
  createdAt: DateTime,
  updatedAt: DateTime
}

export const DecisionView = Type.Object({ ...RecordMeta, decision: DecisionContent }, closed)
export type DecisionView = Static<typeof DecisionView>
export const ClassificationView = Type.Object({ ...RecordMeta, classification: ClassificationContent }, closed)
export type ClassificationView = Static<typeof ClassificationView>
export const CrosswalkView = Type.Object({ ...RecordMeta, crosswalk: CrosswalkContent }, closed)
export type CrosswalkView = Static<typeof CrosswalkView>

export const DecisionListItem = Type.Object({
  issuer: AgencyId,
  own: Type.Boolean({ description: 'issued by us' }),
  id: Uuid,
  version: Type.Integer({ minimum: 1 }),
  status: Lifecycle,
  revokedFrom: Type.Union([IsoDate, Type.Null()]),
  latestSeq: Type.Integer({ minimum: 1, description: 'seq, in the issuer\'s feed, of the entry that published the current version' }),
  signature: Type.Object({
    status: Type.Union([Type.Literal('own'), Type.Literal('verified')], {
      description: 'verified: the issuer\'s signature and hash chain were verified when we stored the entry; own: signed by us'
    }),
    entrySeq: Type.Integer({ minimum: 1 }),
    kid: Type.Union([Type.String(), Type.Null()], { description: 'the key that signed the entry' }),
    storedAt: DateTime
  }, closed),
  decision: DecisionContent,
  formerPeer: Type.Optional(Type.Boolean({ description: 'present (true) for a decision of a peer removed with its records kept: held, but left out of screening and divergence detection' })),
  match: Type.Optional(Type.Object({
    party: Type.Integer({ minimum: 0, description: 'index of their party in decision.parties' }),
    matched: Type.Object({
      queryName: Type.String({ description: 'the name searched for' }),
      candidateName: Type.String({ description: 'their name or alias that matched it' }),
      candidateNameKind: Type.Union([Type.Literal('name'), Type.Literal('alias')])
    }, closed),
    score: Type.Number({ minimum: 0, maximum: 1 }),
    explanation: Type.String()
  }, { ...closed, description: 'with `party` only: how their party matched' }))
}, { ...closed, description: 'one of our decisions or an ally\'s, as it stands today' })
export type DecisionListItem = Static<typeof DecisionListItem>

export const VersionView = Type.Object({
  version: Type.Integer({ minimum: 1 }),
  kind: Type.String({ description: 'entry kind: decision, classification, crosswalk, amendment, revocation or renewal' }),
  seq: Type.Integer({ minimum: 1 }),
  hash: Base64url,
  entryId: Uuid,
  publishedAt: DateTime,
  body: Type.Record(Type.String(), Type.Unknown(), { description: 'the signed entry body (docs/records.md)' })
}, closed)

export const Published = <T extends TSchema>(view: T) => Type.Object({ record: view, entry: EntryRef }, closed)
export const Detail = <T extends TSchema>(view: T) => Type.Object({ record: view, versions: Type.Array(VersionView, { description: 'every version, oldest first' }) }, closed)
export const Page = <T extends TSchema>(view: T) => Type.Object({
  records: Type.Array(view),
  nextCursor: Type.Union([Type.String(), Type.Null()], { description: 'pass as `cursor` for the next page; null on the last one' })
}, closed)

export const RecordParams = Type.Object({ id: Uuid }, closed)

const paging = {
  limit: Type.Integer({ minimum: 1, maximum: 500, default: 50 }),
  cursor: Type.Optional(Type.String({ maxLength: 200, description: 'nextCursor of the previous page' }))
}
const dateRange = {
  from: Type.Optional(IsoDate),
  to: Type.Optional(IsoDate)
}

/** A shared schema with its own description, for one parameter. */
const described = <T extends TSchema>(schema: T, description: string): T => ({ ...schema, description })
/** Literals as one `enum`: a bad value is one error, not one per literal as with a union. */
const enumOf = <T extends string>(values: readonly T[], options: { default?: T, description: string }) =>
  Type.Unsafe<T>({ type: 'string', enum: values, ...options })

export const DecisionQuery = Type.Object({
  party: Type.Optional(Type.String({
    minLength: 2,
    maxLength: 200,
    description: 'a party\'s name, matched fuzzily (transliteration, legal forms, joined or split words, spelling variants) against every ' +
      'party\'s name and aliases. Decisions whose best party scores at least MATCH_PARTY_THRESHOLD are listed, best match first, each ' +
      'with its `match`. Only the MATCH_CANDIDATES decisions whose party names are nearest by trigrams are scored'
  })),
  country: Type.Optional(described(CountryCode, 'a party is in this country; with `party`, the party that matches is')),
  destination: Type.Optional(CountryCode),
  regime: Type.Optional(enumOf(Regime.anyOf.map((r) => r.const), { description: 'the control list `code` is written in; required with `code`' })),
  code: Type.Optional(Type.String({
    minLength: 1,
    maxLength: 64,
    description: 'a control-list entry: decisions with an item under it or under an entry within it, in any list sharing its numbering ' +
      '(EU, UK and Wassenaar dual-use and military entries are one numbering: regime=eu&code=3A001 finds wassenaar 3.A.1.a.1). ' +
      'Crosswalks are not followed. Required with `regime`'
  })),
  outcome: Type.Optional(Outcome),
  issuer: Type.Optional(described(AgencyId, 'the agency that issued the decision: ours or a peer\'s')),
  scope: enumOf<'all' | 'own' | 'allied'>(['all', 'own', 'allied'], { default: 'all', description: 'all: ours and our peers\'; own: ours only; allied: our peers\' only' }),
  status: Type.Optional(Lifecycle),
  inForce: Type.Optional(Type.Boolean({ description: 'true: status in_force; false: revoked or lapsed' })),
  reference: Type.Optional(Type.String({ minLength: 1, maxLength: 100, description: 'the issuer\'s reference' })),
  ...dateRange,
  ...paging
}, { ...closed, description: 'filters combine; dates are decision dates, inclusive' })

export const ClassificationQuery = Type.Object({ status: Type.Optional(Lifecycle), ...dateRange, ...paging }, closed)
export const CrosswalkQuery = Type.Object({ status: Type.Optional(Lifecycle), ...paging }, closed)

export const Revocation = Type.Object({
  version: Version,
  reason: Reason,
  effectiveDate: Type.Optional(IsoDate)
}, { ...closed, description: 'effectiveDate: the first day the record is no longer in force (default: today, UTC)' })

export const Renewal = Type.Object({
  version: Version,
  reason: Reason,
  validUntil: Type.Optional(IsoDate)
}, { ...closed, description: 'validUntil: the new end (a denial: default today plus DENIAL_REVIEW_YEARS; a grant: required)' })

export const DecisionAmendment = Type.Object({ version: Version, reason: Reason, decision: DecisionContent }, closed)
export const ClassificationAmendment = Type.Object({ version: Version, reason: Reason, classification: ClassificationContent }, closed)
export const CrosswalkAmendment = Type.Object({ version: Version, reason: Reason, crosswalk: CrosswalkContent }, closed)

export const ImportResult = Type.Object({
  imported: Type.Integer({ minimum: 0 }),
  firstSeq: Type.Union([Type.Integer(), Type.Null()]),
  lastSeq: Type.Union([Type.Integer(), Type.Null()])
}, closed)

/** The request body of an import, documented per media type; the stream itself is read by the records capability. */
const CSV_EXAMPLE = [
  'reference,outcome,decision_date,destination,reasons,party_name,party_country,item_codes,item_description,item_value,item_currency',
  'UK-SIEL-2008-000597,denied,2008-01-31,IL,eu-cp-2008-944:7,Wahab Karwan Construction Company,IL,eu:1C350,chemical precursors,,',
  'UK-SIEL-2008-000597,,,,,Wahab Karwan Construction Company,IL,eu:1C450,toxic chemicals,,',
  'UK-SIEL-2008-000613,granted,2008-01-31,LK,,Zurmat Construction Company,LK,uk:ML10,aircraft components,19000,GBP',
  ''
].join('\n')
const NDJSON_EXAMPLE = `${JSON.stringify({
  reference: 'UK-SIEL-2008-000597',
  outcome: 'denied',
  decisionDate: '2008-01-31',
  destination: 'IL',
  reasons: [{ scheme: 'eu-cp-2008-944', code: '7' }],
  parties: [{ role: 'end_user', name: 'Wahab Karwan Construction Company', country: 'IL' }],
  items: [{ codes: [{ regime: 'eu', code: '1C350' }], description: 'chemical precursors' }]
})}\n`

export const ImportBody = {
  content: {
    'text/csv': { schema: Type.Unknown({ description: 'a header row, then one row per decision × party or item (docs/records.md, "Import")', examples: [CSV_EXAMPLE] }) },
    'application/x-ndjson': { schema: Type.Unknown({ description: 'one POST /v1/decisions body per line', examples: [NDJSON_EXAMPLE] }) }
  }
} as unknown as TSchema

function metaOf (record: OwnRecord) {
  return {
    id: record.recordId,
    version: record.version,
    status: record.lifecycle,
    revokedFrom: record.revokedFrom,
    audience: record.audience,
    latestSeq: record.latestSeq,
    createdAt: record.createdAt.toISOString(),
    updatedAt: record.updatedAt.toISOString()
  }
}

export const decisionView = (record: OwnRecord<'decision'>): DecisionView => ({ ...metaOf(record), decision: record.content })
export const decisionListItem = (d: ListedDecision): DecisionListItem => ({
  issuer: d.issuer,
  own: d.own,
  id: d.recordId,
  version: d.version,
  status: d.lifecycle,
  revokedFrom: d.revokedFrom,
  latestSeq: d.latestSeq,
  signature: { ...d.signature, storedAt: d.signature.storedAt.toISOString() },
  decision: d.content,
  ...(d.formerPeer === true ? { formerPeer: true } : {}),
  ...(d.match === undefined ? {} : { match: d.match })
})
export const classificationView = (record: OwnRecord<'classification'>): ClassificationView => ({ ...metaOf(record), classification: record.content })
export const crosswalkView = (record: OwnRecord<'crosswalk'>): CrosswalkView => ({ ...metaOf(record), crosswalk: record.content })

export const publishedView = <K extends RecordKind, V> (view: (record: OwnRecord<K>) => V, published: PublishedRecord<K>) =>
  ({ record: view(published.record), entry: published.entry })

export const detailView = <K extends RecordKind, V> (view: (record: OwnRecord<K>) => V, detail: { record: OwnRecord<K>, versions: RecordVersion[] }) => ({
  record: view(detail.record),
  versions: detail.versions.map((v) => ({ ...v, publishedAt: v.publishedAt.toISOString() }))
})
