import { extname } from 'node:path'
import multipart, { type Multipart, type MultipartFile } from '@fastify/multipart'
import type { FastifyReply, FastifyRequest } from 'fastify'
import type { App } from '../http/types.js'
import { AppError } from '../lib/errors.js'
import { guardUpload } from '../lib/guard-upload.js'
import { importCaller } from '../lib/import-slots.js'
import { importStagingDir, IMPORT_FORMAT_BY_EXTENSION, IMPORT_MEDIA_TYPES } from '../records/index.js'
import { importDecisions } from '../use-cases/index.js'
import type { FieldError } from './form-values.js'
import type { PageKit } from './page-kit.js'
import { ImportedPage, ImportPage, problemRowsOf, type ImportedSummary } from './pages/import.js'
import { texts } from './text/en.js'

declare module '@fastify/secure-session' {
  interface SessionData {
    /** The last import's result, for the page the import redirects to. */
    imported: ImportedSummary
  }
}

const t = texts.importDecisions
/** The format of a file, by its name first (what the officer sees), then by its media type. */
/** Problems listed before reading stops (the use case's default, said on the page when reached). */
const MAX_PROBLEMS = 1000
/** What a multipart body holds beside the file: the token, boundaries and part headers. */
const MULTIPART_OVERHEAD_BYTES = 16 * 1024

/** The multipart parts of an import request, the CSRF token already read from them (the `preValidation` below). */
const uploads = new WeakMap<FastifyRequest, AsyncIterableIterator<Multipart>>()

/**
 * The officers' import (issue 13): a file of decisions, CSV or NDJSON, streamed into the
 * `importDecisions` use case as the JSON API's `POST /v1/decisions/import` streams its body,
 * with the same limits (IMPORT_LIMIT_BYTES, the upload's idle time and minimum rate) and the
 * same import slots (`app.importSlots`: IMPORT_CONCURRENCY at once, one per officer, counted
 * with their API imports). All or nothing: a bad file comes back with every problem by line
 * and field.
 *
 * The form is multipart (@fastify/multipart, registered in this route's scope only). Its
 * CSRF token is its first part: read before the file, set as the body the web plugin's CSRF
 * check reads, so that the check runs, as for every form, before a byte of the file is read.
 * A token missing, forged or sent after the file is refused with the "form expired" page.
 */
