import { FormatRegistry } from '@sinclair/typebox'
import type { Clock } from '../lib/clock.js'
import { isIsoDate } from '../lib/iso-date.js'

export { isIsoDate }

/** The clock's calendar day in UTC, YYYY-MM-DD: the day lifecycles are computed for. */
export function todayOf (clock: Clock): string {
  return clock.now().toISOString().slice(0, 10)
}

/** `date` plus `years`; 29 February becomes 28 February in a year without one. */
export function addYears (date: string, years: number): string {
  const [year, month, day] = date.split('-').map(Number) as [number, number, number]
  const lastDay = new Date(Date.UTC(year + years, month, 0)).getUTCDate()
  const result = new Date(Date.UTC(year + years, month - 1, Math.min(day, lastDay)))
  return result.toISOString().slice(0, 10)
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i
const DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/

/** True for an RFC 3339 date-time whose day is a real calendar day. */
export function isDateTime (value: string): boolean {
  return DATE_TIME.test(value) && isIsoDate(value.slice(0, 10)) && !Number.isNaN(Date.parse(value))
}

/**
 * TypeBox knows no string formats of its own: registers ours (`date`, `date-time`, `uuid`, as
 * AJV's formats read them for HTTP bodies) before a schema is compiled. Idempotent.
 */
export function registerFormats (): void {
  if (!FormatRegistry.Has('date')) FormatRegistry.Set('date', isIsoDate)
  if (!FormatRegistry.Has('date-time')) FormatRegistry.Set('date-time', isDateTime)
  if (!FormatRegistry.Has('uuid')) FormatRegistry.Set('uuid', (value) => UUID.test(value))
}
