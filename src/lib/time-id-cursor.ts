import { errors } from './errors.js'

/**
 * The opaque cursor of a list ordered by a time, newest first, then by id: the last row's
 * (time, id), base64url JSON. The next page starts after it.
 */
export function encodeTimeIdCursor (at: Date | string, id: string): string {
  return Buffer.from(JSON.stringify([new Date(at).toISOString(), id])).toString('base64url')
}

/** Reads a cursor `encodeTimeIdCursor` made; INVALID_REQUEST for anything else. */
export function decodeTimeIdCursor (cursor: string): [Date, string] {
  try {
    const [at, id] = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as [string, string]
    const date = new Date(at)
    if (typeof id === 'string' && /^[0-9a-f-]{36}$/.test(id) && !Number.isNaN(date.getTime())) return [date, id]
  } catch {}
  throw errors.invalidRequest('the cursor is not one this API handed out', [{ pointer: '/querystring/cursor', detail: 'pass nextCursor from the previous page unchanged' }])
}
