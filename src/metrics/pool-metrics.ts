import { Gauge, type Registry } from 'prom-client'
import { poolStats, type Db, type PoolStats } from '../db/create-db.js'

/** The connections of each pool, read from the pool itself at each scrape (no query). */
export function poolGauges (registry: Registry, pools: Readonly<Record<string, Db>>): void {
  const gauge = (name: string, help: string, value: (stats: PoolStats) => number) => new Gauge({
    name,
    help,
    labelNames: ['pool'] as const,
    registers: [registry],
    collect () {
      this.reset()
      for (const [pool, db] of Object.entries(pools)) {
        const stats = poolStats(db)
        if (stats !== undefined) this.set({ pool }, value(stats))
      }
    }
  })
  gauge('reciprocity_db_pool_max_connections', 'Connections the pool may open (DB_POOL_SIZE, DB_RESERVED_POOL_SIZE).', (s) => s.max)
  gauge('reciprocity_db_pool_connections', 'Connections the pool holds open, busy or idle.', (s) => s.total)
  gauge('reciprocity_db_pool_idle_connections', 'Open connections of the pool not in use.', (s) => s.idle)
  gauge('reciprocity_db_pool_waiting_clients', 'Queries and transactions waiting for a connection of the pool.', (s) => s.waiting)
}
