import { amendRecord, ClassificationInput, getRecord, listRecords, publishClassification, revokeRecord } from '../../records/index.js'
import type { App } from '../types.js'
import { problems } from '../schemas/common.js'
import {
  ClassificationAmendment, ClassificationQuery, ClassificationView, Detail, Page, Published, RecordParams, Revocation,
  classificationView, detailView, publishedView
} from '../schemas/records.js'
import { recordsContext } from './records-context.js'

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
    const published = await publishClassification(recordsContext(app, request), request.body)
    request.log.info({ recordId: published.record.recordId, seq: published.entry.seq }, 'classification published')
    return reply.code(201).send(publishedView(classificationView, published))
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
    const published = await amendRecord(recordsContext(app, request), 'classification', request.params.id, { version, reason, content: classification })
    request.log.info({ recordId: request.params.id, version: published.record.version, seq: published.entry.seq }, 'classification amended')
    return reply.code(201).send(publishedView(classificationView, published))
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
    const published = await revokeRecord(recordsContext(app, request), 'classification', request.params.id, request.body)
    request.log.info({ recordId: request.params.id, version: published.record.version, seq: published.entry.seq }, 'classification revoked')
    return reply.code(201).send(publishedView(classificationView, published))
  })
}

/** Reading our classifications (officers and auditors). */
export async function classificationReadRoutes (app: App) {
  app.get('/', {
    schema: {
      tags,
      summary: 'Our classifications, newest classification date first, a page at a time',
      querystring: ClassificationQuery,
      response: { 200: Page(ClassificationView), ...problems(400) }
    }
  }, async (request) => {
    const { status, ...query } = request.query
    const page = await listRecords(app.db, app.config.agency.id, 'classification', { ...query, lifecycle: status }, app.clock)
    return { records: page.records.map(classificationView), nextCursor: page.nextCursor }
  })

  app.get('/:id', {
    schema: {
      tags,
      summary: 'One classification with every version',
      params: RecordParams,
      response: { 200: Detail(ClassificationView), ...problems(400, 404) }
    }
  }, async (request) => detailView(classificationView, await getRecord(app.db, app.config.agency.id, 'classification', request.params.id, app.clock)))
}
