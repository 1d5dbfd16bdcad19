import type { Static, TObject, TSchema } from '@sinclair/typebox'
import { buildValidator } from '../http/plugins/validation.js'

/** A field a person got wrong, in words for them: the error summary links to `#field`. */
export interface FieldError {
  field: string
  message: string
}

export type FormRead<T extends TObject> = { value: Static<T>, errors: [] } | { value: undefined, errors: FieldError[] }

interface AjvError { instancePath: string, keyword: string, params: Record<string, unknown>, message?: string }
type Validate = ((data: unknown) => boolean) & { errors?: AjvError[] | null }

const compile = buildValidator({}) as unknown as (route: { schema: unknown, httpPart: string, method: string, url: string }) => Validate
const compiled = new WeakMap<TObject, Validate>()
const compiledBodies = new WeakMap<TSchema, Validate>()

/**
 * A query string or form checked by the very validator and schema the JSON API checks the same
 * values with (coerced as query strings are, defaults applied): empty fields are left out (a
 * form sends every field); each field in error once, with a message that says what is allowed
 * (an enumeration's values).
 */
export function readForm<T extends TObject> (schema: T, raw: unknown, labels: Readonly<Record<string, string>>): FormRead<T> {
  let validate = compiled.get(schema)
  if (validate === undefined) {
    validate = compile({ schema, httpPart: 'querystring', method: 'GET', url: '/app' })
    compiled.set(schema, validate)
  }
  const value: Record<string, unknown> = Object.fromEntries(Object.entries((raw ?? {}) as Record<string, unknown>)
    .filter(([key, v]) => key !== '_csrf' && typeof v === 'string' && v.trim() !== '')
    .map(([key, v]) => [key, (v as string).trim()]))
  if (validate(value)) return { value: value as Static<T>, errors: [] }
  return { value: undefined, errors: fieldErrors(validate.errors ?? [], schema, (path) => path.split('/')[1] ?? '', (field) => labels[field] ?? field) }
}

/**
 * A value built from a form with rows (an application's parties and items) checked by the JSON
 * API's own validator and schema, as a request body is: each error reported once per field of
 * the form, `fieldOf` naming the form field of an error's JSON pointer, `labelOf` its words.
 */
export function readNested<T extends TSchema> (schema: T, value: unknown, fieldOf: (pointer: string) => string, labelOf: (field: string) => string): FieldError[] {
  let validate = compiledBodies.get(schema)
  if (validate === undefined) {
    validate = compile({ schema, httpPart: 'body', method: 'POST', url: '/app' })
    compiledBodies.set(schema, validate)
  }
  return validate(value) ? [] : fieldErrors(validate.errors ?? [], schema, fieldOf, labelOf)
}

function fieldErrors (ajvErrors: readonly AjvError[], schema: TSchema, fieldOf: (pointer: string) => string, labelOf: (field: string) => string): FieldError[] {
  const errors = new Map<string, string>()
  for (const error of ajvErrors) {
    const pointer = error.keyword === 'additionalProperties'
      ? `${error.instancePath}/${String(error.params.additionalProperty)}`
      : error.keyword === 'required' ? `${error.instancePath}/${String(error.params.missingProperty)}` : error.instancePath
    const field = fieldOf(pointer)
    if (!errors.has(field)) errors.set(field, `${labelOf(field)}: ${explain(error, schemaAt(schema, pointer))}`)
  }
  return [...errors].map(([field, message]) => ({ field, message }))
}

/** The part of `schema` a JSON pointer into a value of it reaches (through objects and arrays). */
function schemaAt (schema: TSchema, pointer: string): TSchema | undefined {
  let at: TSchema | undefined = schema
  for (const step of pointer.split('/').slice(1)) {
    const s = at as { properties?: Record<string, TSchema>, items?: TSchema } | undefined
    at = s?.properties?.[step] ?? (/^\d+$/.test(step) ? s?.items : undefined)
  }
  return at
}

function explain (error: AjvError, field: TSchema | undefined): string {
  const allowed = literalsOf(field)
  if (allowed.length > 0) return `choose one of ${allowed.join(', ')}`
  switch (error.keyword) {
    case 'additionalProperties': return 'is not a field of this form'
    case 'format': return error.params.format === 'date' ? 'enter a date as YYYY-MM-DD' : `enter a valid ${String(error.params.format)}`
    case 'required': return 'enter a value'
    case 'minLength': return error.params.limit === 1 ? 'enter a value' : `enter at least ${String(error.params.limit)} characters`
    case 'maxLength': return `enter at most ${String(error.params.limit)} characters`
    case 'pattern': return 'enter a value of the expected form'
    case 'minimum': case 'maximum': case 'type': return 'enter a number in range'
    default: return error.message ?? 'is not valid'
  }
}

/** The values an enumeration (`enum`, or a union of literals) allows. */
function literalsOf (schema: TSchema | undefined): string[] {
  const { anyOf, enum: values } = (schema ?? {}) as { anyOf?: Array<{ const?: unknown }>, enum?: unknown[] }
  if (values?.every((v) => typeof v === 'string') === true) return values as string[]
  return anyOf !== undefined && anyOf.every((o) => typeof o.const === 'string') ? anyOf.map((o) => o.const as string) : []
}

/** A posted form's body as formbody parses it: a field sent twice is an array. */
export type PostedForm = Readonly<Record<string, unknown>>

/** A posted field's text; '' when it is missing or was sent more than once (never trusted to be a string). */
export function postedText (body: PostedForm, name: string): string {
  const value = body[name]
  return typeof value === 'string' ? value : ''
}
