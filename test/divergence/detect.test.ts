import { randomUUID } from 'node:crypto'
import t, { type Test } from 'tap'
import type { Db } from '../../src/db/create-db.js'
import { countDetectionBacklog, DEFAULT_DIVERGENCE_CONFIG, detectDivergences, drainDetectionBacklog } from '../../src/divergence/index.js'
import { fixedClock } from '../../src/lib/clock.js'
import { insertRecords } from '../../src/records/queries.js'
import { replaceRecordDetails } from '../../src/records/record-details.js'
import type { ControlCode, CrosswalkContent, DecisionContent, RecordKind } from '../../src/records/index.js'
import { filterColumnsOf } from '../../src/records/to-record.js'
import { createTestDatabase } from '../helpers/test-database.js'

// Detection straight on the query tables, records stored as every writer stores them
// (insertRecords, then replaceRecordDetails): which candidates the indexes give the rules.
// Names: "GAZPROMBANK OAO" (csl-sample/csl_2019_sample.csv), "Gazprom Bank" the spelling;
// codes from ccl-alpha-index-2015 (3A001a5 analog-to-digital converters).

const NOW = new Date('2026-06-01T12:00:00Z')

async function agencies (t: Test): Promise<Db> {
  const { db } = await createTestDatabase(t)
  for (const id of ['bravo', 'charlie']) {
    await db.insertInto('peers').values({ agency_id: id, name: id, country: 'FR', base_url: `https://${id}.example`, jwks: JSON.stringify({ keys: [] }), jwks_url: null, jwks_refreshed_at: null, status: 'active', status_reason: null }).execute()
  }
  await db.insertInto('feed_heads').values({ issuer: 'alpha', seq: 0, hash: null }).execute()
  return db
}

let seq = 0
async function store<K extends RecordKind> (db: Db, issuer: string, kind: K, content: K extends 'decision' ? DecisionContent : CrosswalkContent, revokedFrom: string | null = null) {
  const recordId = randomUUID()
  await db.transaction().execute(async (trx) => {
    await insertRecords(trx, [{
      issuer, record_id: recordId, kind, version: 1, status: revokedFrom === null ? 'active' : 'revoked', ...filterColumnsOf(kind, content as never), revoked_from: revokedFrom, audience: null, body: content as never, latest_seq: ++seq, created_at: NOW, updated_at: NOW
    }])
    await replaceRecordDetails(trx, [{ issuer, recordId, kind, content }], { fresh: true })
  })
  return { issuer, recordId }
}

function decision (outcome: 'granted' | 'denied', code: ControlCode, more: Partial<DecisionContent> = {}): DecisionContent {
  return {
    reference: `REF-${randomUUID()}`,
    regimeReferences: [],
    outcome,
    decisionDate: outcome === 'denied' ? '2026-01-15' : '2026-03-01',
    ...(outcome === 'denied' ? { validUntil: '2029-01-15' } : {}),
    destination: 'RU',
    endUse: '',
    parties: [{ role: 'end_user', name: outcome === 'denied' ? 'GAZPROMBANK OAO' : 'Gazprom Bank', aliases: [], country: 'RU', identifiers: [] }],
    items: [{ codes: [code], description: 'Analog-to-digital converters, integrated circuits' }],
    reasons: [],
    ...more
  }
}

async function detect (db: Db, record: { issuer: string, recordId: string }) {
  return db.transaction().execute((trx) => detectDivergences({ trx, config: DEFAULT_DIVERGENCE_CONFIG, clock: fixedClock(NOW) }, [record]))
}

async function kinds (db: Db) {
  return (await db.selectFrom('divergences').select(['kind', 'first_issuer', 'second_issuer']).orderBy('pair_key').execute())
}

t.test('items related through a crosswalk, to another numbering, are candidates; without it they are not', async (t) => {
  const db = await agencies(t)
  await store(db, 'bravo', 'decision', decision('denied', { regime: 'eu', code: '3A001.a.5' }))
  const grant = await store(db, 'alpha', 'decision', decision('granted', { regime: 'us-eccn', code: '3A001.a' }))
  t.match(await detect(db, grant), { examined: 0, opened: 0 }, 'an ECCN and an EU code are not related by number')
  await store(db, 'charlie', 'crosswalk', { from: { regime: 'us-eccn', code: '3A001.a' }, to: { regime: 'eu', code: '3A001.a' }, relation: 'equivalent' })
  t.match(await detect(db, grant), { examined: 1, opened: 1 }, 'a crosswalk to the EU entry the denied sub-item lies within relates them')
  t.match(await kinds(db), [{ kind: 'undercut', first_issuer: 'bravo', second_issuer: 'alpha' }])
})

