import { Readable } from 'node:stream'
import { errors } from '../../lib/errors.js'
import { importDecisions, importFormatOf, IMPORT_MEDIA_TYPES } from '../../records/index.js'
import type { App } from '../types.js'
import { problems } from '../schemas/common.js'
import { ImportBody, ImportResult } from '../schemas/records.js'
import { recordsContext } from './records-context.js'

/**
 * The body as it is read, failed with PAYLOAD_TOO_LARGE once past `limit` bytes: Fastify
 * enforces `bodyLimit` only for bodies it reads itself, not for a stream handed through.
 * Lazy (nothing is read before the importer reads, so the error reaches it), and stopping
 * early leaves the request itself alone, so the reply can still be sent.
 */
function capBytes (body: Readable, limit: number): Readable {
  async function * chunks () {
    let seen = 0
    for await (const chunk of body.iterator({ destroyOnReturn: false }) as AsyncIterable<Buffer>) {
      seen += chunk.length
      if (seen > limit) throw errors.payloadTooLarge(limit)
      yield chunk
    }
  }
  return Readable.from(chunks(), { objectMode: false })
}

/**
 * `POST /v1/decisions/import`: the body is streamed to the records capability, never
 * buffered, so this plugin replaces every content-type parser of its scope by one that hands
 * the raw stream through; the media type is checked by the handler (415 for anything but
 * CSV and NDJSON).
 */
export async function decisionImportRoutes (app: App) {
  const limit = app.config.importLimitBytes
  app.removeAllContentTypeParsers()
  app.addContentTypeParser('*', (request, payload, done) => {
    if (Number(request.headers['content-length']) > limit) done(errors.payloadTooLarge(limit))
    else done(null, capBytes(payload, limit))
  })

  app.post('/import', {
    bodyLimit: limit,
    schema: {
      tags: ['decisions'],
      summary: 'Import decisions in bulk from CSV or NDJSON: all or nothing',
      description: `Content types: ${Object.keys(IMPORT_MEDIA_TYPES).join(', ')}. The whole file is imported in one transaction, ` +
        'or, if any decision is bad, nothing is stored and the 422 problem lists every bad row by line and field. See docs/records.md, "Import".',
      body: ImportBody,
      response: { 201: ImportResult, ...problems(400, 413, 415, 422) }
    }
  }, async (request, reply) => {
    const format = importFormatOf(request.headers['content-type'])
    const source = request.body instanceof Readable ? request.body : Readable.from([])
    const result = await importDecisions(recordsContext(app, request), source, format, {
      maxRecordBytes: app.config.bodyLimitBytes,
      onBatch: (progress) => request.log.debug(progress, 'import batch published')
    })
    request.log.info({ format, ...result }, 'decisions imported')
    return reply.code(201).send(result)
  })
}
