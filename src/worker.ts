import { loadConfigOrExit } from './config.js'
import { consultationDeps, runConsultationDelivery } from './consultations/index.js'
import { runLapseJob } from './divergence/reevaluate.js'
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
const DAY_MS = 24 * 60 * 60 * 1000
// lapses change no record, so the divergences they end are found by a daily re-evaluation
await Promise.all([
  runWorker(ctx, options, stop.signal),
  runLapseJob({ db: deps.db, config: config.divergence, clock: systemClock, logger }, DAY_MS, stop.signal),
  // consultation messages a peer could not take at once are retried from the outbox
  runConsultationDelivery(consultationDeps(config, { db: deps.db, keyRing: deps.keyRing, clock: systemClock, logger }), config.sync.intervalSeconds * 1000, stop.signal)
])
await deps.db.destroy()
