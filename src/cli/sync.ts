import { loadConfigOrExit } from '../config.js'
import { runBackgroundJobs } from '../jobs/index.js'
import { systemClock } from '../lib/clock.js'
import { createLogger } from '../lib/logger.js'
import { listPeers } from '../peers/index.js'
import { newWorkerId, runOneRound } from '../sync/index.js'
import { agencySyncContext } from '../use-cases/index.js'
import { wireServices } from '../wiring.js'
import type { Command } from './main.js'
import { createProgress } from './progress.js'
import { print } from './services.js'

/**
 * `sync`: pulls every active peer's feed now, each until we hold its head, with a progress bar
 * (plain lines when not on a terminal), and prints one line per peer; exit 1 if any failed.
 * `--follow` runs every background job until interrupted, as the worker does (`npm run worker`).
 */
export const syncCommand: Command = {
  summary: 'Pull, verify and store the feeds of enrolled peers now (--follow: run the worker\'s jobs until interrupted)',
  usage: 'sync [--peer AGENCY_ID] [--follow]',
  options: { peer: { type: 'string' }, follow: { type: 'boolean' } },
  async run ({ values }) {
    const config = loadConfigOrExit(process.env)
    const logger = createLogger({ level: values.follow === true ? config.logLevel : 'warn', name: 'sync' })
    const deps = await wireServices(config, logger, systemClock)
    try {
      if (values.follow === true) {
        const stop = new AbortController()
        process.once('SIGINT', () => stop.abort())
        process.once('SIGTERM', () => stop.abort())
        await runBackgroundJobs(deps, stop.signal)
        return 0
      }
      const { ctx, options } = agencySyncContext({ ...deps, clock: systemClock, logger })
      const peers = (await listPeers(deps.db)).filter((p) => (typeof values.peer === 'string' ? p.agencyId === values.peer : p.status === 'active'))
      if (peers.length === 0) {
        print(typeof values.peer === 'string' ? `no enrolled peer "${values.peer}"` : 'no active peers to sync')
        return typeof values.peer === 'string' ? 1 : 0
      }
      const owner = newWorkerId()
      let failed = 0
      for (const peer of peers) {
        const progress = createProgress({ label: `sync ${peer.agencyId}` })
        ctx.onProgress = ({ cursor, headSeq }) => progress.update(cursor, headSeq)
        const outcome = await runOneRound(ctx, options, owner, peer.agencyId)
        progress.finish()
        if (outcome === undefined) {
          print(`${peer.agencyId}\tskipped\t${peer.status === 'active' ? 'leased by another worker' : peer.status}`)
          continue
        }
        if (outcome.status === 'synced') {
          print(`${peer.agencyId}\tsynced\tstored ${outcome.result.stored}\tcursor ${outcome.result.cursor}\thead ${outcome.result.headSeq}`)
        } else {
          failed += 1
          print(`${peer.agencyId}\t${outcome.status}\t${outcome.code}\t${outcome.message}`)
        }
      }
      return failed === 0 ? 0 : 1
    } finally {
      await deps.db.destroy()
    }
  }
}
