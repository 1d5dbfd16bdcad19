import t from 'tap'
import { loadConfig, ConfigError } from '../../src/config.js'
import { daysOverdue, deadlineFrom, parseDeadlines, periodFor } from '../../src/lib/deadlines.js'

t.test('periods per regime, with a default', async (t) => {
  const rules = parseDeadlines('wassenaar=30d, eu=10wd,nsg=3w,default=21d')
  t.same(periodFor(rules, 'wassenaar'), { amount: 30, unit: 'd' })
  t.same(periodFor(rules, 'eu'), { amount: 10, unit: 'wd' })
  t.same(periodFor(rules, 'nsg'), { amount: 3, unit: 'w' })
  t.same(periodFor(rules, 'mtcr'), { amount: 21, unit: 'd' }, 'a regime not listed takes the default')
})

t.test('bad settings name the entry at fault', async (t) => {
  for (const [text, message] of [
    ['eu=10wd', /no "default" entry/],
    ['eu=10days,default=30d', /entry 1 "eu=10days" is not regime=period/],
    ['default=30d,eu=0wd', /entry 2 "eu=0wd": the period must be at least 1/],
    ['default=30d,default=10d', /entry 2 "default=10d": regime "default" is given twice/],
    ['EU=10wd,default=30d', /entry 1 "EU=10wd" is not regime=period/]
  ] as const) t.throws(() => parseDeadlines(text), message, text)
  t.throws(() => loadConfig({ CONSULTATION_DEADLINES: 'eu=ten' }), ConfigError)
  t.throws(() => loadConfig({ CONSULTATION_DEADLINES: 'eu=ten' }), { message: /CONSULTATION_DEADLINES: entry 1 "eu=ten"/ }, 'the configuration names the variable')
  t.same([...loadConfig({}).consultation.deadlines.keys()], ['wassenaar', 'eu', 'nsg', 'default'], 'the default setting')
})

t.test('deadlines from the day of the request', async (t) => {
  const cases: Array<[string, string, string, string]> = [
    // start, period, deadline, why
    ['2026-11-23', '30d', '2026-12-23', 'calendar days'],
    ['2026-12-15', '30d', '2027-01-14', 'across a year end'],
    ['2028-02-10', '20d', '2028-03-01', 'across 29 February'],
    ['2026-11-23', '3w', '2026-12-14', 'weeks'],
    ['2026-11-23', '10wd', '2026-12-07', 'working days from a Monday: two weeks'],
    ['2026-11-27', '1wd', '2026-11-30', 'from a Friday, one working day is the Monday'],
    ['2026-11-28', '1wd', '2026-11-30', 'from a Saturday too'],
    ['2026-11-29', '5wd', '2026-12-04', 'from a Sunday, five working days end on Friday'],
    ['2026-11-26', '2wd', '2026-11-30', 'Thursday + 2 working days skips the weekend']
  ]
  for (const [start, period, deadline, why] of cases) {
    const rules = parseDeadlines(`default=${period}`)
    t.equal(deadlineFrom(start, periodFor(rules, 'any')), deadline, `${start} + ${period}: ${why}`)
  }
})

t.test('days overdue', async (t) => {
  t.equal(daysOverdue('2026-12-07', '2026-12-07'), 0, 'the deadline day itself is not overdue')
  t.equal(daysOverdue('2026-12-07', '2026-12-08'), 1)
  t.equal(daysOverdue('2026-12-07', '2027-01-07'), 31)
  t.equal(daysOverdue('2026-12-07', '2026-11-30'), 0, 'before the deadline')
})
