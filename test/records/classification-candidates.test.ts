import { randomUUID } from 'node:crypto'
import { sql } from 'kysely'
import t from 'tap'
import type { Db } from '../../src/db/create-db.js'
import { KEYS_VERSION } from '../../src/matching/index.js'
import { descriptionKey } from '../../src/matching/match-keys.js'
import { classificationsSharingPart, refreshMatchKeys, type ClassificationContent, type DecisionContent, type RecordKey } from '../../src/records/index.js'
import { storeHeldRecords } from '../helpers/held-records.js'
import { createTestDatabase } from '../helpers/test-database.js'

// Which classifications of other agencies the indexes give divergence detection for a changed
// one: by part number, and by description when a part number is missing (issue 12).
// Descriptions from /work/shared/data ccl-alpha-index-2015 ("Frequency changers (converters or
// inverters)" 3A225, "Analog-to-digital converters, integrated circuits" 3A001a5); the other
// wordings are an officer's (case, punctuation, word order, a typo).

async function store (db: Db, issuer: string, item: ClassificationContent['item'], revokedFrom: string | null = null): Promise<RecordKey> {
  const recordId = randomUUID()
  const content: ClassificationContent = { item, result: 'listed', codes: [{ regime: 'eu', code: '3A225' }], classificationDate: '2026-02-01' }
  await db.transaction().execute((trx) => storeHeldRecords(trx, issuer, [{ recordId, kind: 'classification', content, revokedFrom }]))
  return { issuer, recordId }
}

async function storeDecision (db: Db, issuer: string, description: string): Promise<RecordKey> {
  const recordId = randomUUID()
  const content: DecisionContent = {
    reference: `REF-${recordId}`,
    regimeReferences: [],
    outcome: 'denied',
    decisionDate: '2026-01-15',
    validUntil: '2029-01-15',
    destination: 'RU',
    endUse: '',
    parties: [{ role: 'end_user', name: 'GAZPROMBANK OAO', aliases: [], country: 'RU', identifiers: [] }],
    items: [{ codes: [{ regime: 'eu', code: '3A225' }], description }],
    reasons: []
  }
  await db.transaction().execute((trx) => storeHeldRecords(trx, issuer, [{ recordId, kind: 'decision', content }]))
  return { issuer, recordId }
}

async function candidatesOf (db: Db, record: RecordKey): Promise<RecordKey[]> {
  const pairs = await db.transaction().execute((trx) => classificationsSharingPart(trx, [record]))
  return pairs.map(([changed, other]) => {
    if (changed.recordId !== record.recordId) throw new Error('a pair starts with the changed record')
    return other
  }).sort((a, b) => a.recordId.localeCompare(b.recordId))
}

const sorted = (...keys: RecordKey[]) => [...keys].sort((a, b) => a.recordId.localeCompare(b.recordId))

t.test('the description key: content words, folded and sorted; classification items only', async (t) => {
  t.equal(descriptionKey('Frequency changers (converters or inverters)'), 'changer converter frequency inverter')
  t.equal(descriptionKey('INVERTERS or converters; frequency-changer'), 'changer converter frequency inverter', 'case, punctuation, word order and plurals fold to one key')
  t.equal(descriptionKey('Equipment'), null, 'nothing but generic words: no key')
  const { db } = await createTestDatabase(t)
  const classification = await store(db, 'alpha', { description: 'Frequency changers (converters or inverters)' })
  const decision = await storeDecision(db, 'alpha', 'Frequency changers (converters or inverters)')
  const keyOf = async (k: RecordKey) => (await db.selectFrom('record_items').select('description_key').where('issuer', '=', k.issuer).where('record_id', '=', k.recordId).executeTakeFirstOrThrow()).description_key
  t.equal(await keyOf(classification), 'changer converter frequency inverter')
  t.equal(await keyOf(decision), null, 'a decision\'s items are related by their codes: not in the description index')
})

t.test('without a part number, other agencies\' classifications described alike are candidates; different items are not', async (t) => {
  const { db } = await createTestDatabase(t)
  const ours = await store(db, 'alpha', { description: 'Frequency changers (converters or inverters)' })
  const alike = await store(db, 'bravo', { description: 'frequency CHANGER: inverters or convertors' })
  const reordered = await store(db, 'charlie', { description: 'Inverters or converters, frequency changers', partNumber: '6SL3210-1KE' })
  await store(db, 'bravo', { description: 'Thermal imaging camera core' })
  const oursAgain = await store(db, 'alpha', { description: 'Frequency changers (converters or inverters)' })
  await store(db, 'charlie', { description: 'Frequency changers (converters or inverters)' }, '2026-05-01')
  await storeDecision(db, 'bravo', 'Frequency changers (converters or inverters)')

  t.same(await candidatesOf(db, ours), sorted(alike, reordered),
    'a typo, case and punctuation, and another word order with a part number on one side only; not an unrelated item, our own, a revoked one, or a decision')
  t.same(await candidatesOf(db, reordered), sorted(ours, alike, oursAgain), 'found from the side that has the part number too, each of another agency')
  t.same(await candidatesOf(db, await store(db, 'bravo', { description: 'Analog-to-digital converters, integrated circuits' })), [], 'an item described differently finds none')
})

t.test('with part numbers on both sides, the part number decides: alike descriptions are not enough', async (t) => {
  const { db } = await createTestDatabase(t)
  const ours = await store(db, 'alpha', { description: 'Frequency changers (converters or inverters)', partNumber: '6SL3210-1KE' })
  const samePart = await store(db, 'bravo', { description: 'Drives', partNumber: '6sl3210 1ke' })
  await store(db, 'charlie', { description: 'Frequency changers (converters or inverters)', partNumber: '6SL3224-0BE' })
  t.same(await candidatesOf(db, ours), [samePart])
})

t.test('a revoked classification looks for nothing by description (the divergences naming it are re-evaluated anyway)', async (t) => {
  const { db } = await createTestDatabase(t)
  await store(db, 'bravo', { description: 'Frequency changers (converters or inverters)' })
  t.same(await candidatesOf(db, await store(db, 'alpha', { description: 'Frequency changers (converters or inverters)' }, '2026-05-01')), [])
})

t.test('items keyed by an older grammar get their description keys at startup', async (t) => {
  const { db } = await createTestDatabase(t)
  const classification = await store(db, 'alpha', { description: 'Frequency changers (converters or inverters)' })
  const decision = await storeDecision(db, 'alpha', 'Frequency changers (converters or inverters)')
  await sql`update record_items set description_key = null, keys_version = ${KEYS_VERSION - 1}`.execute(db)
  await sql`update record_parties set keys_version = ${KEYS_VERSION - 1}`.execute(db)
  await sql`update record_codes set keys_version = ${KEYS_VERSION - 1}`.execute(db)
  t.equal(await refreshMatchKeys(db), 5, 'two items, a party, and a code of each record')
  const items = await db.selectFrom('record_items').select(['record_id', 'description_key', 'keys_version']).orderBy('record_id').execute()
  t.same(items, sorted(classification, decision).map((k) => ({
    record_id: k.recordId, description_key: k === classification ? 'changer converter frequency inverter' : null, keys_version: KEYS_VERSION
  })))
  const other = await store(db, 'bravo', { description: 'Inverters or converters, frequency changers' })
  t.same(await candidatesOf(db, other), [classification], 'and are found by them')
})
