import fc from 'fast-check'

/** The part of JSON Schema the generated OpenAPI document uses for bodies and parameters. */
export interface JsonSchema {
  type?: string | string[]
  enum?: unknown[]
  anyOf?: JsonSchema[]
  properties?: Record<string, JsonSchema>
  required?: string[]
  additionalProperties?: boolean
  items?: JsonSchema
  minItems?: number
  maxItems?: number
  minLength?: number
  maxLength?: number
  pattern?: string
  format?: string
  minimum?: number
  maximum?: number
}

/**
 * Written into hostile strings that a server might store: if it ever reaches a log line,
 * content reached the logs.
 */
export const MARKER = 'Qzx7Marker'

/** Every URL a generated body may name: this machine only (port 9 answers nothing), or not a URL we accept. */
const LOCAL_URLS = ['http://127.0.0.1:9', 'http://[::1]:9/feed', 'ftp://127.0.0.1/', 'file:///etc/passwd', 'javascript:alert(1)', 'http://127.0.0.1:9/\u0000']

const HOSTILE_STRINGS = [
  `a\u0000b ${MARKER}`,
  `\ud800 ${MARKER}`,
  `${MARKER} \udfff`,
  '\u0000',
  '',
  ' ',
  `\u202e${MARKER}\u200b`,
  `${MARKER} 😀 مرحبا Привет`,
  '%00',
  '../../etc/passwd',
  `'; drop table records; -- ${MARKER}`,
  '$' + '{jndi:ldap://127.0.0.1:9/a}',
  '<script>alert(1)</script>',
  '__proto__',
  'constructor',
  '9999-12-31',
  '0000-00-00',
  '2025-02-30',
  '10000-01-01',
  '-1',
  '99999999999999999999999999',
  '1e309',
  'NaN',
  '\r\nX-Injected: 1'
]

const HOSTILE_NUMBERS = [
  -1, 0, 0.5, -0, 2 ** 31, 2 ** 53 + 2, 2 ** 63, -(2 ** 63), 1e308, -1e308, Number.MAX_SAFE_INTEGER, Number.MIN_SAFE_INTEGER
]

/** An object with an own `__proto__` key, as JSON.parse would make it (a literal would set the prototype). */
const protoKeyed = JSON.parse('{"__proto__": {"polluted": true}, "constructor": {"prototype": {"polluted": true}}}') as unknown

function nested (depth: number): unknown {
  let value: unknown = MARKER
  for (let i = 0; i < depth; i++) value = i % 2 === 0 ? [value] : { a: value }
  return value
}

/** Values of the wrong shape for almost any field: wrong types, extremes, prototype keys, deep nesting, 1 MB of text. */
export const hostileValue: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 6, arbitrary: fc.constantFrom(...HOSTILE_STRINGS) },
  { weight: 2, arbitrary: fc.string({ unit: 'binary', maxLength: 20 }).map((s) => `${s}${MARKER}`) },
  { weight: 3, arbitrary: fc.constantFrom(...HOSTILE_NUMBERS) },
  { weight: 3, arbitrary: fc.constantFrom<unknown>(null, true, false, [], {}, ['x'], [null], { x: 1 }, '5', '[1]', protoKeyed) },
  { weight: 1, arbitrary: fc.constantFrom(nested(64), nested(2000)) },
  { weight: 1, arbitrary: fc.constant(`${MARKER}${'x'.repeat(1 << 20)}`) }
)

/** A string value for a query parameter or path segment that breaks some rule, unencoded. */
export const hostileParameter: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom(...HOSTILE_STRINGS),
  fc.constantFrom('9223372036854775808', '-9223372036854775809', '1.5', '0x10', 'true', '[]', '{}', 'a'.repeat(10_000), '2025-13-01', 'not-a-cursor', 'eyJ4IjoxfQ'),
  fc.string({ unit: 'binary', maxLength: 20 })
)

const dateOf = (min: string, max: string) => fc.date({ min: new Date(min), max: new Date(max), noInvalidDate: true })

/**
 * A value that conforms to `schema` (as far as a generator can tell), each node replaced by a
 * hostile value once in `1 + hostility` times (8 by default; 0: never, so that the value
 * reaches past validation into the handler).
 */
