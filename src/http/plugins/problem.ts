import type { Socket } from 'node:net'
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import fp from 'fastify-plugin'
import { AppError, errors, type ErrorCode, type ProblemDetail } from '../../lib/errors.js'
import type { Problem } from '../schemas/common.js'

const TITLES: Record<number, string> = {
  400: 'Bad request',
  401: 'Unauthenticated',
  403: 'Forbidden',
  404: 'Not found',
  405: 'Method not allowed',
  406: 'Not acceptable',
  408: 'Request timeout',
  409: 'Conflict',
  413: 'Payload too large',
  414: 'URI too long',
  415: 'Unsupported media type',
  431: 'Request header fields too large',
  422: 'Unprocessable content',
  429: 'Too many requests',
  500: 'Internal error',
  502: 'Bad gateway',
  503: 'Service unavailable'
}
const CODE_BY_STATUS: Record<number, ErrorCode> = {
  400: 'INVALID_REQUEST',
  401: 'UNAUTHENTICATED',
  403: 'FORBIDDEN',
  404: 'NOT_FOUND',
  406: 'NOT_ACCEPTABLE',
  408: 'REQUEST_TIMEOUT',
  409: 'CONFLICT',
  413: 'PAYLOAD_TOO_LARGE',
  415: 'UNSUPPORTED_MEDIA_TYPE'
}

type ValidationError = NonNullable<FastifyError['validation']>[number]

/**
 * A value outside an enumeration written as a union of literals makes AJV say "must be equal
 * to constant" once per literal, then "must match a schema in anyOf": one error instead, as an
 * `enum` would give, whose allowed values the problem names.
 */
function enumerationsMerged (errors: readonly ValidationError[]): ValidationError[] {
  const byPath = new Map<string, ValidationError[]>()
  for (const v of errors) byPath.set(v.instancePath, [...(byPath.get(v.instancePath) ?? []), v])
  return [...byPath.values()].flatMap((group) => {
    const literals = group.filter((v) => v.keyword === 'const')
    if (literals.length === 0 || !group.every((v) => v.keyword === 'const' || v.keyword === 'anyOf')) return group
    const first = literals[0] as ValidationError
    return [{ ...first, keyword: 'enum', params: { allowedValues: literals.map((v) => (v.params as { allowedValue?: unknown }).allowedValue) } }]
  })
}

/** Maps anything thrown to an RFC 9457 problem; unexpected errors are masked as INTERNAL. */
export function toProblem (err: unknown, instance: string, bodyLimit: number): Problem {
  if (err instanceof AppError) return { ...build(err.status, err.code, err.message, instance, err.details), ...err.extensions }
  const e = err as FastifyError & { validationContext?: string }
  if (Array.isArray(e.validation)) {
    const where = e.validationContext ?? 'body'
    const details: ProblemDetail[] = enumerationsMerged(e.validation).map((v) => {
      const params = v.params as { additionalProperty?: string, missingProperty?: string, allowedValues?: unknown[] }
      const extra = params.additionalProperty ?? params.missingProperty
      const path = `/${where}${v.instancePath}${extra !== undefined && params.missingProperty === undefined ? `/${extra}` : ''}`
      const detail = params.additionalProperty !== undefined
        ? `unknown field "${params.additionalProperty}"`
        : params.missingProperty !== undefined
          ? `missing required field "${params.missingProperty}"`
          : params.allowedValues !== undefined ? `must be one of ${params.allowedValues.map((a) => JSON.stringify(a)).join(', ')}` : (v.message ?? 'is invalid')
      return { pointer: path, detail }
    })
    return build(400, 'INVALID_REQUEST', `the request ${where} does not match the schema: ${details.map((d) => `${d.pointer} ${d.detail}`).slice(0, 3).join('; ')}`, instance, details)
  }
  switch (e.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return build(413, 'PAYLOAD_TOO_LARGE', `request body exceeds the limit of ${bodyLimit} bytes`, instance)
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return build(415, 'UNSUPPORTED_MEDIA_TYPE', 'this content type is not accepted here; send application/json', instance)
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return build(400, 'INVALID_REQUEST', 'the body is empty but the content type says JSON', instance)
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
      return build(400, 'INVALID_REQUEST', `the body is not valid JSON: ${e.message}`, instance)
  }
  if (err instanceof SyntaxError && (e.statusCode === 400)) return build(400, 'INVALID_REQUEST', `the body is not valid JSON: ${err.message}`, instance)
  const status = typeof e.statusCode === 'number' ? e.statusCode : 500
  if (status >= 400 && status < 500) return build(status, CODE_BY_STATUS[status] ?? 'INVALID_REQUEST', e.message, instance)
  return build(500, 'INTERNAL', 'an unexpected error occurred; it has been logged', instance)
}

/**
 * The database's own refusals that are not the request's fault are 503s with Retry-After
 * (the pool had no connection free in time, a statement ran past DB_STATEMENT_TIMEOUT_MS,
 * the server is restarting). A data exception (SQLSTATE class 22: a value out of range, text
 * it cannot store) is a value our validation should have refused: still the client's input,
 * so 400, never 500.
 */
