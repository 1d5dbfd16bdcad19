import { Type, type Static } from '@sinclair/typebox'
import { DIVERGENCE_KINDS, DIVERGENCE_STATES, DivergenceKind, SEVERITIES } from '../divergence/index.js'

// The divergence report (issue #5, docs/divergence.md "Reports"): one TypeBox schema for the
// JSON response, its OpenAPI entry and the type the report function returns (C5).

const closed = { additionalProperties: false } as const
const Count = Type.Integer({ minimum: 0 })
const IsoDate = Type.String({ format: 'date' })

const countsOf = <K extends string>(keys: readonly K[], description: string) =>
  Type.Object(Object.fromEntries(keys.map((k) => [k, Count])) as Record<K, typeof Count>, { ...closed, description })

const Bucket = Type.Object({
  label: Type.String(),
  fromDays: Type.Integer({ minimum: 0, description: 'inclusive' }),
  toDays: Type.Union([Type.Integer(), Type.Null()], { description: 'exclusive; null: no upper bound' }),
  count: Count
}, closed)

export const DivergenceReport = Type.Object({
  agency: Type.String({ description: 'the agency that computed the report, from the records it holds' }),
  generatedAt: Type.String({ format: 'date-time' }),
  period: Type.Object({
    from: Type.Union([IsoDate, Type.Null()]),
    to: Type.Union([IsoDate, Type.Null()])
  }, { ...closed, description: 'on the detection time, UTC days, both inclusive; null: unbounded' }),
  filters: Type.Object({
    kind: Type.Union([DivergenceKind, Type.Null()]),
    agency: Type.Union([Type.String(), Type.Null()]),
    destination: Type.Union([Type.String(), Type.Null()])
  }, closed),
  totals: Type.Object({
    divergences: Count,
    outstanding: Type.Integer({ minimum: 0, description: 'open, acknowledged or escalated: awaiting an outcome' }),
    resolved: Count,
    byKind: countsOf(DIVERGENCE_KINDS, 'every kind, zero included'),
    bySeverity: countsOf(SEVERITIES, 'every severity, zero included'),
    byState: countsOf(DIVERGENCE_STATES, 'every state, zero included')
  }, closed),
  perAgency: Type.Array(Type.Object({
    agency: Type.String(),
    total: Type.Integer({ minimum: 0, description: 'divergences naming this agency as first or second issuer' }),
    asFirst: Type.Integer({ minimum: 0, description: 'as the issuer of the denial (undercut, divergent outcome) or of the earlier classification' }),
    asSecond: Type.Integer({ minimum: 0, description: 'as the issuer of the grant or of the later classification' }),
    outstanding: Count
  }, closed), { description: 'most divergences first; a divergence counts for both of its agencies' }),
  perMonth: Type.Array(Type.Object({
    month: Type.String({ pattern: '^[0-9]{4}-[0-9]{2}$' }),
    decided: Type.Integer({ minimum: 0, description: 'whose later decision (or classification) was taken in this month: when the divergence arose' }),
    detected: Type.Integer({ minimum: 0, description: 'detected in this month (UTC): a sync brings a year of an ally\'s decisions in one day' }),
    resolved: Type.Integer({ minimum: 0, description: 'of the report\'s divergences, resolved in this month (UTC)' })
  }, closed), { description: 'every month from the first to the last with a decision, a detection or a resolution, zeros included' }),
  byControlCategory: Type.Array(Type.Object({
    controlCategory: Type.Union([Type.String(), Type.Null()], { description: 'null: no category could be derived' }),
    name: Type.Union([Type.String(), Type.Null()], { description: 'the category\'s name (dual-use categories 0 to 9, military ML1 to ML22); null when it has none we know' }),
    total: Count,
    outstanding: Count
  }, closed), { description: 'most divergences first' }),
  byDestination: Type.Array(Type.Object({
    destination: Type.Union([Type.String(), Type.Null()], { description: 'null: not a decision pair (classifications)' }),
    total: Count,
    outstanding: Count
  }, closed), { description: 'most divergences first' }),
  timeToResolution: Type.Object({
    resolved: Count,
    medianDays: Type.Union([Type.Number(), Type.Null()], { description: 'null when none is resolved' }),
    p90Days: Type.Union([Type.Number(), Type.Null()], { description: 'linear interpolation between ranks (PostgreSQL percentile_cont)' }),
    buckets: Type.Array(Bucket)
  }, { ...closed, description: 'resolved divergences: from detection to resolution, in days to two decimals' }),
  outstandingByAge: Type.Object({
    outstanding: Count,
    buckets: Type.Array(Bucket)
  }, { ...closed, description: 'outstanding divergences by days since detection, at generatedAt' }),
  divergences: Type.Array(Type.Object({
    id: Type.String({ format: 'uuid' }),
    kind: DivergenceKind,
    severity: Type.String(),
    state: Type.String(),
    firstIssuer: Type.String(),
    secondIssuer: Type.String(),
    destination: Type.Union([Type.String(), Type.Null()]),
    controlCategory: Type.Union([Type.String(), Type.Null()]),
    decidedOn: Type.Union([IsoDate, Type.Null()], { description: 'the later decision\'s (or classification\'s) date' }),
    detectedAt: Type.String({ format: 'date-time' }),
    explanation: Type.String()
  }, closed), { maxItems: 500, description: 'the report\'s divergences one by one, newest detection first (at most 500; the CSV lists every one)' }),
  consultations: Type.Object({
    open: Type.Object({ outgoing: Count, incoming: Count }, { ...closed, description: 'awaiting a reply or more information; outgoing: we asked, incoming: we were asked' }),
    overdue: Type.Object({ outgoing: Count, incoming: Count }, { ...closed, description: 'awaiting the consulted agency\'s reply after the deadline' }),
    perPeer: Type.Array(Type.Object({ peer: Type.String(), outgoing: Count, incoming: Count, overdue: Count }, closed), { description: 'open consultations per peer agency, most first' }),
    openList: Type.Array(Type.Object({
      id: Type.String({ format: 'uuid' }),
      direction: Type.Union([Type.Literal('outgoing'), Type.Literal('incoming')]),
      peer: Type.String(),
      denial: Type.Object({ issuer: Type.String(), recordId: Type.String(), reference: Type.String() }, closed),
      regime: Type.String(),
      state: Type.Union([Type.Literal('requested'), Type.Literal('more-information')]),
      deadline: IsoDate,
      daysOverdue: Type.Integer({ minimum: 0 }),
      requestedAt: Type.String({ format: 'date-time' })
    }, closed), { maxItems: 200, description: 'the open consultations, most overdue first, then by deadline (at most 200)' })
  }, { ...closed, description: 'consultations open at generatedAt, whatever the period; with an agency filter, those with that agency' })
}, { ...closed, description: 'Where allies treat the same item or end user differently, summed up for auditors' })
export type DivergenceReport = Static<typeof DivergenceReport>

export interface DivergenceReportFilter {
  from?: string | undefined
  to?: string | undefined
  kind?: DivergenceKind | undefined
  agency?: string | undefined
  destination?: string | undefined
}
