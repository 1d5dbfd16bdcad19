import type { Db } from '../db/create-db.js'
import type { Application } from '../screening/index.js'
import { indexWatchedParties, outdatedWatchSubjects, removeUnwatchedNames } from './watch-index.js'

/**
 * Indexes again the open cases' and watched parties' names kept under an older key grammar
 * (`KEYS_VERSION`), as `refreshMatchKeys` does the stored parties', and removes the names no
 * open case or watched party carries any more: at startup, before anything is matched. Returns
 * how many subjects were indexed again.
 */
export async function refreshWatchKeys (db: Db): Promise<number> {
  return db.transaction().execute(async (trx) => {
    const outdated = await outdatedWatchSubjects(trx)
    for (const subject of outdated) {
      const parties = subject.type === 'case'
        ? ((await trx.selectFrom('cases').select('application').where('id', '=', subject.id).executeTakeFirstOrThrow()).application as Application).parties
        : [(await trx.selectFrom('watched_parties').select('party').where('id', '=', subject.id).executeTakeFirstOrThrow()).party as Application['parties'][number]]
      await indexWatchedParties(trx, subject, parties.map((p) => ({ name: p.name, aliases: p.aliases, identifiers: p.identifiers })))
    }
    await removeUnwatchedNames(trx)
    return outdated.length
  })
}
