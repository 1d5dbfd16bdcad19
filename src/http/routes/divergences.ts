import { Type } from '@sinclair/typebox'
import { DivergenceKind as Kind, Severity } from '../../divergence/index.js'
import { Jwks } from '../../lib/jwk.js'
import { userOf } from '../plugins/auth.js'
import { problems, Uuid } from '../schemas/common.js'
import { DivergenceQuery, DivergenceStateSchema as State, DivergenceTransition as Transition } from '../schemas/divergences.js'
import type { App } from '../types.js'
import { searchDivergences, transitionDivergence, viewDivergence } from '../../use-cases/index.js'

const tags = ['divergences']
const closed = { additionalProperties: false } as const
const DateTime = Type.String({ format: 'date-time' })
const IsoDate = Type.String({ format: 'date' })
const RecordSide = Type.Object({ issuer: Type.String(), recordId: Uuid, version: Type.Integer() }, closed)

const DivergenceSummary = Type.Object({
  id: Uuid,
  kind: Kind,
  severity: Severity,
  state: State,
  holds: Type.Boolean({ description: 'whether the rule still holds on the records as they are now' }),
  destination: Type.Union([Type.String(), Type.Null()]),
  controlCategory: Type.Union([Type.String(), Type.Null()]),
  explanation: Type.String(),
  first: RecordSide,
  second: RecordSide,
  detectedAt: DateTime,
  updatedAt: DateTime,
  resolvedAt: Type.Union([DateTime, Type.Null()])
}, { ...closed, description: 'first: the denial (undercut, divergent outcome) or the earlier classification; second: the grant or the later classification' })

const RecordEvidence = Type.Object({
  ...RecordSide.properties,
  currentVersion: Type.Union([Type.Integer(), Type.Null()]),
  kind: Type.Union([Type.String(), Type.Null()]),
  content: Type.Unknown({ description: 'the record\'s current content' }),
  revokedFrom: Type.Union([IsoDate, Type.Null()]),
  validUntil: Type.Union([IsoDate, Type.Null()]),
  entries: Type.Array(Type.Object({ seq: Type.Integer(), kind: Type.Union([Type.String(), Type.Null()]), hash: Type.String(), jws: Type.Union([Type.String(), Type.Null()]) }, closed), {
    description: 'every signed feed entry of the record, as its issuer signed it: verify them offline with issuerKeys'
  }),
  issuerKeys: Type.Object(Jwks.properties, { ...closed, description: 'the issuer\'s JWKS as we hold it' })
}, closed)

const DivergenceDetail = Type.Object({
  ...DivergenceSummary.properties,
  evidence: Type.Unknown({ description: 'the match behind the finding: which names matched, how the items relate, the dates, the consultation cited' }),
  records: Type.Object({ first: RecordEvidence, second: RecordEvidence }, closed),
  history: Type.Array(Type.Object({ seq: Type.Integer(), from: Type.Union([State, Type.Null()]), to: State, actor: Type.String(), reason: Type.String(), at: DateTime }, closed))
}, closed)

const TransitionResult = Type.Object({ id: Uuid, from: State, to: State, actor: Type.String(), reason: Type.String(), at: DateTime }, closed)

/** Reading divergences (officers and auditors): each read is an audit event naming what it returned. */
export async function divergenceReadRoutes (app: App) {
  app.get('/', {
    schema: {
      tags,
      summary: 'Divergences found between allies\' treatment of the same item or end user, newest first',
      description: 'Audited: a divergences-searched event names the caller, the filters, the cursor and the ids of the divergences returned.',
      querystring: DivergenceQuery,
      response: { 200: Type.Object({ divergences: Type.Array(DivergenceSummary), nextCursor: Type.Union([Type.String(), Type.Null()]) }, closed), ...problems(400) }
    }
  }, async (request) => searchDivergences(app.services, userOf(request).subject, request.query))

  app.get('/:id', {
    schema: {
      tags,
      summary: 'One divergence: both records side by side with their signed entries and issuers\' keys, the explanation, the history',
      description: 'Audited: a divergence-viewed event names the caller and both records shown (issuer, id, version).',
      params: Type.Object({ id: Uuid }, closed),
      response: { 200: DivergenceDetail, ...problems(404) }
    }
  }, async (request) => viewDivergence(app.services, userOf(request).subject, request.params.id))
}

/** Moving divergences through their lifecycle (auditors). */
export async function divergenceWriteRoutes (app: App) {
  app.patch('/:id', {
    schema: {
      tags,
      summary: 'Move a divergence to another state, with the reason',
      params: Type.Object({ id: Uuid }, closed),
      body: Transition,
      response: { 200: TransitionResult, ...problems(400, 404, 409) }
    }
  }, async (request) => {
    const result = await transitionDivergence(app.services, userOf(request).subject, request.params.id, request.body.state, request.body.reason)
    request.log.info({ divergenceId: result.id, from: result.from, to: result.to }, 'divergence state changed')
    return result
  })
}