t.test('a grant within a denied entry, and a grant of an entry containing a denied sub-item, are both candidates', async (t) => {
  const db = await agencies(t)
  await store(db, 'bravo', 'decision', decision('denied', { regime: 'uk', code: '3A001' }))
  await store(db, 'charlie', 'decision', decision('denied', { regime: 'wassenaar', code: '3.A.1.a.5' }))
  const grant = await store(db, 'alpha', 'decision', decision('granted', { regime: 'eu', code: '3A001.a' }))
  t.match(await detect(db, grant), { examined: 2, opened: 2 })
  t.equal((await kinds(db)).length, 2)
})

t.test('candidates: other agencies\' decisions of the other outcome, not revoked, whose dates and items allow a divergence', async (t) => {
  const db = await agencies(t)
  const code = { regime: 'eu', code: '3A001.a.5' } as const
  await store(db, 'bravo', 'decision', decision('denied', code))
  await store(db, 'bravo', 'decision', decision('granted', code), null) // same outcome as the new grant
  await store(db, 'charlie', 'decision', decision('denied', code), '2026-02-01') // revoked
  await store(db, 'charlie', 'decision', decision('denied', code, { decisionDate: '2020-01-10', validUntil: '2023-01-10' })) // lapsed before the grant
  await store(db, 'charlie', 'decision', decision('denied', code, { destination: 'BY' })) // in force, another destination: no undercut
  await store(db, 'charlie', 'decision', decision('denied', { regime: 'eu', code: '5A002.a' })) // unrelated entry
  await store(db, 'alpha', 'decision', decision('denied', code)) // our own
  const grant = await store(db, 'alpha', 'decision', decision('granted', code))
  t.match(await detect(db, grant), { examined: 1, opened: 1 }, 'only the denial in force for the same destination and entry')

  const later = await store(db, 'charlie', 'decision', decision('denied', code, { decisionDate: '2026-04-01', validUntil: '2029-04-01', destination: 'BY' }))
  t.match(await detect(db, later), { examined: 2, opened: 2 }, 'a denial after two grants, whatever their destination: divergent outcomes')
  t.same((await kinds(db)).map((d) => d.kind).sort(), ['divergent-outcome', 'divergent-outcome', 'undercut'])
})

t.test('a shared identifier makes a candidate whatever the names', async (t) => {
  const db = await agencies(t)
  const code = { regime: 'eu', code: '3A001.a.5' } as const
  const id = [{ scheme: 'registration' as const, value: '1027700167110' }]
  await store(db, 'bravo', 'decision', decision('denied', code, { parties: [{ role: 'consignee', name: 'GPB, OJSC', aliases: [], country: 'RU', identifiers: id }] }))
  const grant = await store(db, 'alpha', 'decision', decision('granted', code, { parties: [{ role: 'end_user', name: 'Joint Stock Company Gas Industry Bank', aliases: [], country: 'RU', identifiers: id }] }))
  t.match(await detect(db, grant), { examined: 1, opened: 1 })
})

t.test('a large change (a sync page, an import) finds the parties whose names normalise alike, in one probe', async (t) => {
  const db = await agencies(t)
  const denial = await store(db, 'bravo', 'decision', decision('denied', { regime: 'eu', code: '3A001.a.5' }))
  const grants = [await store(db, 'alpha', 'decision', decision('granted', { regime: 'eu', code: '3A001.a.5' }))]
  // twenty more grants to other end users: more changed parties than detection searches by trigram
  for (let i = 0; i < 20; i++) {
    grants.push(await store(db, 'alpha', 'decision', decision('granted', { regime: 'eu', code: '3A001.a.5' }, {
      parties: [{ role: 'end_user', name: `Trading House ${String.fromCharCode(65 + i)}${String.fromCharCode(75 + i)} Limited`, aliases: [], country: 'RU', identifiers: [] }]
    })))
  }
  const outcome = await db.transaction().execute((trx) => detectDivergences({ trx, config: DEFAULT_DIVERGENCE_CONFIG, clock: fixedClock(NOW) }, grants))
  t.match(outcome, { opened: 1 }, '"Gazprom Bank" and "GAZPROMBANK OAO" share an exact key: found among 21 changed decisions')
  t.match(await kinds(db), [{ kind: 'undercut', first_issuer: denial.issuer, second_issuer: 'alpha' }])
})

