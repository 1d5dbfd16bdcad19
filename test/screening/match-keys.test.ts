import t from 'tap'
import { sql } from 'kysely'
import { KEYS_VERSION, codeKeyColumns, identifierKey, partyKeyColumns, partyNameHash, partySearchKeys } from '../../src/matching/index.js'
import { refreshMatchKeys } from '../../src/records/index.js'
import { createTestDatabase } from '../helpers/test-database.js'

t.test('party keys: every name and alias, identifiers by value whatever their type', async (t) => {
  const keys = partySearchKeys({ name: 'Gazprombank OAO', aliases: ['Gazprom Bank', 'ГАЗПРОМБАНК'] })
  t.ok(keys.includes('gazprombank'), `the name without its legal form: ${keys.join(' | ')}`)
  t.ok(keys.some((k) => k === 'gazprom bank'), 'the alias as written')
  t.equal(new Set(keys).size, keys.length, 'no key twice')
  t.equal(identifierKey('1027-7001 67110'), '1027700167110')
  t.equal(identifierKey('ab-1'), null, 'too short to retrieve by')
  t.same(partyKeyColumns({ name: 'X Ltd', identifiers: [{ value: 'AB 12345' }, { value: 'ab-12345' }] }).identifier_keys, ['AB12345'], 'deduplicated')
  t.same(codeKeyColumns('wassenaar', '3.A.1.a.1'), { family: 'dual-use', canonical: '3A001.a.1', keys_version: KEYS_VERSION })
  t.same(codeKeyColumns('uk', 'PL5017'), { family: 'national:uk', canonical: 'PL5017', keys_version: KEYS_VERSION }, 'national lists keyed by regime')
  t.same(codeKeyColumns('eu', 'not a code'), { family: null, canonical: null, keys_version: KEYS_VERSION }, 'unreadable: no keys, the raw code stays')
})

t.test('rows written before the keys existed (or by an older grammar) are rekeyed at startup', async (t) => {
  const { db } = await createTestDatabase(t)
  const recordId = '0b9f8a0e-4a3c-4d4f-9a53-6a0c2f7d8e11'
  await sql`insert into record_parties (issuer, record_id, ordinal, role, name, aliases, country, identifiers)
    values ('peer', ${recordId}, 0, 'end_user', 'Gazprombank OAO', '{"Gazprom Bank"}', 'RU', '[{"scheme":"registration","value":"1027700167110"}]')`.execute(db)
  await sql`insert into record_items (issuer, record_id, ordinal, description, part_number) values ('peer', ${recordId}, 0, 'Integrated circuits', 'rh-1000 / b')`.execute(db)
  await sql`insert into record_codes (issuer, record_id, item_ordinal, regime, code) values ('peer', ${recordId}, 0, 'uk', '3A001a1')`.execute(db)
  await sql`insert into crosswalk_links (issuer, record_id, from_regime, from_code, to_regime, to_code, relation)
    values ('peer', ${recordId}, 'us-eccn', '3A001.a.1', 'eu', '3A001.a.1', 'equivalent')`.execute(db)

  t.equal(await refreshMatchKeys(db), 4, 'four rows rekeyed')
  const party = await db.selectFrom('record_parties').selectAll().executeTakeFirstOrThrow()
  t.match(party, { keys_version: KEYS_VERSION, identifier_keys: ['1027700167110'] })
  t.ok(party.name_keys.includes('gazprombank') && party.name_keys.includes('gazprom bank'), party.name_keys)
  t.equal(party.name_hash, partyNameHash({ ...party, identifiers: party.identifiers as Array<{ scheme: string, value: string }> }), 'the distinct party it is')
  t.match(await db.selectFrom('party_names').selectAll().where('name_hash', '=', party.name_hash as string).executeTakeFirstOrThrow(),
    { name: party.name, name_keys: party.name_keys, identifier_keys: ['1027700167110'], keys_version: KEYS_VERSION }, 'written to the distinct parties the search runs over')
  t.match(await db.selectFrom('record_items').selectAll().executeTakeFirstOrThrow(), { part_key: 'RH1000B', keys_version: KEYS_VERSION })
  t.match(await db.selectFrom('record_codes').selectAll().executeTakeFirstOrThrow(), { family: 'dual-use', canonical: '3A001.a.1', keys_version: KEYS_VERSION })
  t.match(await db.selectFrom('crosswalk_links').selectAll().executeTakeFirstOrThrow(), { from_family: 'us-eccn', from_canonical: '3A001.a.1', to_family: 'dual-use', to_canonical: '3A001.a.1' })
  t.equal(await refreshMatchKeys(db), 0, 'a second run has nothing to do')
})
