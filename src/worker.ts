import { loadConfigOrExit } from './config.js'
import { runBackgroundJobs } from './jobs/index.js'
import { systemClock } from './lib/clock.js'
import { createLogger } from './lib/logger.js'
import { wireServices } from './wiring.js'

const config = loadConfigOrExit(process.env)
const logger = createLogger({ level: config.logLevel, name: 'worker' })
const deps = await wireServices(config, logger, systemClock)

const stop = new AbortController()
function shutdown (signal: string) {
  if (stop.signal.aborted) return
  logger.info({ signal }, 'shutting down: finishing the jobs\' current runs')
  // a sync round runs until the peer's head, however many pages that is; past the grace
  // period, exit anyway: each page is its own transaction, so nothing is half stored
  const force = setTimeout(() => {
    logger.error({ graceMs: config.shutdownGraceMs }, 'shutdown grace period elapsed; exiting')
    process.exit(1)
  }, config.shutdownGraceMs)
  force.unref()
  stop.abort()
}
process.once('SIGTERM', () => shutdown('SIGTERM'))
process.once('SIGINT', () => shutdown('SIGINT'))

await runBackgroundJobs(deps, stop.signal)
await deps.db.destroy()
logger.info('stopped')
