import { buildApp } from './app.js'
import { loadConfigOrExit } from './config.js'
import { systemClock } from './lib/clock.js'
import { createLogger } from './lib/logger.js'
import { wireServices } from './wiring.js'

const config = loadConfigOrExit(process.env)
const logger = createLogger({ level: config.logLevel })
const deps = await wireServices(config, logger, systemClock)
const app = await buildApp(deps)

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
  await app.close()
  await deps.db.destroy()
  logger.info('stopped')
}
process.once('SIGTERM', () => { void shutdown('SIGTERM') })
process.once('SIGINT', () => { void shutdown('SIGINT') })

await app.listen({ host: config.host, port: config.port })
