import { errors } from '../lib/errors.js'
import { isIsoDate } from './dates.js'
import type { DecisionPosition } from './search-queries.js'
import { isAgencyId } from '../lib/agency-id.js'

// The cursors of GET /v1/decisions: base64url JSON, ['d', date, issuer, id] after a row of the
// newest-first order, ['s', score, date, issuer, id] after a row of a party search's ranking.

/** A place in a party search's ranking: score, then decision date, issuer and id. */
export interface RankKey extends DecisionPosition {
  score: number
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/

/** The opaque cursor that continues after `position`. */
export function encodeCursor (position: DecisionPosition | RankKey): string {
  const value = 'score' in position
    ? ['s', position.score, position.date, position.issuer, position.recordId]
    : ['d', position.date, position.issuer, position.recordId]
  return Buffer.from(JSON.stringify(value)).toString('base64url')
}

/**
 * Reads a cursor `encodeCursor` handed out for the same order; throws INVALID_REQUEST
 * (pointer /querystring/cursor) for anything else.
 */
export function decodeCursor (cursor: string, order: 'date'): DecisionPosition
export function decodeCursor (cursor: string, order: 'score'): RankKey
export function decodeCursor (cursor: string, order: 'date' | 'score'): DecisionPosition | RankKey {
  const position = readCursor(cursor)
  if (position === undefined) {
    throw errors.invalidRequest('the cursor is not one this API handed out', [{ pointer: '/querystring/cursor', detail: 'pass nextCursor from the previous page unchanged' }])
  }
  if (('score' in position) !== (order === 'score')) {
    throw errors.invalidRequest('the cursor belongs to another listing', [{
      pointer: '/querystring/cursor',
      detail: order === 'score' ? 'a cursor of a listing without party cannot continue a party search' : 'a cursor of a party search continues that search only (with party)'
    }])
  }
  return position
}

function readCursor (cursor: string): DecisionPosition | RankKey | undefined {
  let value: unknown
  try {
    value = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'))
  } catch {
    return undefined
  }
  if (!Array.isArray(value)) return undefined
  const [order, ...rest] = value as unknown[]
  if (order === 'd' && rest.length === 3) return readPosition(rest)
  if (order !== 's' || rest.length !== 4) return undefined
  const [score, ...tail] = rest
  const position = readPosition(tail)
  return typeof score === 'number' && score >= 0 && score <= 1 && position !== undefined ? { score, ...position } : undefined
}

function readPosition ([date, issuer, recordId]: unknown[]): DecisionPosition | undefined {
  if (typeof date !== 'string' || !isIsoDate(date) || !isAgencyId(issuer) || typeof recordId !== 'string' || !UUID.test(recordId)) return undefined
  return { date, issuer, recordId }
}
