import { loadConfigOrExit } from './config.js'
import { systemClock } from './lib/clock.js'
import { createLogger } from './lib/logger.js'
import { createSyncContext, runWorker } from './sync/index.js'
import { wireServices } from './wiring.js'

const config = loadConfigOrExit(process.env)
const logger = createLogger({ level: config.logLevel, name: 'worker' })
const deps = await wireServices(config, logger, systemClock)
const { ctx, options } = createSyncContext({ db: deps.db, agencyId: config.agency.id, sync: config.sync, jwksCooldownSeconds: config.peerJwksCooldownSeconds, divergence: config.divergence, keyRing: deps.keyRing, clock: systemClock, logger })

const stop = new AbortController()
process.once('SIGTERM', () => stop.abort())
process.once('SIGINT', () => stop.abort())
await runWorker(ctx, options, stop.signal)
await deps.db.destroy()
