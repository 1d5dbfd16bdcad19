import { randomUUID } from 'node:crypto'
import type { Selectable, Transaction } from 'kysely'
import { appendAuditEvents } from '../audit/index.js'
import type { Db } from '../db/create-db.js'
import type { Database, WatchedPartyTable } from '../db/schema.js'
import type { Clock } from '../lib/clock.js'
import { errors } from '../lib/errors.js'
import type { WatchedPartyInput, WatchedPartyView } from './schemas.js'
import { indexWatchedParties, unindexWatched } from './watch-index.js'

/** Who owns a party watched for the whole agency: every officer is alerted. */
export const AGENCY_OWNER = 'agency'

type WatchedParty = Omit<WatchedPartyInput, 'note' | 'forAgency'>

/** Watches a party for `user` (or for the agency): any allied record stored from now on that names it raises an alert. In the audit trail. */
export async function watchParty (deps: { db: Db, clock: Clock }, user: string, input: WatchedPartyInput): Promise<WatchedPartyView> {
  const { note, forAgency, ...party } = input
  const id = randomUUID()
  const owner = forAgency ? AGENCY_OWNER : user
  return deps.db.transaction().execute(async (trx) => {
    const row = await trx.insertInto('watched_parties').values({
      id, owner, party: JSON.stringify(party), note, created_by: user, created_at: deps.clock.now()
    }).returningAll().executeTakeFirstOrThrow()
    await indexWatchedParties(trx, { type: 'watch', id }, [party])
    await appendAuditEvents(trx, [{ actor: user, action: 'party-watched', subject: { type: 'watched-party', id }, detail: { owner, name: party.name } }], deps.clock)
    return watchedPartyView(row)
  })
}

/** Stops watching a party: its owner, or for the agency's any officer. NOT_FOUND for one not watched or not theirs. */
export async function unwatchParty (deps: { db: Db, clock: Clock }, user: string, id: string): Promise<void> {
  await deps.db.transaction().execute(async (trx) => {
    const row = await trx.selectFrom('watched_parties').select(['owner']).where('id', '=', id).where('removed_at', 'is', null)
      .where('owner', 'in', [user, AGENCY_OWNER]).forUpdate().executeTakeFirst()
    if (row === undefined) throw errors.notFound(`watched party ${id}`)
    await trx.updateTable('watched_parties').set({ removed_at: deps.clock.now(), removed_by: user }).where('id', '=', id).execute()
    await unindexWatched(trx, { type: 'watch', id })
    await appendAuditEvents(trx, [{ actor: user, action: 'party-unwatched', subject: { type: 'watched-party', id }, detail: { owner: row.owner } }], deps.clock)
  })
}

/** The parties `user` watches and those the agency watches, newest first. */
export async function listWatchedParties (db: Db, user: string): Promise<WatchedPartyView[]> {
  const rows = await db.selectFrom('watched_parties').selectAll().where('removed_at', 'is', null)
    .where('owner', 'in', [user, AGENCY_OWNER]).orderBy('created_at', 'desc').orderBy('id', 'desc').execute()
  return rows.map(watchedPartyView)
}

/** The watched parties among `ids` still watched, as the matching reads them. */
export async function watchedPartiesAmong (trx: Transaction<Database>, ids: readonly string[]): Promise<WatchedPartyView[]> {
  if (ids.length === 0) return []
  const rows = await trx.selectFrom('watched_parties').selectAll().where('id', 'in', [...ids]).where('removed_at', 'is', null).orderBy('id').execute()
  return rows.map(watchedPartyView)
}

function watchedPartyView (row: Selectable<WatchedPartyTable>): WatchedPartyView {
  const party = row.party as WatchedParty
  return {
    id: row.id,
    owner: row.owner,
    name: party.name,
    aliases: party.aliases,
    identifiers: party.identifiers,
    country: party.country ?? null,
    note: row.note,
    createdBy: row.created_by,
    createdAt: new Date(row.created_at).toISOString()
  }
}
