import { amendDecision, DecisionRecording, recordDecision, renewDecision, revokeRecord, searchRecords, viewRecord } from '../../use-cases/index.js'
import type { App } from '../types.js'
import { problemResponse, problems, UndercutWarningProblem } from '../schemas/common.js'
import {
  DecisionAmendment, DecisionListItem, DecisionQuery, DecisionView, Detail, Page, Published, RecordParams, Renewal, Revocation,
  decisionListItem, decisionView, detailView
} from '../schemas/records.js'
import { actorOf, publishedAnswer } from './record-writes.js'

const tags = ['decisions']
const DecisionPublished = Published(DecisionView)

/** Recording and changing our licence decisions (officers). */
export async function decisionWriteRoutes (app: App) {
  app.post('/', {
    schema: {
      tags,
      summary: 'Record a licence decision (a denial notice when denied) and publish it',
      description: 'A grant that would undercut an allied denial in force is refused with 409 UNDERCUT_WARNING listing the denials (conflicts), and nothing is stored, ' +
        'unless it cites a consultation with the denying agency about that denial (consultation: { id, justification }) or gives undercutOverride: { reason }. ' +
        'Either way the stored grant opens a divergence for the auditors.',
      body: DecisionRecording,
      response: { 201: DecisionPublished, ...problems(400, 404), 409: problemResponse(UndercutWarningProblem) }
    }
  }, async (request, reply) => {
    const published = await recordDecision(app.services, actorOf(request), request.body)
    return reply.code(201).send(publishedAnswer(request, decisionView, published, 'published'))
  })

  app.post('/:id/amendments', {
    schema: {
      tags,
      summary: 'Publish a corrected version of a decision',
      description: 'An amended grant that would undercut an allied denial in force is refused with 409 UNDERCUT_WARNING, as a new one is, unless its consultation covers the denials or it gives undercutOverride (which may be added, not changed or removed); the consultation citation cannot change.',
      params: RecordParams,
      body: DecisionAmendment,
      response: { 201: DecisionPublished, ...problems(400, 404), 409: problemResponse(UndercutWarningProblem) }
    }
  }, async (request, reply) => {
    const { version, reason, decision } = request.body
    const published = await amendDecision(app.services, actorOf(request), request.params.id, { version, reason, content: decision })
    return reply.code(201).send(publishedAnswer(request, decisionView, published, 'amended'))
  })

  app.post('/:id/revocations', {
    schema: {
      tags,
      summary: 'Revoke a decision: every peer that saw it receives the revocation',
      params: RecordParams,
      body: Revocation,
      response: { 201: DecisionPublished, ...problems(400, 404, 409) }
    }
  }, async (request, reply) => {
    const published = await revokeRecord(app.services, actorOf(request), 'decision', request.params.id, request.body)
    return reply.code(201).send(publishedAnswer(request, decisionView, published, 'revoked'))
  })

  app.post('/:id/renewals', {
    schema: {
      tags,
      summary: 'Renew a decision at review, until a new date',
      params: RecordParams,
      body: Renewal,
      response: { 201: DecisionPublished, ...problems(400, 404, 409) }
    }
  }, async (request, reply) => {
    const published = await renewDecision(app.services, actorOf(request), request.params.id, request.body)
    return reply.code(201).send(publishedAnswer(request, decisionView, published, 'renewed'))
  })
}

/** Reading our decisions and our allies' (officers and auditors): each read is an audit event naming what it returned. */
export async function decisionReadRoutes (app: App) {
  app.get('/', {
    schema: {
      tags,
      summary: 'Our decisions and our allies\', filtered, a page at a time: newest decision date first, or best party match first with `party`',
      description: 'Audited: a records-searched event names the caller, the filters, the cursor and every decision returned (issuer, id, version).',
      querystring: DecisionQuery,
      response: { 200: Page(DecisionListItem), ...problems(400) }
    }
  }, async (request) => {
    const page = await searchRecords(app.services, actorOf(request), request.query)
    return { records: page.records.map(decisionListItem), nextCursor: page.nextCursor }
  })

  app.get('/:id', {
    schema: {
      tags,
      summary: 'One decision with every version',
      description: 'Audited: a record-viewed event names the caller and the decision (issuer, id, version).',
      params: RecordParams,
      response: { 200: Detail(DecisionView), ...problems(400, 404) }
    }
  }, async (request) => detailView(decisionView, await viewRecord(app.services, actorOf(request), { issuer: app.config.agency.id, kind: 'decision', recordId: request.params.id })))
}
