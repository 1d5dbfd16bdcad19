import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import fp from 'fastify-plugin'
import { AppError, type ErrorCode, type ProblemDetail } from '../../lib/errors.js'
import type { Problem } from '../schemas/common.js'

const TITLES: Record<number, string> = {
  400: 'Bad request',
  401: 'Unauthenticated',
  403: 'Forbidden',
  404: 'Not found',
  405: 'Method not allowed',
  406: 'Not acceptable',
  409: 'Conflict',
  413: 'Payload too large',
  415: 'Unsupported media type',
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
  409: 'CONFLICT',
  413: 'PAYLOAD_TOO_LARGE',
  415: 'UNSUPPORTED_MEDIA_TYPE'
}

/** Maps anything thrown to an RFC 9457 problem; unexpected errors are masked as INTERNAL. */
export function toProblem (err: unknown, instance: string, bodyLimit: number): Problem {
  if (err instanceof AppError) return { ...build(err.status, err.code, err.message, instance, err.details), ...err.extensions }
  const e = err as FastifyError & { validationContext?: string }
  if (Array.isArray(e.validation)) {
    const where = e.validationContext ?? 'body'
    const details: ProblemDetail[] = e.validation.map((v) => {
      const params = v.params as { additionalProperty?: string, missingProperty?: string }
      const extra = params.additionalProperty ?? params.missingProperty
      const path = `/${where}${v.instancePath}${extra !== undefined && params.missingProperty === undefined ? `/${extra}` : ''}`
      const detail = params.additionalProperty !== undefined
        ? `unknown field "${params.additionalProperty}"`
        : params.missingProperty !== undefined ? `missing required field "${params.missingProperty}"` : (v.message ?? 'is invalid')
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

/** One error handler and one not-found handler for the whole app (C15). */
export const problemPlugin = fp(async (app: FastifyInstance, opts: { bodyLimit: number }) => {
  app.setErrorHandler((err, request: FastifyRequest, reply) => {
    const problem = toProblem(err, request.url.split('?')[0] ?? request.url, opts.bodyLimit)
    if (problem.status >= 500) request.log.error({ err }, 'request failed')
    else request.log.info({ code: problem.code, status: problem.status }, 'request refused')
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