function databaseProblem (err: unknown): AppError | undefined {
  if (!(err instanceof Error)) return undefined
  const code = (err as { code?: unknown }).code
  if (err.message === 'timeout exceeded when trying to connect') return errors.databaseBusy('no connection was free in time')
  if (code === '57014') return errors.databaseBusy('the query took longer than allowed')
  if (code === '57P01' || code === '57P03' || code === 'ECONNREFUSED') return errors.databaseUnavailable('the database server is not accepting connections').retryAfter(5)
  if (typeof code === 'string' && code.startsWith('22')) return errors.invalidRequest('a value in the request cannot be stored (out of range or not valid text)')
  return undefined
}

function build (status: number, code: ErrorCode, detail: string, instance: string, details?: ProblemDetail[]): Problem {
  const problem: Problem = {
    type: `/problems/${code.toLowerCase().replaceAll('_', '-')}`,
    title: TITLES[status] ?? 'Error',
    status,
    detail,
    instance,
    code
  }
  if (details !== undefined && details.length > 0) problem.errors = details.slice(0, 1000)
  return problem
}

export function sendProblem (reply: FastifyReply, problem: Problem) {
  return reply.code(problem.status).type('application/problem+json').send(problem)
}

/**
 * Fastify's `clientErrorHandler`: what Node's HTTP parser refuses before there is a request
 * for Fastify (a malformed request line, headers too large, a request that took longer than
 * REQUEST_TIMEOUT_MS) is answered as a problem document too, then the connection is closed.
 */
export function writeClientErrorProblem (err: Error & { code?: string }, socket: Socket): void {
  if (err.code === 'ECONNRESET' || socket.destroyed) return
  const [status, code, detail]: [number, ErrorCode, string] = err.code === 'ERR_HTTP_REQUEST_TIMEOUT'
    ? [408, 'REQUEST_TIMEOUT', 'the request was not received in time (its headers within HEADERS_TIMEOUT_MS, all of it within REQUEST_TIMEOUT_MS)']
    : err.code === 'HPE_HEADER_OVERFLOW'
      ? [431, 'INVALID_REQUEST', 'the request headers are too large']
      : [400, 'INVALID_REQUEST', 'the request is not valid HTTP']
  const started = (socket as Socket & { _httpMessage?: { headersSent?: boolean } })._httpMessage?.headersSent === true
  if (socket.writable && !started) {
    const body = JSON.stringify(build(status, code, detail, ''))
    socket.write(`HTTP/1.1 ${status} ${TITLES[status] ?? 'Error'}\r\nContent-Type: application/problem+json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`)
  }
  socket.destroy()
}

/**
 * Fastify's `frameworkErrors`: what its router refuses before a route is found (a path that
 * is not valid percent-encoding, a path parameter longer than the router takes) is a problem
 * document too, not Fastify's own JSON. The path is not echoed: it is the client's input.
 */
export function frameworkErrorProblem (err: Error & { code?: string }, request: FastifyRequest, reply: FastifyReply) {
  const path = request.url.split('?')[0] ?? ''
  const problem = err.code === 'FST_ERR_MAX_PARAM_LENGTH'
    ? build(414, 'INVALID_REQUEST', 'a path segment of the URL is too long for any identifier', '')
    : err.code === 'FST_ERR_BAD_URL'
      ? build(400, 'INVALID_REQUEST', 'the URL path is not valid percent-encoded UTF-8', '')
      : build(500, 'INTERNAL', 'an unexpected error occurred; it has been logged', '')
  if (problem.status >= 500) request.log.error({ err }, 'request failed')
  else request.log.info({ code: problem.code, status: problem.status, pathLength: path.length }, 'request refused')
  return sendProblem(reply, problem)
}

/** One error handler and one not-found handler for the whole app (C15). */
export const problemPlugin = fp(async (app: FastifyInstance, opts: { bodyLimit: number }) => {
  app.setErrorHandler((err, request: FastifyRequest, reply) => {
    const database = databaseProblem(err)
    const refusal = database ?? err
    const problem = toProblem(refusal, request.url.split('?')[0] ?? request.url, opts.bodyLimit)
    if (database !== undefined) request.log.warn({ err, code: problem.code, status: problem.status }, 'the database refused the request')
    else if (problem.status >= 500 && !(err instanceof AppError)) request.log.error({ err }, 'request failed')
    else request.log.info({ code: problem.code, status: problem.status }, 'request refused')
    const retryAfter = refusal instanceof AppError ? refusal.retryAfterSeconds : undefined
    if (retryAfter !== undefined) reply.header('retry-after', String(retryAfter))
    return sendProblem(reply, problem)
  })
  app.setNotFoundHandler((request, reply) => sendProblem(reply, {
    type: '/problems/not-found',
    title: 'Not found',
    status: 404,
    code: 'NOT_FOUND',
    detail: `no route ${request.method} ${request.url.split('?')[0] ?? ''}`,
    instance: request.url.split('?')[0] ?? ''
  }))
}, { name: 'problem' })
