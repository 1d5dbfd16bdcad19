import t from 'tap'
import { startAgency } from '../helpers/agency.js'
import { captureLogs } from '../helpers/capture-logs.js'
import { call, sampleDecision } from '../helpers/records.js'

const NAME = 'Zurmat Construction Company'
const JWT_OR_JWS = /eyJ[\w-]+\.[\w-]+/

t.test('record publications and imports log ids and counts, never a party or a signed entry', async (t) => {
  const logs = captureLogs('debug')
  const agency = await startAgency(t, undefined, { logger: logs.logger })
  const party = { role: 'end_user', name: NAME, aliases: ['Zurmat Group'], country: 'AF', address: 'House No. 319, 10th Street, Kabul' }
  const created = (await call(agency, 'POST', '/v1/decisions', sampleDecision({ parties: [party] }))).body
  await call(agency, 'POST', `/v1/decisions/${created.record.id}/revocations`, { version: 1, reason: 'withdrawn' })
  const csv = [
    'reference,outcome,decision_date,destination,party_name,party_country,party_address,item_codes,item_description',
    `IMP-1,denied,2025-01-02,AF,${NAME},AF,"House No. 319, Kabul",uk:ML10,aircraft parts`,
    `IMP-2,denied,2025-01-02,AF,${NAME},Afghanistan,"House No. 319, Kabul",uk:ML10,aircraft parts`
  ].join('\n')
  const auth = { authorization: await agency.auth('officer'), 'content-type': 'text/csv' }
  t.equal((await agency.app.inject({ method: 'POST', url: '/v1/decisions/import', headers: auth, payload: csv })).statusCode, 422)
  t.equal((await agency.app.inject({ method: 'POST', url: '/v1/decisions/import', headers: auth, payload: csv.split('\n').slice(0, 2).join('\n') })).statusCode, 201)

  const messages = logs.lines.map((l) => l.msg)
  for (const expected of ['decision published', 'decision revoked', 'decisions imported', 'import batch published']) {
    t.ok(messages.includes(expected), `"${expected}" was logged`)
  }
  t.match(logs.lines.find((l) => l.msg === 'decisions imported'), { format: 'csv', imported: 1, firstSeq: 3, lastSeq: 3 })
  t.match(logs.lines.find((l) => l.code === 'IMPORT_REJECTED'), { status: 422 }, 'a rejected import is logged by its code only')
  const text = logs.text()
  for (const personal of [NAME, 'Zurmat Group', 'House No. 319']) t.notOk(text.includes(personal), `"${personal}" is not in the logs`)
  t.notMatch(text, JWT_OR_JWS, 'no JWS or token in the logs')
})
