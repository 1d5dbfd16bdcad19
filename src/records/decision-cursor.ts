import { cursorField as field, cursorShape, decodeCursor as decodePosition, encodeCursor as encodePosition } from '../lib/cursor.js'
import type { DecisionPosition } from './search-queries.js'

// The cursors of GET /v1/decisions (lib/cursor.ts): ['d', date, issuer, id] after a row of the
// newest-first order, ['s', score, date, issuer, id] after a row of a party search's ranking.
// The tags stay one letter: a cursor must fit the query's 200 characters with a 63-character issuer.

/** A place in a party search's ranking: score, then decision date, issuer and id. */
export interface RankKey extends DecisionPosition {
  score: number
}

const BY_DATE = cursorShape<[date: string, issuer: string, recordId: string]>('d', field.isoDate, field.agencyId, field.uuid)
const BY_SCORE = cursorShape<[score: number, date: string, issuer: string, recordId: string]>('s', field.score, field.isoDate, field.agencyId, field.uuid)

/** The opaque cursor that continues after `position`. */
export function encodeCursor (position: DecisionPosition | RankKey): string {
  return 'score' in position
    ? encodePosition(BY_SCORE, [position.score, position.date, position.issuer, position.recordId])
    : encodePosition(BY_DATE, [position.date, position.issuer, position.recordId])
}

/**
 * Reads a cursor `encodeCursor` handed out for the same order; throws INVALID_REQUEST
 * (pointer /querystring/cursor) for anything else.
 */
export function decodeCursor (cursor: string, order: 'date'): DecisionPosition
export function decodeCursor (cursor: string, order: 'score'): RankKey
export function decodeCursor (cursor: string, order: 'date' | 'score'): DecisionPosition | RankKey {
  if (order === 'score') {
    const [score, date, issuer, recordId] = decodePosition(cursor, BY_SCORE, [{ shape: BY_DATE, detail: 'a cursor of a listing without party cannot continue a party search' }])
    return { score, date, issuer, recordId }
  }
  const [date, issuer, recordId] = decodePosition(cursor, BY_DATE, [{ shape: BY_SCORE, detail: 'a cursor of a party search continues that search only (with party)' }])
  return { date, issuer, recordId }
}
