import { loadConfigOrExit } from '../config.js'
import { systemClock } from '../lib/clock.js'
import { createLogger } from '../lib/logger.js'
import { recoverFeed, witnessRound } from '../use-cases/index.js'
import { wireServices } from '../wiring.js'
import type { Command } from './main.js'
import { cliActor, note, print, usageError } from './services.js'

const USAGE = 'feed recover [--release] | feed witness'

/**
 * `feed recover`: compares our feed with what our active peers hold of it and takes back what
 * they hold beyond our head (after a restore from a backup), then lets publishing go on; exit 1
 * when it could not (no peer answered, another history, a key this database lacks).
 * `--release` lifts the publishing hold without asking (every peer gone for good).
 * `feed witness`: one round of the witness job now: what every peer holds of every feed,
 * a split view quarantining the peer; prints one line per view.
 */
export const feedCommand: Command = {
  summary: 'Recover our feed from our peers after a restore, or check what they witness of every feed',
  usage: USAGE,
  options: { release: { type: 'boolean' } },
  allowPositionals: true,
  async run ({ values, positionals }) {
    const [action, ...extra] = positionals
    if ((action !== 'recover' && action !== 'witness') || extra.length > 0) return usageError('feed', USAGE, 'expected "recover" or "witness"')
    if (values.release === true && action !== 'recover') return usageError('feed', USAGE, '--release goes with recover')
    const config = loadConfigOrExit(process.env)
    const logger = createLogger({ level: 'warn', name: 'feed' })
    const deps = await wireServices(config, logger, systemClock)
    try {
      if (action === 'witness') {
        const { witnesses, recovery } = await witnessRound(deps)
        for (const v of witnesses.views) print([v.subject, v.witness, v.seq, v.hash ?? '-', v.cosignedAt.toISOString()].join('\t'))
        for (const r of witnesses.refused) note(`refused: ${r.witness} on ${r.subject}: ${r.why}`)
        for (const peer of witnesses.splitViews) note(`split view: ${peer} is quarantined (GET /v1/peers/${peer} has both checkpoints)`)
        if (recovery !== undefined) note(`feed recovery: ${recovery.status}`)
        return witnesses.splitViews.length > 0 || witnesses.forked.length > 0 ? 1 : 0
      }
      const outcome = await recoverFeed(deps, cliActor(), { release: values.release === true })
      print([outcome.status, `from ${outcome.from}`, `to ${outcome.to}`, outcome.source === undefined ? '' : `from ${outcome.source}`].filter((p) => p !== '').join('\t'))
      for (const seq of outcome.lost) note(`entry ${seq}: no peer holds its content; kept as a placeholder (hash and prev)`)
      for (const peer of outcome.unanswered) note(`${peer.peer} did not answer: ${peer.why}`)
      for (const fork of outcome.forked) note(`${fork.peer} holds another entry at seq ${fork.seq}: see docs/operations.md`)
      if (outcome.hold !== null) note(`publishing is held: ${outcome.hold}`)
      return outcome.hold === null ? 0 : 1
    } finally {
      await deps.db.destroy()
    }
  }
}