export async function importPages (app: App, kit: PageKit): Promise<void> {
  const limit = app.config.importLimitBytes
  const limitInWords = bytesInWords(limit)
  const { idleTimeoutMs, minBytesPerSecond, rateWindowMs } = app.config.uploads

  const showForm = (request: FastifyRequest, reply: FastifyReply, status: number, errors: FieldError[], rejected?: Parameters<typeof ImportPage>[0]['rejected']) =>
    kit.show(reply, status, <ImportPage frame={kit.frameOf(request, reply)} errors={errors} limit={limitInWords} rejected={rejected} />)

  app.get('/decisions/import', async (request, reply) => {
    if (kit.signedIn(request, reply, ['officer']) === undefined) return reply
    return showForm(request, reply, 200, [])
  })

  app.get('/decisions/import/done', async (request, reply) => {
    if (kit.signedIn(request, reply, ['officer']) === undefined) return reply
    const result = request.session.get('imported')
    if (result === undefined) return reply.redirect('/app/decisions/import', 303)
    return kit.show(reply, 200, <ImportedPage frame={kit.frameOf(request, reply)} result={result} />)
  })

  await app.register(async function importUpload (scope: App) {
    // the web plugin's error pages (403 "form expired" included), which it sets after this scope took its parent's handler
    scope.setErrorHandler((error, request, reply) => app.errorHandler(error, request, reply))
    await scope.register(multipart, {
      // the token, the file; busboy's own file limit past ours, so that guardUpload's is the one met
      limits: { fields: 2, fieldSize: 1024, files: 1, parts: 3, headerPairs: 20, fileSize: limit + 1 },
      throwFileSizeLimit: false
    })

    scope.addHook('preValidation', async (request, reply) => {
      // the body is read only so far as the token: an answer may come before the rest, and the connection is not kept for it
      reply.header('connection', 'close')
      if (!request.isMultipart() || request.webUser === undefined) return
      const parts = request.parts()
      let first: IteratorResult<Multipart>
      try {
        first = await parts.next()
      } catch (err) {
        throw Object.assign(new Error(t.unreadable), { statusCode: 400, cause: err })
      }
      uploads.set(request, parts)
      const token = first.done !== true && first.value.type === 'field' && first.value.fieldname === '_csrf' ? first.value.value : undefined
      // what the web plugin's CSRF check (a preHandler, next) reads; anything else than the token first: no token
      if (typeof token === 'string') request.body = { _csrf: token }
    })

    scope.post('/decisions/import', async (request, reply) => {
      const user = kit.signedIn(request, reply, ['officer'])
      if (user === undefined) return reply
      const parts = uploads.get(request)
      if (parts === undefined) return showForm(request, reply, 400, [{ field: 'file', message: t.chooseFile }])
      if (Number(request.headers['content-length']) > limit + MULTIPART_OVERHEAD_BYTES) return showForm(request, reply, 413, [{ field: 'file', message: t.tooLarge(limitInWords) }])

      let release: () => void
      try {
        release = app.importSlots.claim(importCaller(user.subject, request.ip))
      } catch (err) {
        return refused(request, reply, err)
      }
      reply.raw.once('close', release)

      let part: MultipartFile | undefined
      let readError: unknown
      try {
        part = await nextFile(parts)
        if (part === undefined || part.filename === '') return await showForm(request, reply, 400, [{ field: 'file', message: t.chooseFile }])
        const file = part.filename
        const format = IMPORT_FORMAT_BY_EXTENSION[extname(file).toLowerCase()] ?? IMPORT_MEDIA_TYPES[part.mimetype.split(';')[0]?.trim().toLowerCase() ?? '']
        if (format === undefined) return await showForm(request, reply, 415, [{ field: 'file', message: t.wrongType(file) }])
        part.file.once('error', (err) => { readError = err })
        const source = guardUpload(part.file, { maxBytes: limit, idleTimeoutMs, minBytesPerSecond, rateWindowMs })
        const result = await importDecisions(app.services, user.subject, source, format, {
          maxRecordBytes: app.config.bodyLimitBytes,
          maxProblems: MAX_PROBLEMS,
          stagingDir: importStagingDir(app.config),
          onBatch: (progress) => request.log.debug(progress, 'import batch published')
        })
        request.log.info({ format, file, ...result }, 'decisions imported from the import page')
        request.session.set('imported', { file, ...result })
        return await reply.redirect('/app/decisions/import/done', 303)
      } catch (err) {
        if (err instanceof AppError && err.code === 'IMPORT_REJECTED' && part !== undefined) {
          if (part.file.bytesRead === 0) return showForm(request, reply, 400, [{ field: 'file', message: t.emptyFile(part.filename) }])
          const problems = problemRowsOf(err.details ?? [])
          return showForm(request, reply, 422, [{ field: 'file', message: t.rejected(problems.length, part.filename) }], {
            file: part.filename, problems, capped: problems.length >= MAX_PROBLEMS ? MAX_PROBLEMS : undefined
          })
        }
        if (err instanceof AppError && err.status < 500) return refused(request, reply, err)
        const status = (err as { statusCode?: unknown }).statusCode
        if (readError !== undefined || (typeof status === 'number' && status >= 400 && status < 500)) {
          request.log.info({ reason: (err as Error).message }, 'import upload unreadable')
          return showForm(request, reply, 400, [{ field: 'file', message: t.unreadable }])
        }
        throw err
      }
    })

    /** An import refused before or while the file was read: said on the file field, with Retry-After when waiting helps. */
    function refused (request: FastifyRequest, reply: FastifyReply, err: unknown) {
      if (!(err instanceof AppError)) throw err
      if (err.retryAfterSeconds !== undefined) void reply.header('retry-after', String(Math.ceil(err.retryAfterSeconds)))
      const message = {
        PAYLOAD_TOO_LARGE: t.tooLarge(limitInWords),
        UPLOAD_TOO_SLOW: t.tooSlow,
        IMPORT_IN_PROGRESS: t.inProgress,
        IMPORTS_BUSY: t.busy
      }[err.code as string] ?? `${t.file}: ${err.message}`
      return showForm(request, reply, err.status, [{ field: 'file', message }])
    }
  })
}

/** The file part of the form (any other field is passed over); undefined if there is none. */
async function nextFile (parts: AsyncIterableIterator<Multipart>): Promise<MultipartFile | undefined> {
  for (let next = await parts.next(); next.done !== true; next = await parts.next()) {
    if (next.value.type === 'file' && next.value.fieldname === 'file') return next.value
    if (next.value.type === 'file') next.value.file.resume()
  }
  return undefined
}

function bytesInWords (bytes: number): string {
  const mib = 1024 * 1024
  if (bytes >= mib) return `${Math.round(bytes / mib * 10) / 10} MB`
  if (bytes >= 1024) return `${Math.round(bytes / 1024)} KB`
  return `${bytes} bytes`
}
