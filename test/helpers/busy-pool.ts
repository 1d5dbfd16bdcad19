import type { Test } from 'tap'
import { buildApp } from '../../src/app.js'
import { createDb, createReservedDb } from '../../src/db/create-db.js'
import { systemClock } from '../../src/lib/clock.js'
import { createLogger } from '../../src/lib/logger.js'
import { wireServices } from '../../src/wiring.js'
import type { TestAgency } from './agency.js'

/**
 * The agency served by an app of its own with one main connection and one reserved, and that
 * main connection held until `release()`: what must keep answering from the reserved pool.
 */
export async function appWithMainPoolHeld (t: Test, agency: TestAgency) {
  const main = await createDb({ databaseUrl: agency.databaseUrl, dataDir: agency.config.dataDir, dbPoolSize: 1 })
  const reserved = createReservedDb({ databaseUrl: agency.databaseUrl, dataDir: agency.config.dataDir, dbReservedPoolSize: 1 })
  t.teardown(async () => { await main.destroy(); await reserved?.destroy() })
  const deps = await wireServices(agency.config, createLogger({ level: 'silent' }), systemClock, main)
  const app = await buildApp({ ...deps, reservedDb: reserved })
  t.teardown(() => app.close())
  let release = () => {}
  const released = new Promise<void>((resolve) => { release = resolve })
  let taken = () => {}
  const isTaken = new Promise<void>((resolve) => { taken = resolve })
  const holder = main.connection().execute(async () => { taken(); await released })
  await isTaken
  return { app, reserved, release: async () => { release(); await holder } }
}
