import { Readable } from 'node:stream'
import { AjvCompiler, type BuildCompilerFromPool } from '@fastify/ajv-compiler'
import type { FastifyInstance, FastifyRequest } from 'fastify'
import fp from 'fastify-plugin'
import { errors, type ProblemDetail } from '../../lib/errors.js'
import { findUnsafeText } from '../../lib/safe-text.js'

/**
 * Unknown fields are refused, not stripped; every error is reported, not just the first
 * (bodies are bounded by BODY_LIMIT_BYTES, so the list is too).
 */
const SHARED = { removeAdditional: false, useDefaults: true, allErrors: true } as const

/**
 * Query strings, path parameters and headers arrive as text, so they are coerced to the
 * schema's types ('array': a repeated parameter is an array, a single one becomes one).
 * JSON bodies are not coerced: `"5"` for a number or `["x"]` for a string is refused.
 */
export const AJV_OPTIONS = {
  text: { ...SHARED, coerceTypes: 'array' },
  body: { ...SHARED, coerceTypes: false }
} as const

type RouteCompiler = (route: { schema: unknown, httpPart?: string }) => unknown

/**
 * Fastify's own AJV compiler (with ajv-formats), in two configurations chosen by the part of
 * the request (C5); every integer a request may carry is bounded to the safe integers, which
 * is more than any seq, version or count of ours reaches and less than PostgreSQL's bigint.
 */
export const buildValidator: BuildCompilerFromPool = (externalSchemas) => {
  const factory = AjvCompiler()
  const text = factory(externalSchemas, { customOptions: AJV_OPTIONS.text }) as unknown as RouteCompiler
  const body = factory(externalSchemas, { customOptions: AJV_OPTIONS.body }) as unknown as RouteCompiler
  const compile: RouteCompiler = (route) => (route.httpPart === 'body' ? body : text)({ ...route, schema: boundIntegers(route.schema) })
  return compile as unknown as ReturnType<BuildCompilerFromPool>
}

const SUBSCHEMA_LISTS = ['anyOf', 'oneOf', 'allOf', 'prefixItems'] as const
const SUBSCHEMA_MAPS = ['properties', 'patternProperties', 'content'] as const
const SUBSCHEMAS = ['items', 'additionalProperties', 'not', 'schema'] as const

/** A copy of `schema` in which every `integer` without bounds has the safe-integer ones. */
export function boundIntegers (schema: unknown): unknown {
  if (typeof schema !== 'object' || schema === null || Array.isArray(schema)) return schema
  const out: Record<string, unknown> = { ...schema as Record<string, unknown> }
  if (out.type === 'integer') {
    out.maximum ??= Number.MAX_SAFE_INTEGER
    out.minimum ??= -Number.MAX_SAFE_INTEGER
  }
  for (const key of SUBSCHEMAS) if (key in out) out[key] = boundIntegers(out[key])
  for (const key of SUBSCHEMA_LISTS) if (Array.isArray(out[key])) out[key] = (out[key] as unknown[]).map(boundIntegers)
  for (const key of SUBSCHEMA_MAPS) {
    if (typeof out[key] === 'object' && out[key] !== null) out[key] = Object.fromEntries(Object.entries(out[key] as Record<string, unknown>).map(([k, v]) => [k, boundIntegers(v)]))
  }
  return out
}

const PARTS = ['body', 'query', 'params'] as const
const POINTER_PART: Record<(typeof PARTS)[number], string> = { body: 'body', query: 'querystring', params: 'params' }

/** The NUL characters and lone surrogates of a request's parsed body, query string and path parameters. */
export function unsafeTextOf (request: Pick<FastifyRequest, 'body' | 'query' | 'params'>): ProblemDetail[] {
  const found: ProblemDetail[] = []
  for (const part of PARTS) {
    const value = request[part]
    // a streamed body (the bulk import) is checked row by row by its reader
    if (value === undefined || value === null || value instanceof Readable || Buffer.isBuffer(value)) continue
    for (const { pointer, detail } of findUnsafeText(value)) found.push({ pointer: `/${POINTER_PART[part]}${pointer}`, detail })
  }
  return found
}

/**
 * Refuses text that PostgreSQL cannot store or that is not Unicode, anywhere in a request,
 * before schema validation: a 400 naming each field (lib/safe-text.ts has the rule). Streamed
 * bodies (the bulk import) are checked row by row by their readers.
 */
export const validationPlugin = fp(async (app: FastifyInstance) => {
  app.addHook('preValidation', async (request) => {
    const found = unsafeTextOf(request)
    if (found.length > 0) {
      throw errors.invalidRequest(`the request holds text that cannot be stored: ${found.slice(0, 3).map((f) => `${f.pointer} ${f.detail}`).join('; ')}`, found)
    }
  })
}, { name: 'validation' })
