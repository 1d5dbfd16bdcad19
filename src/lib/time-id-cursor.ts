import { errors } from './errors.js'

/**
 * The opaque cursor of a list ordered by a time, newest first, then by id: the last row's
 * (time, id), base64url JSON. The next page starts after it.
 */
export function encodeTimeIdCursor (at: Date | string, id: string): string {
  return Buffer.from(JSON.stringify([new Date(at).toISOString(), id])).toString('base64url')
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/
const ISO_INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/

/** Reads a cursor `encodeTimeIdCursor` made; INVALID_REQUEST for anything else (a forged one never reaches the database). */
export function decodeTimeIdCursor (cursor: string): [Date, string] {
  try {
    const value: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'))
    if (Array.isArray(value) && value.length === 2) {
      const [at, id] = value as unknown[]
      if (typeof at === 'string' && ISO_INSTANT.test(at) && typeof id === 'string' && UUID.test(id)) {
        const date = new Date(at)
        if (!Number.isNaN(date.getTime()) && date.toISOString() === at) return [date, id]
      }
    }
  } catch {}
  throw errors.invalidRequest('the cursor is not one this API handed out', [{ pointer: '/querystring/cursor', detail: 'pass nextCursor from the previous page unchanged' }])
}
