import { loadConfigOrExit } from '../config.js'
import { systemClock } from '../lib/clock.js'
import { createLogger } from '../lib/logger.js'
import { joinAgency } from '../use-cases/index.js'
import { wireServices } from '../wiring.js'
import { cliActor, note, print } from './services.js'

/**
 * `peers join URL --kid KID [--introduce] [--members]`: enrols the agency at URL (its
 * /.well-known/reciprocity-agency), trusting the key pinned by KID; prints one line per agency
 * enrolled (docs/operations.md, "A new member joins").
 */
export async function joinCommand (url: string, options: { kid: string, introduce: boolean, members: boolean }): Promise<number> {
  const config = loadConfigOrExit(process.env)
  const deps = await wireServices(config, createLogger({ level: 'warn', name: 'peers' }), systemClock)
  try {
    const outcome = await joinAgency(deps, cliActor(), { url, kid: options.kid, introduce: options.introduce, members: options.members })
    for (const peer of outcome.enrolled) print([peer.agencyId, peer.status, peer.country, peer.baseUrl, peer.name].join('\t'))
    if (outcome.introduced !== null) note(`introduced in our feed (entry ${outcome.introduced}): the members that accept our introductions enrol it when they sync us`)
    for (const skipped of outcome.skipped) note(`${skipped}: enrolled already (or us)`)
    return 0
  } finally {
    await deps.db.destroy()
  }
}
