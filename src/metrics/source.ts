import type { Counter, Gauge } from 'prom-client'
import type { Db } from '../db/create-db.js'

/**
 * Metrics read from the database at a scrape, through the owning folder's query: `refresh`
 * reads, then replaces every series at once (a topic, job or peer gone is gone from the next
 * scrape); `clear` leaves them out when the read failed.
 */
export interface Source {
  name: string
  refresh (db: Db, now: Date): Promise<void>
  clear (): void
}

type Metric = Gauge<string> | Counter<string>

/** A source whose read sets its metrics at once, after every old series is dropped. */
export function source<T> (name: string, metrics: Metric[], read: (db: Db, now: Date) => Promise<T>, show: (value: T, now: Date) => void): Source {
  const clear = () => { for (const metric of metrics) metric.reset() }
  return {
    name,
    clear,
    refresh: async (db, now) => {
      const value = await read(db, now)
      clear()
      show(value, now)
    }
  }
}
