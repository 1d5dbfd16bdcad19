import { Type, type Static, type TSchema } from '@sinclair/typebox'
import {
  AgencyId, ClassificationContent, CountryCode, CrosswalkContent, DecisionContent, IsoDate, Outcome,
  type OwnRecord, type PublishedRecord, type RecordKind, type RecordVersion
} from '../../records/index.js'
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

export const DecisionQuery = Type.Object({
  outcome: Type.Optional(Outcome),
  destination: Type.Optional(CountryCode),
  status: Type.Optional(Lifecycle),
  reference: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })),
  ...dateRange,
  q: Type.Optional(Type.String({ minLength: 2, maxLength: 200, description: 'a party name or alias contains this (case-insensitive)' })),
  ...paging
}, closed)

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
export const ImportBody = {
  content: {
    'text/csv': { schema: Type.Unknown({ description: 'a header row, then one row per decision × party or item (docs/records.md, "Import")' }) },
    'application/x-ndjson': { schema: Type.Unknown({ description: 'one POST /v1/decisions body per line' }) }
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
export const classificationView = (record: OwnRecord<'classification'>): ClassificationView => ({ ...metaOf(record), classification: record.content })
export const crosswalkView = (record: OwnRecord<'crosswalk'>): CrosswalkView => ({ ...metaOf(record), crosswalk: record.content })

export const publishedView = <K extends RecordKind, V> (view: (record: OwnRecord<K>) => V, published: PublishedRecord<K>) =>
  ({ record: view(published.record), entry: published.entry })

export const detailView = <K extends RecordKind, V> (view: (record: OwnRecord<K>) => V, detail: { record: OwnRecord<K>, versions: RecordVersion[] }) => ({
  record: view(detail.record),
  versions: detail.versions.map((v) => ({ ...v, publishedAt: v.publishedAt.toISOString() }))
})
