/**
 * The one rule for text we accept from outside (HTTP bodies and query strings, CSV and NDJSON
 * rows, peer-signed entries and inbox messages): no NUL character, which PostgreSQL cannot
 * store in text or jsonb, and no lone UTF-16 surrogate, which is not Unicode at all (jsonb
 * refuses its escape, UTF-8 cannot encode it, and RFC 8785 canonical JSON would differ between
 * implementations).
 */
export function unsafeTextReason (text: string): string | undefined {
  if (text.includes('\u0000')) return 'contains a NUL character (U+0000), which is not allowed in text'
  if (!text.isWellFormed()) return 'contains a lone UTF-16 surrogate: it is not valid Unicode text'
  return undefined
}

export interface UnsafeText {
  /** JSON Pointer (RFC 6901) below the value given, e.g. `/parties/0/name`; '' for the value itself. */
  pointer: string
  detail: string
}

const MAX_REPORTED = 20

/**
 * Every string in `value` (object keys too) that breaks the rule of `unsafeTextReason`, with
 * its JSON Pointer; at most the first 20. Walks plain JSON (objects, arrays, scalars) without
 * recursion, so a deeply nested body cannot exhaust the stack.
 */
export function findUnsafeText (value: unknown): UnsafeText[] {
  const found: UnsafeText[] = []
  const stack: Array<[unknown, string]> = [[value, '']]
  while (stack.length > 0 && found.length < MAX_REPORTED) {
    const [current, pointer] = stack.pop() as [unknown, string]
    if (typeof current === 'string') {
      const reason = unsafeTextReason(current)
      if (reason !== undefined) found.push({ pointer, detail: reason })
    } else if (Array.isArray(current)) {
      for (let i = current.length - 1; i >= 0; i--) stack.push([current[i], `${pointer}/${i}`])
    } else if (typeof current === 'object' && current !== null) {
      for (const [key, child] of Object.entries(current).reverse()) {
        const reason = unsafeTextReason(key)
        const at = `${pointer}/${escapePointer(reason === undefined ? key : key.toWellFormed().replaceAll('\u0000', '\uFFFD'))}`
        if (reason !== undefined) found.push({ pointer: at, detail: `the field name ${reason}` })
        else stack.push([child, at])
      }
    }
  }
  return found
}

/** RFC 6901: `~` and `/` in a reference token are written `~0` and `~1`. */
export function escapePointer (token: string): string {
  return token.replaceAll('~', '~0').replaceAll('/', '~1')
}
