import t from 'tap'
import { addYears, isIsoDate } from '../../src/records/dates.js'
import { lifecycleOf } from '../../src/records/index.js'

t.test('calendar dates', async (t) => {
  for (const [date, ok] of [['2024-02-29', true], ['2023-02-29', false], ['2025-13-01', false], ['2025-04-31', false], ['2025-1-01', false], ['2025-12-31', true]] as const) {
    t.equal(isIsoDate(date), ok, date)
  }
  t.equal(addYears('2025-03-14', 3), '2028-03-14')
  t.equal(addYears('2024-02-29', 3), '2027-02-28', '29 February falls back to the 28th')
  t.equal(addYears('2024-02-29', 4), '2028-02-29')
  t.equal(addYears('2025-12-31', 1), '2026-12-31')
})

t.test('lifecycle for a day', async (t) => {
  const cases = [
    [{ revokedFrom: null, validUntil: null }, '2030-01-01', 'in_force'],
    [{ revokedFrom: null, validUntil: '2025-06-30' }, '2025-06-30', 'in_force'],
    [{ revokedFrom: null, validUntil: '2025-06-30' }, '2025-07-01', 'lapsed'],
    [{ revokedFrom: '2025-06-15', validUntil: '2025-06-30' }, '2025-06-14', 'in_force'],
    [{ revokedFrom: '2025-06-15', validUntil: '2025-06-30' }, '2025-06-15', 'revoked'],
    [{ revokedFrom: '2025-06-15', validUntil: '2025-06-30' }, '2025-08-01', 'revoked']
  ] as const
  for (const [record, today, expected] of cases) t.equal(lifecycleOf(record, today), expected, `${JSON.stringify(record)} on ${today}`)
})