// A denial's end user written with a typo, as another agency writes it: "GAZPROMBANK OAO"
// (csl-sample), "Gazprombamk" the grant's (its consonants differ too: no exact key is shared).
async function largeChange (db: Db, typoed: string) {
  const grants = [await store(db, 'alpha', 'decision', decision('granted', { regime: 'eu', code: '3A001.a.5' }, {
    parties: [{ role: 'end_user', name: typoed, aliases: [], country: 'RU', identifiers: [] }]
  }))]
  for (let i = 0; i < 20; i++) {
    grants.push(await store(db, 'alpha', 'decision', decision('granted', { regime: 'eu', code: '3A001.a.5' }, {
      parties: [{ role: 'end_user', name: `Trading House ${String.fromCharCode(65 + i)}${String.fromCharCode(75 + i)} Limited`, aliases: [], country: 'RU', identifiers: [] }]
    })))
  }
  return { grants, outcome: await db.transaction().execute((trx) => detectDivergences({ trx, config: DEFAULT_DIVERGENCE_CONFIG, clock: fixedClock(NOW) }, grants)) }
}

t.test('a large change queues its decisions; the backlog detects them again with every name searched as screening does', async (t) => {
  await t.test('a typo\'d end user among 21 grants: not at once, found by the backlog', async (t) => {
    const db = await agencies(t)
    const denial = await store(db, 'bravo', 'decision', decision('denied', { regime: 'eu', code: '3A001.a.5' }))
    const { grants, outcome } = await largeChange(db, 'Gazprombamk')
    t.match(outcome, { opened: 0 }, 'names that normalise alike only, in the change\'s transaction')
    t.equal(await countDetectionBacklog(db), grants.length, 'every decision of the change queued')
    const drained = await drainDetectionBacklog({ db, config: DEFAULT_DIVERGENCE_CONFIG, clock: fixedClock(NOW) })
    t.match(drained, { detected: grants.length, opened: 1 }, 'the typo found as screening finds it')
    t.match(await kinds(db), [{ kind: 'undercut', first_issuer: denial.issuer, second_issuer: 'alpha' }])
    t.equal(await countDetectionBacklog(db), 0, 'the queue emptied')
    t.match(await drainDetectionBacklog({ db, config: DEFAULT_DIVERGENCE_CONFIG, clock: fixedClock(NOW) }), { detected: 0, opened: 0 }, 'nothing left to do')
  })

  await t.test('a different party near the denied name opens nothing, at once or later', async (t) => {
    const db = await agencies(t)
    await store(db, 'bravo', 'decision', decision('denied', { regime: 'eu', code: '3A001.a.5' }))
    t.match((await largeChange(db, 'Gazprom Neft')).outcome, { opened: 0 })
    t.match(await drainDetectionBacklog({ db, config: DEFAULT_DIVERGENCE_CONFIG, clock: fixedClock(NOW) }), { detected: 21, opened: 0 }, 'near in trigrams, another party to the scorer')
  })

  await t.test('a small change is searched as screening does at once and queues nothing', async (t) => {
    const db = await agencies(t)
    await store(db, 'bravo', 'decision', decision('denied', { regime: 'eu', code: '3A001.a.5' }))
    const grant = await store(db, 'alpha', 'decision', decision('granted', { regime: 'eu', code: '3A001.a.5' }, {
      parties: [{ role: 'end_user', name: 'Gazprombamk', aliases: [], country: 'RU', identifiers: [] }]
    }))
    t.match(await detect(db, grant), { opened: 1 })
    t.equal(await countDetectionBacklog(db), 0)
  })
})