export function fromSchema (schema: JsonSchema, name = '', depth = 0, hostility = 8): fc.Arbitrary<unknown> {
  if (hostility === 0) return conforming(schema, name, depth, hostility)
  return fc.oneof(
    { weight: depth === 0 ? hostility * 3 / 2 : hostility, arbitrary: conforming(schema, name, depth, hostility) },
    { weight: 1, arbitrary: hostileValue }
  )
}

function conforming (schema: JsonSchema, name: string, depth: number, hostility: number): fc.Arbitrary<unknown> {
  if (/url$/i.test(name)) return fc.constantFrom(...LOCAL_URLS)
  if (schema.enum !== undefined) return fc.constantFrom(...schema.enum)
  if (schema.anyOf !== undefined) return fc.oneof(...schema.anyOf.map((s) => fromSchema(s, name, depth + 1, hostility)))
  const type = Array.isArray(schema.type) ? schema.type[0] : schema.type
  switch (type) {
    case 'object': return objectOf(schema, depth, hostility)
    case 'array': {
      const items = schema.items === undefined ? hostileValue : fromSchema(schema.items, name, depth + 1, hostility)
      return fc.array(items, { minLength: schema.minItems ?? 0, maxLength: Math.min(schema.maxItems ?? 4, Math.max(schema.minItems ?? 0, 4)) })
    }
    case 'string': return stringOf(schema)
    case 'integer': return fc.integer({ min: schema.minimum ?? -1000, max: schema.maximum ?? 1_000_000 })
    case 'number': return fc.double({ min: schema.minimum ?? -1000, max: schema.maximum ?? 1_000_000, noNaN: true })
    case 'boolean': return fc.boolean()
    case 'null': return fc.constant(null)
    default: return hostileValue
  }
}

const OMITTED = Symbol('omitted')

function objectOf (schema: JsonSchema, depth: number, hostility: number): fc.Arbitrary<unknown> {
  const properties = schema.properties ?? {}
  const required = new Set(schema.required ?? [])
  const shape: Record<string, fc.Arbitrary<unknown>> = {}
  // an optional member is left out three times in four: each one present is one more rule the body may break
  for (const [key, property] of Object.entries(properties)) {
    const value = fromSchema(property, key, depth + 1, hostility)
    shape[key] = required.has(key) ? value : fc.oneof({ weight: 3, arbitrary: fc.constant(OMITTED) }, { weight: 1, arbitrary: value })
  }
  const record = fc.record(shape).map((r) => Object.fromEntries(Object.entries(r).filter(([, v]) => v !== OMITTED)))
  if (hostility === 0) return record
  return fc.tuple(record, fc.option(fc.constantFrom('unknownField', '__proto__', 'constructor', 'prototype'), { freq: 6 }), hostileValue)
    .map(([value, extra, extraValue]) => {
      if (extra === null) return value
      const copy = { ...value }
      // an own property, even for "__proto__", as JSON.parse would make it
      Object.defineProperty(copy, extra, { value: extraValue, enumerable: true, configurable: true, writable: true })
      return copy
    })
}

function stringOf (schema: JsonSchema): fc.Arbitrary<string> {
  const min = schema.minLength ?? 0
  const max = Math.min(schema.maxLength ?? 40, 40)
  switch (schema.format) {
    case 'date': return fc.oneof(
      { weight: 5, arbitrary: dateOf('1990-01-01', '2040-12-31').map((d) => d.toISOString().slice(0, 10)) },
      { weight: 1, arbitrary: fc.constantFrom('9999-12-31', '9997-01-01', '0001-01-01', '1970-01-01') }
    )
    case 'date-time': return dateOf('1990-01-01', '2040-12-31').map((d) => d.toISOString())
    case 'uuid': return fc.uuid()
  }
  if (schema.pattern !== undefined) {
    return fc.stringMatching(new RegExp(schema.pattern), { maxLength: Math.max(min, max) })
      .filter((s) => s.length >= min && s.length <= (schema.maxLength ?? Infinity))
  }
  const text = fc.string({ unit: 'grapheme', minLength: min, maxLength: Math.max(min, max) })
  // text that, once stored, must never reach a log line
  const marked = `${MARKER} Trading LLC`
  return marked.length >= min && marked.length <= (schema.maxLength ?? Infinity) ? fc.oneof({ weight: 3, arbitrary: text }, { weight: 1, arbitrary: fc.constant(marked) }) : text
}
