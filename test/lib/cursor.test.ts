import t from 'tap'
import { cursorField as field, cursorShape, decodeCursor, encodeCursor } from '../../src/lib/cursor.js'
import { AppError } from '../../src/lib/errors.js'

const ID = '0b6f2a3e-55c1-4d6e-9a53-1e2f3a4b5c6d'
const BY_TIME = cursorShape<[at: Date, id: string]>('t', field.isoInstant, field.uuid)
const BY_SCORE = cursorShape<[score: number, date: string | null, issuer: string, id: string]>('s', field.score, field.nullable(field.isoDate), field.agencyId, field.uuid)
const raw = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url')

/** The problem a refused cursor becomes: its message and the detail at /querystring/cursor. */
function refusal (fn: () => unknown): { message: string, detail: string | undefined } | undefined {
  try {
    fn()
  } catch (err) {
    if (!(err instanceof AppError)) throw err
    const [only] = err.details ?? []
    return { message: `${err.code} ${err.message}`, detail: only?.pointer === '/querystring/cursor' ? only.detail : `pointer ${only?.pointer}` }
  }
  return undefined
}

t.test('a cursor reads back as the position it was made from', async (t) => {
  const at = new Date('2026-03-01T12:34:56.789Z')
  t.same(decodeCursor(encodeCursor(BY_TIME, [at, ID]), BY_TIME), [at, ID], 'an instant comes back a Date')
  t.same(decodeCursor(encodeCursor(BY_SCORE, [0.875, '2024-02-29', 'uk-ecju', ID]), BY_SCORE), [0.875, '2024-02-29', 'uk-ecju', ID])
  t.same(decodeCursor(encodeCursor(BY_SCORE, [0, null, 'fr', ID]), BY_SCORE), [0, null, 'fr', ID], 'a nullable member')
})

t.test('anything else is refused before it reaches a query', async (t) => {
  const notOurs = { message: 'INVALID_REQUEST the cursor is not one this API handed out', detail: 'pass nextCursor from the previous page unchanged' }
  const cases: Array<[string, string]> = [
    ['not base64url JSON', 'bm90LWEtY3Vyc29y'],
    ['not a tuple', raw({ t: 1 })],
    ['no tag', raw(['2026-03-01T12:34:56.789Z', ID])],
    ['another tag', raw(['u', '2026-03-01T12:34:56.789Z', ID])],
    ['a member too many', raw(['t', '2026-03-01T12:34:56.789Z', ID, 1])],
    ['an instant not as toISOString writes it', raw(['t', '2026-03-01T12:34:56Z', ID])],
    ['an instant beyond Date', raw(['t', '+275760-09-13T00:00:00.000Z', ID])],
    ['a day that does not exist', raw(['t', '2026-02-30T00:00:00.000Z', ID])],
    ['not a uuid', raw(['t', '2026-03-01T12:34:56.789Z', '------------------------------------'])],
    ['an uppercase uuid', raw(['t', '2026-03-01T12:34:56.789Z', ID.toUpperCase()])]
  ]
  for (const [name, text] of cases) t.same(refusal(() => decodeCursor(text, BY_TIME)), notOurs, name)
  const scores: Array<[string, unknown[]]> = [
    ['a score above 1', ['s', 1.5, '2026-01-01', 'uk', ID]],
    ['a score as text', ['s', '0.5', '2026-01-01', 'uk', ID]],
    ['not a calendar day', ['s', 0.5, '2026-13-01', 'uk', ID]],
    ['not an agency id', ['s', 0.5, '2026-01-01', '\u0000', ID]]
  ]
  for (const [name, value] of scores) t.same(refusal(() => decodeCursor(raw(value), BY_SCORE)), notOurs, name)
})

t.test('a cursor of another listing named by the caller says so', async (t) => {
  const other = [{ shape: BY_TIME, detail: 'a cursor of the time listing' }]
  const timeCursor = encodeCursor(BY_TIME, [new Date('2026-03-01T00:00:00.000Z'), ID])
  t.same(refusal(() => decodeCursor(timeCursor, BY_SCORE, other)), { message: 'INVALID_REQUEST the cursor belongs to another listing', detail: 'a cursor of the time listing' })
  t.match(refusal(() => decodeCursor(raw(['t', 'yesterday', ID]), BY_SCORE, other)), { message: /not one this API handed out/ }, 'the other listing\'s tag with members it would refuse')
  t.match(refusal(() => decodeCursor(timeCursor, BY_SCORE)), { message: /not one this API handed out/ }, 'a listing not named')
})
