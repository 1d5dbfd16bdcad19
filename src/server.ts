import { buildApp } from './app.js'
import { loadConfigOrExit } from './config.js'
import { createReservedDb } from './db/create-db.js'
import { runBackgroundJobs } from './jobs/index.js'
import { systemClock } from './lib/clock.js'
import { createLogger } from './lib/logger.js'
import { holdFeedAtStart } from './use-cases/index.js'
import { wireServices } from './wiring.js'

const config = loadConfigOrExit(process.env)
const logger = createLogger({ level: config.logLevel })
const deps = await wireServices(config, logger, systemClock).catch((err: unknown) => startupFailed(err))
// a restored database must not publish before its peers said how far its feed went (docs/federation.md section 2)
if (await holdFeedAtStart(deps)) logger.warn('publishing held until a peer has said what it holds of our feed (FEED_RECOVERY_ON_START)')
// a few connections of their own for health, the feed, its head, the JWKS and partner authentication
const reservedDb = createReservedDb(config)
const app = await buildApp({ ...deps, reservedDb })
const stopJobs = new AbortController()
// SYNC_IN_PROCESS: the worker's jobs run here too (the embedded database admits one process)
const jobs = config.sync.inProcess ? runBackgroundJobs(deps, stopJobs.signal) : Promise.resolve()

let closing = false
async function shutdown (signal: string) {
  if (closing) return
  closing = true
  logger.info({ signal }, 'shutting down: finishing in-flight requests')
  const force = setTimeout(() => {
    logger.error({ graceMs: config.shutdownGraceMs }, 'shutdown grace period elapsed; exiting')
    process.exit(1)
  }, config.shutdownGraceMs)
  force.unref()
  stopJobs.abort()
  await Promise.all([app.close(), jobs])
  await Promise.all([deps.db.destroy(), reservedDb?.destroy()])
  logger.info('stopped')
}
process.once('SIGTERM', () => { void shutdown('SIGTERM') })
process.once('SIGINT', () => { void shutdown('SIGINT') })

await app.listen({ host: config.host, port: config.port }).catch(async (err: unknown) => {
  await Promise.all([deps.db.destroy(), reservedDb?.destroy()])
  startupFailed(err)
})

/** A start-up failure (database in use or unreachable, port taken): one clear line, exit 1. */
function startupFailed (err: unknown): never {
  logger.fatal({ err }, 'agency failed to start')
  process.stderr.write(`cannot start the agency: ${err instanceof Error ? err.message : String(err)}\n`)
  process.exit(1)
}
