import { isAgencyId } from './agency-id.js'
import { errors } from './errors.js'
import { isIsoDate } from './iso-date.js'

// The one cursor codec of the keyset listings. A cursor is the base64url JSON of a tuple:
// the tag of the listing that handed it out, then the position of the last row of the page
// (the sort key), after which the next page starts. Each listing declares its tag and the
// tuple's shape from the field readers below; a cursor that does not read back as that shape
// is refused before it reaches the database. Cursors are opaque to clients: the format may
// change, the refusals may not.

/** Reads one member of a cursor's tuple from what JSON.parse gave; undefined when it is not one. */
export type CursorField<T> = (value: unknown) => T | undefined

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/
const ISO_INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/

/** The field readers a cursor's shape is built from. */
export const cursorField = {
  /** A calendar day, YYYY-MM-DD. */
  isoDate: (value: unknown) => typeof value === 'string' && isIsoDate(value) ? value : undefined,
  /** An instant as `Date.prototype.toISOString` writes it (JSON writes a Date so); read back as a Date. */
  isoInstant: (value: unknown) => {
    if (typeof value !== 'string' || !ISO_INSTANT.test(value)) return undefined
    const date = new Date(value)
    return !Number.isNaN(date.getTime()) && date.toISOString() === value ? date : undefined
  },
  /** An agency id (lib/agency-id.ts). */
  agencyId: (value: unknown) => isAgencyId(value) ? value : undefined,
  /** A UUID in lowercase, as PostgreSQL writes it. */
  uuid: (value: unknown) => typeof value === 'string' && UUID.test(value) ? value : undefined,
  /** A match score: a finite number from 0 to 1. */
  score: (value: unknown) => typeof value === 'number' && Number.isFinite(value) && value >= 0 && value <= 1 ? value : undefined,
  /** `field`, or null. */
  nullable: <T>(field: CursorField<T>): CursorField<T | null> => (value) => value === null ? null : field(value)
}

/** What a listing's cursors are: its tag, and a reader per member of the position tuple. */
export interface CursorShape<T extends readonly unknown[]> {
  readonly tag: string
  readonly fields: { readonly [K in keyof T]: CursorField<T[K]> }
}

/** Declares a listing's cursor: `tag` tells its cursors from every other listing's. */
export function cursorShape<T extends readonly unknown[]> (tag: string, ...fields: { [K in keyof T]: CursorField<T[K]> }): CursorShape<T> {
  return { tag, fields }
}

/** Another listing's cursor, and what to tell a client who passed it here. */
export interface OtherListing {
  shape: CursorShape<readonly unknown[]>
  detail: string
}

/** The opaque cursor of `shape` after the row whose sort key is `position`. */
export function encodeCursor<T extends readonly unknown[]> (shape: CursorShape<T>, position: T): string {
  return Buffer.from(JSON.stringify([shape.tag, ...position])).toString('base64url')
}

/**
 * Reads a cursor `encodeCursor` handed out for `shape`. Throws INVALID_REQUEST (pointer
 * /querystring/cursor): "belongs to another listing", with that listing's detail, for a cursor
 * of one of `others`; "not one this API handed out" for anything else.
 */
export function decodeCursor<T extends readonly unknown[]> (text: string, shape: CursorShape<T>, others: readonly OtherListing[] = []): T {
  const value = parse(text)
  const position = read(value, shape)
  if (position !== undefined) return position
  const other = others.find((o) => read(value, o.shape) !== undefined)
  if (other !== undefined) throw errors.invalidRequest('the cursor belongs to another listing', [{ pointer: '/querystring/cursor', detail: other.detail }])
  throw errors.invalidRequest('the cursor is not one this API handed out', [{ pointer: '/querystring/cursor', detail: 'pass nextCursor from the previous page unchanged' }])
}

function parse (text: string): unknown {
  try {
    return JSON.parse(Buffer.from(text, 'base64url').toString('utf8'))
  } catch {
    return undefined
  }
}

function read<T extends readonly unknown[]> (value: unknown, shape: CursorShape<T>): T | undefined {
  if (!Array.isArray(value) || value.length !== shape.fields.length + 1 || value[0] !== shape.tag) return undefined
  const fields = shape.fields as ReadonlyArray<CursorField<unknown>>
  const position: unknown[] = []
  for (const [i, field] of fields.entries()) {
    const member = field(value[i + 1])
    if (member === undefined) return undefined
    position.push(member)
  }
  return position as unknown as T
}

/**
 * A keyset page from `rows` read with a limit of `limit + 1`: the first `limit`, and the cursor
 * after the last of them (its sort key, `positionOf`) when there were more.
 */
export function keysetPage<R, T extends readonly unknown[]> (rows: readonly R[], limit: number, shape: CursorShape<T>, positionOf: (row: R) => T): { page: R[], nextCursor: string | null } {
  const page = rows.slice(0, limit)
  const last = page.at(-1)
  return { page, nextCursor: rows.length > limit && last !== undefined ? encodeCursor(shape, positionOf(last)) : null }
}
