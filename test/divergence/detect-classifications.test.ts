import { randomUUID } from 'node:crypto'
import t, { type Test } from 'tap'
import type { Db } from '../../src/db/create-db.js'
import { DEFAULT_DIVERGENCE_CONFIG, detectDivergences } from '../../src/divergence/index.js'
import { fixedClock } from '../../src/lib/clock.js'
import type { ClassificationContent, RecordKey } from '../../src/records/index.js'
import { insertRecords } from '../../src/records/queries.js'
import { replaceRecordDetails } from '../../src/records/record-details.js'
import { filterColumnsOf } from '../../src/records/to-record.js'
import { createTestDatabase } from '../helpers/test-database.js'

// Detection of conflicting classifications of an item without a part number, straight on the
// query tables (records stored as every writer stores them): the description index gives the
// rule its candidates. "Frequency changers (converters or inverters)" is ccl-alpha-index-2015's
// entry for 3A225; the ally's wording and the codes under which it is listed are made up.

const NOW = new Date('2026-06-01T12:00:00Z')
let seq = 0

async function agencies (t: Test): Promise<Db> {
  const { db } = await createTestDatabase(t)
  await db.insertInto('peers').values({ agency_id: 'bravo', name: 'bravo', country: 'FR', base_url: 'https://bravo.example', jwks: JSON.stringify({ keys: [] }), jwks_url: null, jwks_refreshed_at: null, status: 'active', status_reason: null }).execute()
  await db.insertInto('feed_heads').values({ issuer: 'alpha', seq: 0, hash: null }).execute()
  return db
}

function classification (description: string, code: string, date: string): ClassificationContent {
  return { item: { description }, result: 'listed', codes: [{ regime: 'eu', code }], classificationDate: date }
}

async function store (db: Db, issuer: string, content: ClassificationContent, record: RecordKey = { issuer, recordId: randomUUID() }, version = 1): Promise<RecordKey> {
  await db.transaction().execute(async (trx) => {
    if (version === 1) {
      await insertRecords(trx, [{
        issuer, record_id: record.recordId, kind: 'classification', version, status: 'active', ...filterColumnsOf('classification', content), revoked_from: null, audience: null, body: content as never, latest_seq: ++seq, created_at: NOW, updated_at: NOW
      }])
    } else {
      await trx.updateTable('records').set({ version, body: content as never, ...filterColumnsOf('classification', content), latest_seq: ++seq, updated_at: NOW })
        .where('issuer', '=', issuer).where('record_id', '=', record.recordId).execute()
    }
    await replaceRecordDetails(trx, [{ issuer, recordId: record.recordId, kind: 'classification', content }], { fresh: version === 1 })
  })
  return record
}

async function detect (db: Db, record: RecordKey) {
  return db.transaction().execute((trx) => detectDivergences({ trx, config: DEFAULT_DIVERGENCE_CONFIG, clock: fixedClock(NOW) }, [record]))
}

t.test('two agencies listing an item without part number, described alike, under unrelated codes: a conflict, until one description changes', async (t) => {
  const db = await agencies(t)
  const theirs = await store(db, 'bravo', classification('Frequency changers (converters or inverters)', '3A225', '2026-02-01'))
  const ours = await store(db, 'alpha', classification('INVERTERS or convertors; frequency-changer', '3A201', '2026-03-01'))
  t.match(await detect(db, ours), { examined: 1, opened: 1 })
  const [found] = await db.selectFrom('divergences').selectAll().execute()
  t.match(found, { kind: 'conflicting-classification', first_issuer: 'bravo', first_record_id: theirs.recordId, second_issuer: 'alpha', second_record_id: ours.recordId, holds: true })
  t.match(found?.evidence, { item: { basis: 'description', partNumber: { value: 'unknown' } }, conflict: 'codes' })
  t.match(found?.explanation, /the same item: descriptions \d+% alike/)

  await store(db, 'alpha', classification('Thermal imaging camera core', '3A201', '2026-03-01'), ours, 2)
  t.match(await detect(db, ours), { examined: 1, resolved: 1 }, 'amended to another item: the divergence naming it is re-evaluated, and resolved')
  t.match(await db.selectFrom('divergences').selectAll().executeTakeFirst(), { state: 'resolved', holds: false })
})

t.test('an item described differently, or described alike under the same entry, opens nothing', async (t) => {
  const db = await agencies(t)
  await store(db, 'bravo', classification('Frequency changers (converters or inverters)', '3A225', '2026-02-01'))
  t.match(await detect(db, await store(db, 'alpha', classification('Analog-to-digital converters, integrated circuits', '3A001.a.5', '2026-03-01'))), { examined: 0, opened: 0 })
  t.match(await detect(db, await store(db, 'alpha', classification('frequency changers, converters or inverters', '3A225', '2026-03-01'))), { examined: 1, opened: 0 },
    'the same item, examined, classified alike')
})
