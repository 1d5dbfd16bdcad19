import { Readable } from 'node:stream'
import { errors } from '../../lib/errors.js'
import { guardUpload } from '../../lib/guard-upload.js'
import { importCaller } from '../../lib/import-slots.js'
import { importFormatOf, importStagingDir, IMPORT_MEDIA_TYPES } from '../../records/index.js'
import { importDecisions } from '../../use-cases/index.js'
import type { App } from '../types.js'
import { problems } from '../schemas/common.js'
import { ImportBody, ImportResult } from '../schemas/records.js'
import { actorOf } from './record-writes.js'

/**
 * `POST /v1/decisions/import`: the body is streamed to the records capability, never
 * buffered, so this plugin replaces every content-type parser of its scope by one that hands
 * the raw stream through, guarded (size, idle time, minimum rate: lib/guard-upload.ts); the
 * media type is checked by the handler (415 for anything but CSV and NDJSON). At most
 * IMPORT_CONCURRENCY imports run at once in this process, one per caller: a caller with an
 * import running gets 429 IMPORT_IN_PROGRESS, anyone beyond the limit 503 IMPORTS_BUSY, both
 * with Retry-After and before the body is read (and after the rate limit has counted them). The connection is closed after the answer, so a
 * refused upload is not read to its end.
 */
export async function decisionImportRoutes (app: App) {
  const limit = app.config.importLimitBytes
  const { idleTimeoutMs, minBytesPerSecond, rateWindowMs } = app.config.uploads
  app.removeAllContentTypeParsers()
  app.addContentTypeParser('*', (request, payload, done) => {
    if (Number(request.headers['content-length']) > limit) done(errors.payloadTooLarge(limit))
    else done(null, guardUpload(payload, { maxBytes: limit, idleTimeoutMs, minBytesPerSecond, rateWindowMs }))
  })
  // preValidation: after authentication and after the rate limit (a route-level preParsing hook
  // that @fastify/rate-limit adds, which runs after every instance-level one), before the
  // handler reads a byte of the body (the parser above only hands the stream through)
  app.addHook('preValidation', async (request, reply) => {
    reply.header('connection', 'close')
    // the slots are the app's (app.importSlots), shared with the officers' import page
    const release = app.importSlots.claim(importCaller(request.principal?.kind === 'user' ? request.principal.subject : undefined, request.ip))
    reply.raw.once('close', release)
  })

  app.post('/import', {
    bodyLimit: limit,
    schema: {
      tags: ['decisions'],
      summary: 'Import decisions in bulk from CSV or NDJSON: all or nothing',
      description: `Content types: ${Object.keys(IMPORT_MEDIA_TYPES).join(', ')}. The whole file is imported in one transaction, ` +
        'or, if any decision is bad, nothing is stored and the 422 problem lists every bad row by line and field. See docs/records.md, "Import".',
      body: ImportBody,
      response: { 201: ImportResult, ...problems(400, 408, 413, 415, 422, 429, 503) }
    }
  }, async (request, reply) => {
    const format = importFormatOf(request.headers['content-type'])
    const source = request.body instanceof Readable ? request.body : Readable.from([])
    const result = await importDecisions(app.services, actorOf(request), source, format, {
      maxRecordBytes: app.config.bodyLimitBytes,
      stagingDir: importStagingDir(app.config),
      onBatch: (progress) => request.log.debug(progress, 'import batch published')
    })
    request.log.info({ format, ...result }, 'decisions imported')
    return reply.code(201).send(result)
  })
}
