/**
 * RFC 8785 JSON Canonicalization Scheme (JCS).
 *
 * Strings are escaped as ECMAScript `JSON.stringify` does (RFC 8785 §3.2.2.2), numbers are
 * serialised as ECMAScript `Number.prototype.toString` (§3.2.2.3, which is what
 * `JSON.stringify` does for finite numbers), and object members are sorted by the UTF-16 code
 * units of their names (§3.2.3), which is JavaScript's default string ordering.
 * Values JSON cannot represent (NaN, Infinity, undefined, functions, bigint) are refused rather
 * than silently dropped, so a payload signs exactly as it will be read.
 */
export function canonicalize (value: unknown): string {
  switch (typeof value) {
    case 'string':
      return JSON.stringify(value)
    case 'boolean':
      return value ? 'true' : 'false'
    case 'number':
      if (!Number.isFinite(value)) throw new TypeError(`RFC 8785: ${value} has no JSON representation`)
      return JSON.stringify(value)
    case 'object':
      if (value === null) return 'null'
      if (Array.isArray(value)) return `[${value.map(canonicalize).join(',')}]`
      return canonicalizeObject(value as Record<string, unknown>)
    default:
      throw new TypeError(`RFC 8785: a ${typeof value} has no JSON representation`)
  }
}

function canonicalizeObject (object: Record<string, unknown>): string {
  if (typeof (object as { toJSON?: unknown }).toJSON === 'function') {
    return canonicalize((object as { toJSON: () => unknown }).toJSON())
  }
  const members: string[] = []
  for (const key of Object.keys(object).sort()) {
    const member = object[key]
    if (member === undefined) continue
    members.push(`${JSON.stringify(key)}:${canonicalize(member)}`)
  }
  return `{${members.join(',')}}`
}
