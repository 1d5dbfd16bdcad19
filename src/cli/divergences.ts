import { loadConfigOrExit } from '../config.js'
import { systemClock } from '../lib/clock.js'
import { drainDetectionBacklog, reevaluateLapsed } from '../use-cases/index.js'
import type { Command } from './main.js'
import { note, print, usageError, withDatabase } from './services.js'

const USAGE = 'divergences reevaluate | divergences backlog'

/**
 * `divergences reevaluate`: runs the background jobs' lapse re-evaluation once, now: every
 * divergence that still holds although one of its records lapsed is evaluated again, and those
 * that no longer hold are resolved (by `system`, with the reason in their history). Prints one
 * line per divergence resolved (id, kind, reason), then the counts on stderr.
 * `divergences backlog`: runs the background jobs' detection of large changes once, now: the
 * decisions a sync page or an import queued are detected again, every party searched as
 * screening searches; prints the counts on stderr.
 */
export const divergencesCommand: Command = {
  summary: 'Re-evaluate the divergences whose records lapsed (reevaluate), or detect the decisions large changes queued (backlog), now, as the background jobs do',
  usage: USAGE,
  options: {},
  allowPositionals: true,
  async run ({ positionals }) {
    const [action, ...extra] = positionals
    if ((action !== 'reevaluate' && action !== 'backlog') || extra.length > 0) return usageError('divergences', USAGE, 'expected "reevaluate" or "backlog"')
    const config = loadConfigOrExit(process.env)
    if (action === 'backlog') {
      const outcome = await withDatabase(config, (db) => drainDetectionBacklog({ db, config, clock: systemClock }))
      note(`detected the decisions large changes queued: ${outcome.detected} decisions, ${outcome.examined} pairs examined, ${outcome.opened} divergences opened, ${outcome.updated} still hold, ${outcome.resolved} resolved`)
      return 0
    }
    const outcome = await withDatabase(config, (db) => reevaluateLapsed({ db, config, clock: systemClock }))
    for (const { id, kind, reason } of outcome.resolvedDivergences) print(`${id}\tresolved\t${kind}\t${reason}`)
    note(`re-evaluated the divergences naming a lapsed record: ${outcome.checked} checked, ${outcome.resolved} resolved, ${outcome.updated} still hold, ${outcome.opened} opened; the alerts of ${outcome.alertRecords} records no longer in force assessed again`)
    return 0
  }
}
