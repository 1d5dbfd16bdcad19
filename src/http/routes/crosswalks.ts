import { CrosswalkInput } from '../../records/index.js'
import { amendRecord, listOwnRecords, publishCrosswalk, revokeRecord, viewRecord } from '../../use-cases/index.js'
import type { App } from '../types.js'
import { problems } from '../schemas/common.js'
import {
  CrosswalkAmendment, CrosswalkQuery, CrosswalkView, Detail, Page, Published, RecordParams, Revocation,
  crosswalkView, detailView
} from '../schemas/records.js'
import { actorOf, publishedAnswer } from './record-writes.js'

const tags = ['crosswalks']
const CrosswalkPublished = Published(CrosswalkView)

/** Recording and changing our crosswalks between control lists (officers). */
export async function crosswalkWriteRoutes (app: App) {
  app.post('/', {
    schema: {
      tags,
      summary: 'Record an equivalence between codes of two regimes and publish it',
      body: CrosswalkInput,
      response: { 201: CrosswalkPublished, ...problems(400) }
    }
  }, async (request, reply) => {
    const published = await publishCrosswalk(app.services, actorOf(request), request.body)
    return reply.code(201).send(publishedAnswer(request, crosswalkView, published, 'published'))
  })

  app.post('/:id/amendments', {
    schema: {
      tags,
      summary: 'Publish a corrected version of a crosswalk',
      params: RecordParams,
      body: CrosswalkAmendment,
      response: { 201: CrosswalkPublished, ...problems(400, 404, 409) }
    }
  }, async (request, reply) => {
    const { version, reason, crosswalk } = request.body
    const published = await amendRecord(app.services, actorOf(request), 'crosswalk', request.params.id, { version, reason, content: crosswalk })
    return reply.code(201).send(publishedAnswer(request, crosswalkView, published, 'amended'))
  })

  app.post('/:id/revocations', {
    schema: {
      tags,
      summary: 'Revoke a crosswalk',
      params: RecordParams,
      body: Revocation,
      response: { 201: CrosswalkPublished, ...problems(400, 404, 409) }
    }
  }, async (request, reply) => {
    const published = await revokeRecord(app.services, actorOf(request), 'crosswalk', request.params.id, request.body)
    return reply.code(201).send(publishedAnswer(request, crosswalkView, published, 'revoked'))
  })
}

/** Reading our crosswalks (officers and auditors): each read is an audit event naming what it returned. */
export async function crosswalkReadRoutes (app: App) {
  app.get('/', {
    schema: {
      tags,
      summary: 'Our crosswalks, a page at a time',
      description: 'Audited: a records-searched event names the caller, the filters, the cursor and every record returned (issuer, id, version).',
      querystring: CrosswalkQuery,
      response: { 200: Page(CrosswalkView), ...problems(400) }
    }
  }, async (request) => {
    const page = await listOwnRecords(app.services, actorOf(request), 'crosswalk', request.query)
    return { records: page.records.map(crosswalkView), nextCursor: page.nextCursor }
  })

  app.get('/:id', {
    schema: {
      tags,
      summary: 'One crosswalk with every version',
      description: 'Audited: a record-viewed event names the caller and the crosswalk (issuer, id, version).',
      params: RecordParams,
      response: { 200: Detail(CrosswalkView), ...problems(400, 404) }
    }
  }, async (request) => detailView(crosswalkView, await viewRecord(app.services, actorOf(request), { issuer: app.config.agency.id, kind: 'crosswalk', recordId: request.params.id })))
}
