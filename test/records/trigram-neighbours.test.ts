import { randomUUID } from 'node:crypto'
import type { Transaction } from 'kysely'
import t from 'tap'
import type { Db } from '../../src/db/create-db.js'
import type { Database } from '../../src/db/schema.js'
import { DEFAULT_TRIGRAM_THRESHOLD } from '../../src/config.js'
import type { DecisionContent } from '../../src/records/index.js'
import { findNearParties, partyProbe } from '../../src/records/candidates.js'
import { forgetTrigramNeighbours } from '../../src/records/trigram-neighbours.js'
import { storeHeldRecords } from '../helpers/held-records.js'
import { createTestDatabase } from '../helpers/test-database.js'

// The trigram neighbours of a looked-for party are remembered from one search to the next
// (issue 12: a sync page's denials were searched afresh on every page, ~260 ms of PostgreSQL a
// page). What is remembered must never hide a name: one added later, one added by a transaction
// still open when the neighbours were remembered, or many added at once are all found; one
// rolled back is not. Names from the OFAC SDN list (Mahan Air and its aliases).

/** Stores denials naming `names` (one end user each) through the records writer: `party_names` follows. */
async function storeNames (trx: Transaction<Database>, names: readonly string[]): Promise<void> {
  const records = names.map((name) => {
    const recordId = randomUUID()
    const content: DecisionContent = {
      reference: `REF-${recordId}`,
      regimeReferences: [],
      outcome: 'denied',
      decisionDate: '2026-01-15',
      validUntil: '2029-01-15',
      destination: 'IR',
      endUse: '',
      parties: [{ role: 'end_user', name, aliases: [], country: 'IR', identifiers: [] }],
      items: [{ codes: [{ regime: 'eu', code: '9A001' }], description: 'Aero gas turbine engines' }],
      reasons: []
    }
    return { recordId, content }
  })
  await storeHeldRecords(trx, 'fr-sbdu', records.map((r) => ({ ...r, kind: 'decision' as const })))
}

async function nearNames (db: Db, name: string, limit = 1000): Promise<string[]> {
  const party = { name }
  const near = await db.transaction().execute((trx) => findNearParties(trx, [partyProbe(party)], {
    trigramThreshold: DEFAULT_TRIGRAM_THRESHOLD, limit, nearness: 'trigram'
  }))
  return near.map((n) => n.party.name).sort()
}

t.test('a looked-for party remembered finds the names added since, whoever added them and when they committed', async (t) => {
  forgetTrigramNeighbours()
  const { db } = await createTestDatabase(t)
  await db.transaction().execute((trx) => storeNames(trx, ['MAHAN AIR', 'KHATAM AL-ANBIYA CONSTRUCTION HEADQUARTERS']))
  t.same(await nearNames(db, 'Mahan Airlines'), ['MAHAN AIR'], 'the first search, through the index')
  t.same(await nearNames(db, 'Mahan Airlines'), ['MAHAN AIR'], 'the same, remembered')

  await db.transaction().execute((trx) => storeNames(trx, ['MAHAN AIRWAYS']))
  t.same(await nearNames(db, 'Mahan Airlines'), ['MAHAN AIR', 'MAHAN AIRWAYS'], 'a name added after the neighbours were remembered')

  // a transaction adds a name and stays open while the neighbours are searched and remembered
  let release!: () => void
  const held = new Promise<void>((resolve) => { release = resolve })
  let added!: () => void
  const written = new Promise<void>((resolve) => { added = resolve })
  const open = db.transaction().execute(async (trx) => {
    await storeNames(trx, ['MAHAN AIR LINES COMPANY'])
    added()
    await held
  })
  await written
  t.same(await nearNames(db, 'Mahan Airlines'), ['MAHAN AIR', 'MAHAN AIRWAYS'], 'a name not yet committed is not seen')
  release()
  await open
  t.same(await nearNames(db, 'Mahan Airlines'), ['MAHAN AIR', 'MAHAN AIR LINES COMPANY', 'MAHAN AIRWAYS'], 'and is found once it has committed, though remembered before')

  await db.transaction().execute(async (trx) => {
    await storeNames(trx, ['MAHAN AIRCRAFT TRADING'])
    t.same((await findNearParties(trx, [partyProbe({ name: 'Mahan Airlines' })], { trigramThreshold: DEFAULT_TRIGRAM_THRESHOLD, limit: 1000 })).map((n) => n.party.name).sort(),
      ['MAHAN AIR', 'MAHAN AIR LINES COMPANY', 'MAHAN AIRCRAFT TRADING', 'MAHAN AIRWAYS'], 'a name the searching transaction added itself')
    throw new Error('roll back')
  }).catch((err: Error) => { if (err.message !== 'roll back') throw err })
  t.same(await nearNames(db, 'Mahan Airlines'), ['MAHAN AIR', 'MAHAN AIR LINES COMPANY', 'MAHAN AIRWAYS'], 'a name of a transaction rolled back is not remembered')

  // more names added at once than are compared one by one: searched afresh through the index
  await db.transaction().execute((trx) => storeNames(trx, [...Array.from({ length: 400 }, (_, i) => `EXAMPLE SHIPPING ${i} LLC`), 'MAHAN AIR TRANSPORT']))
  t.same(await nearNames(db, 'Mahan Airlines'), ['MAHAN AIR', 'MAHAN AIR LINES COMPANY', 'MAHAN AIR TRANSPORT', 'MAHAN AIRWAYS'], 'after a page of new names')
  t.same(await nearNames(db, 'Mahan Airlines'), ['MAHAN AIR', 'MAHAN AIR LINES COMPANY', 'MAHAN AIR TRANSPORT', 'MAHAN AIRWAYS'], 'and remembered again')
  t.same(await nearNames(db, 'Mahan Airlines', 1), ['MAHAN AIR LINES COMPANY'], 'more near names than are kept: the nearest (its joined words spell ours)')
  t.same(await nearNames(db, 'Khatam al Anbiya Construction'), ['KHATAM AL-ANBIYA CONSTRUCTION HEADQUARTERS'], 'another party, its own neighbours')
})
