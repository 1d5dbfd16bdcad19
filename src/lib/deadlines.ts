/**
 * Consultation deadlines per regime (CONSULTATION_DEADLINES): `Nd` calendar days, `Nwd`
 * working days (Monday to Friday), `Nw` weeks; `default` for any regime not named.
 */
export interface DeadlinePeriod { amount: number, unit: 'd' | 'wd' | 'w' }
export type DeadlineRules = ReadonlyMap<string, DeadlinePeriod>

export const DEFAULT_CONSULTATION_DEADLINES = 'wassenaar=30d,eu=10wd,nsg=3w,default=30d'

const ENTRY = /^([a-z0-9-]+)=(\d{1,3})(wd|d|w)$/

/**
 * Parses `regime=period,...`; throws an Error naming the entry at fault. A `default` entry is
 * required: every consultation needs a deadline.
 */
export function parseDeadlines (text: string): DeadlineRules {
  const rules = new Map<string, DeadlinePeriod>()
  const entries = text.split(',').map((e) => e.trim()).filter((e) => e !== '')
  for (const [i, entry] of entries.entries()) {
    const match = ENTRY.exec(entry)
    if (match === null) throw new Error(`entry ${i + 1} "${entry}" is not regime=period (period: a number of d, wd or w, e.g. eu=10wd)`)
    const [, regime, amount, unit] = match as unknown as [string, string, string, DeadlinePeriod['unit']]
    if (Number(amount) < 1) throw new Error(`entry ${i + 1} "${entry}": the period must be at least 1`)
    if (rules.has(regime)) throw new Error(`entry ${i + 1} "${entry}": regime "${regime}" is given twice`)
    rules.set(regime, { amount: Number(amount), unit })
  }
  if (!rules.has('default')) throw new Error('no "default" entry: give the period for regimes not listed, e.g. default=30d')
  return rules
}

/** The period for `regime`, or the default one. */
export function periodFor (rules: DeadlineRules, regime: string): DeadlinePeriod {
  return rules.get(regime) ?? rules.get('default') as DeadlinePeriod
}

/**
 * The last day for a reply to a consultation requested on `start` (YYYY-MM-DD, UTC): `start`
 * plus the period; working days skip Saturdays and Sundays (public holidays differ by agency
 * and are not modelled).
 */
export function deadlineFrom (start: string, period: DeadlinePeriod): string {
  const day = new Date(`${start}T00:00:00Z`)
  if (period.unit === 'd' || period.unit === 'w') {
    day.setUTCDate(day.getUTCDate() + period.amount * (period.unit === 'w' ? 7 : 1))
    return day.toISOString().slice(0, 10)
  }
  let left = period.amount
  while (left > 0) {
    day.setUTCDate(day.getUTCDate() + 1)
    const weekday = day.getUTCDay()
    if (weekday !== 0 && weekday !== 6) left -= 1
  }
  return day.toISOString().slice(0, 10)
}

/** Whole days from `deadline` to `today` when the deadline has passed, else 0. */
export function daysOverdue (deadline: string, today: string): number {
  const days = Math.round((Date.parse(`${today}T00:00:00Z`) - Date.parse(`${deadline}T00:00:00Z`)) / 86_400_000)
  return Math.max(0, days)
}
