/** Dates and times as people read them (the web pages, the report's HTML): the agency's time zone and locale (UI_TIME_ZONE, UI_LOCALE); ISO stays for exports and the API. */
export interface Formats {
  /** A calendar date (YYYY-MM-DD, no time zone): "14 March 2025". */
  date: (isoDate: string) => string
  /** An instant: "14 March 2025, 09:30 UTC". */
  dateTime: (instant: Date | string) => string
}

export function createFormats (options: { locale: string, timeZone: string }): Formats {
  const date = new Intl.DateTimeFormat(options.locale, { dateStyle: 'long', timeZone: 'UTC' })
  const dateTime = new Intl.DateTimeFormat(options.locale, { dateStyle: 'long', timeStyle: 'short', timeZone: options.timeZone })
  const zone = new Intl.DateTimeFormat(options.locale, { timeZoneName: 'short', timeZone: options.timeZone })
  return {
    date: (isoDate) => {
      const d = new Date(`${isoDate.slice(0, 10)}T00:00:00Z`)
      return Number.isNaN(d.getTime()) ? isoDate : date.format(d)
    },
    dateTime: (instant) => {
      const d = typeof instant === 'string' ? new Date(instant) : instant
      if (Number.isNaN(d.getTime())) return String(instant)
      const name = zone.formatToParts(d).find((p) => p.type === 'timeZoneName')?.value ?? options.timeZone
      return `${dateTime.format(d)} ${name}`
    }
  }
}
