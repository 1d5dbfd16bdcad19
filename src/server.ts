import { buildApp } from './app.js'
import { loadConfigOrExit } from './config.js'
import { systemClock } from './lib/clock.js'
import { consultationDeps, runConsultationDelivery } from './consultations/index.js'
import { createLogger } from './lib/logger.js'
import { createSyncContext, runWorker } from './sync/index.js'
import { wireServices } from './wiring.js'

const config = loadConfigOrExit(process.env)
const logger = createLogger({ level: config.logLevel })
const deps = await wireServices(config, logger, systemClock).catch((err: unknown) => startupFailed(err))
const app = await buildApp(deps)
const stopWorker = new AbortController()
let worker: Promise<void> = Promise.resolve()
if (config.sync.inProcess) {
  const { ctx, options } = createSyncContext({ db: deps.db, agencyId: config.agency.id, sync: config.sync, jwksCooldownSeconds: config.peerJwksCooldownSeconds, divergence: config.divergence, keyRing: deps.keyRing, clock: systemClock, logger })
  worker = Promise.all([
    runWorker(ctx, options, stopWorker.signal),
    runConsultationDelivery(consultationDeps(config, { db: deps.db, keyRing: deps.keyRing, clock: systemClock, logger }), config.sync.intervalSeconds * 1000, stopWorker.signal)
  ]).then(() => {})
}

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
  stopWorker.abort()
  await Promise.all([app.close(), worker])
  await deps.db.destroy()
  logger.info('stopped')
}
process.once('SIGTERM', () => { void shutdown('SIGTERM') })
process.once('SIGINT', () => { void shutdown('SIGINT') })

await app.listen({ host: config.host, port: config.port }).catch(async (err: unknown) => {
  await deps.db.destroy()
  startupFailed(err)
})

/** A start-up failure (database in use or unreachable, port taken): one clear line, exit 1. */
function startupFailed (err: unknown): never {
  logger.fatal({ err }, 'agency failed to start')
  process.stderr.write(`cannot start the agency: ${err instanceof Error ? err.message : String(err)}\n`)
  process.exit(1)
}
