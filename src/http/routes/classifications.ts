import { ClassificationInput } from '../../records/index.js'
import { amendRecord, listOwnRecords, publishClassification, revokeRecord, viewRecord } from '../../use-cases/index.js'
import type { App } from '../types.js'
import { problems } from '../schemas/common.js'
import {
  ClassificationAmendment, ClassificationQuery, ClassificationView, Detail, Page, Published, RecordParams, Revocation,
  classificationView, detailView
} from '../schemas/records.js'
import { actorOf, publishedAnswer } from './record-writes.js'

const tags = ['classifications']
const ClassificationPublished = Published(ClassificationView)

/** Recording and changing our item classifications (officers). */
export async function classificationWriteRoutes (app: App) {
  app.post('/', {
    schema: {
      tags,
      summary: 'Record our classification of an item (or "not listed") and publish it',
      body: ClassificationInput,
      response: { 201: ClassificationPublished, ...problems(400) }
    }
  }, async (request, reply) => {
    const published = await publishClassification(app.services, actorOf(request), request.body)
    return reply.code(201).send(publishedAnswer(request, classificationView, published, 'published'))
  })

  app.post('/:id/amendments', {
    schema: {
      tags,
      summary: 'Publish a corrected version of a classification',
      params: RecordParams,
      body: ClassificationAmendment,
      response: { 201: ClassificationPublished, ...problems(400, 404, 409) }
    }
  }, async (request, reply) => {
    const { version, reason, classification } = request.body
    const published = await amendRecord(app.services, actorOf(request), 'classification', request.params.id, { version, reason, content: classification })
    return reply.code(201).send(publishedAnswer(request, classificationView, published, 'amended'))
  })

  app.post('/:id/revocations', {
    schema: {
      tags,
      summary: 'Revoke a classification',
      params: RecordParams,
      body: Revocation,
      response: { 201: ClassificationPublished, ...problems(400, 404, 409) }
    }
  }, async (request, reply) => {
    const published = await revokeRecord(app.services, actorOf(request), 'classification', request.params.id, request.body)
    return reply.code(201).send(publishedAnswer(request, classificationView, published, 'revoked'))
  })
}

/** Reading our classifications (officers and auditors): each read is an audit event naming what it returned. */
export async function classificationReadRoutes (app: App) {
  app.get('/', {
    schema: {
      tags,
      summary: 'Our classifications, newest classification date first, a page at a time',
      description: 'Audited: a records-searched event names the caller, the filters, the cursor and every record returned (issuer, id, version).',
      querystring: ClassificationQuery,
      response: { 200: Page(ClassificationView), ...problems(400) }
    }
  }, async (request) => {
    const page = await listOwnRecords(app.services, actorOf(request), 'classification', request.query)
    return { records: page.records.map(classificationView), nextCursor: page.nextCursor }
  })

  app.get('/:id', {
    schema: {
      tags,
      summary: 'One classification with every version',
      description: 'Audited: a record-viewed event names the caller and the classification (issuer, id, version).',
      params: RecordParams,
      response: { 200: Detail(ClassificationView), ...problems(400, 404) }
    }
  }, async (request) => detailView(classificationView, await viewRecord(app.services, actorOf(request), { issuer: app.config.agency.id, kind: 'classification', recordId: request.params.id })))
}
