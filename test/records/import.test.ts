import { readFile } from 'node:fs/promises'
import { Readable } from 'node:stream'
import t from 'tap'
import { startAgency, type TestAgency } from '../helpers/agency.js'
import { call, headSeq, sampleDecision } from '../helpers/records.js'

// test/fixtures/uk-decisions-sample.csv: 35 rows of UK SIEL decisions (January 2008) from the
// CAAT export of UK licensing data, one row per licence × control entry; party names from the
// US Entity List, so the rows read like real ones. 27 decisions, some spanning several rows.
const FIXTURE = new URL('../fixtures/uk-decisions-sample.csv', import.meta.url)

async function importBody (agency: TestAgency, payload: string | Readable, contentType: string | undefined, role: 'officer' | 'auditor' = 'officer') {
  const res = await agency.app.inject({
    method: 'POST',
    url: '/v1/decisions/import',
    headers: { authorization: await agency.auth(role), ...(contentType === undefined ? {} : { 'content-type': contentType }) },
    payload
  })
  return { status: res.statusCode, body: res.json() as Record<string, any> }
}

async function decisionByReference (agency: TestAgency, reference: string) {
  const list = await call(agency, 'GET', `/v1/decisions?reference=${encodeURIComponent(reference)}`)
  return list.body.records[0] as Record<string, any> | undefined
}

const csv = (...lines: string[]) => lines.join('\n') + '\n'
const HEADER = 'reference,outcome,decision_date,destination,party_name,party_country,item_codes,item_description,item_quantity'

t.test('a CSV export with one row per licence × control entry imports as one decision per reference', async (t) => {
  const agency = await startAgency(t)
  const res = await importBody(agency, await readFile(FIXTURE, 'utf8'), 'text/csv; charset=utf-8')
  t.equal(res.status, 201, JSON.stringify(res.body).slice(0, 500))
  t.same(res.body, { imported: 27, firstSeq: 1, lastSeq: 27 })
  t.equal(await headSeq(agency), 27)

  const multi = await decisionByReference(agency, 'UK-SIEL-2008-000017')
  t.match(multi?.decision, { outcome: 'granted', decisionDate: '2008-01-03', destination: 'FI', licenceType: 'SIEL' })
  t.equal(multi?.decision.parties.length, 1, 'the party repeated on every row of the licence is recorded once')
  t.same(multi?.decision.items.map((i: { codes: unknown[] }) => i.codes), [
    [{ regime: 'uk', code: 'ML7' }], [{ regime: 'uk', code: 'ML22' }], [{ regime: 'uk', code: 'PL5017' }]
  ], 'three rows, three items, in file order')
  t.same(multi?.decision.items[2].value, { amount: 0, currency: 'GBP' })

  const aliases = await decisionByReference(agency, 'UK-SIEL-2008-000004')
  t.same(aliases?.decision.parties[0].aliases, ['Imal Bilal Road Construction Company', 'Aimal and Balal Company'])
  t.match(aliases?.decision.parties[0].address, /^Kolola Pushta, Charahi Gul-e-Surkh, Kabul/, 'quoted cells keep their commas')

  const denial = await decisionByReference(agency, 'UK-SIEL-2008-000597')
  t.match(denial?.decision, { outcome: 'denied', validUntil: '2011-01-31', reasons: [{ scheme: 'eu-cp-2008-944', code: '7' }] }, 'the review window applies to imported denials')
  t.equal(denial?.decision.items.length, 2)
  t.equal(denial?.decision.items[0].value, undefined, 'no value cell, no value')

  const codes = await agency.db.selectFrom('record_codes').select(['regime', 'code']).where('record_id', '=', multi?.id).orderBy('item_ordinal').execute()
  t.same(codes.map((c) => c.code), ['ML7', 'ML22', 'PL5017'], 'imported decisions fill the query tables too')

  const page = await call(agency, 'GET', '/v1/decisions?outcome=denied&limit=100')
  t.equal(page.body.records.length, 3, 'the three refusals are denials')
})

t.test('NDJSON: one POST /v1/decisions body per line', async (t) => {
  const agency = await startAgency(t)
  const lines = [sampleDecision({ audience: ['bravo'] }), sampleDecision({ outcome: 'granted' }), sampleDecision()]
  const body = `${JSON.stringify(lines[0])}\r\n\n${JSON.stringify(lines[1])}\n${JSON.stringify(lines[2])}`
  const res = await importBody(agency, body, 'application/x-ndjson')
  t.same(res.body, { imported: 3, firstSeq: 1, lastSeq: 3 })
  const first = await decisionByReference(agency, lines[0]?.reference as string)
  t.same((await call(agency, 'GET', `/v1/decisions/${String(first?.id)}`)).body.record.audience, ['bravo'], 'the audience given on the line is kept')
  t.equal((await decisionByReference(agency, lines[2]?.reference as string))?.decision.validUntil, '2028-03-14')
})

t.test('one bad row rejects the whole file: nothing is stored, every problem is listed by line and field', async (t) => {
  const agency = await startAgency(t)
  const stored = (await call(agency, 'POST', '/v1/decisions', sampleDecision({ reference: 'TAKEN-1' }))).body
  const before = await headSeq(agency)
  const body = csv(
    HEADER,
    'OK-1,denied,2025-01-02,IR,Mahan Air,IR,uk:ML10,aircraft parts,2',
    'BAD-COUNTRY,denied,2025-01-02,IR,Mahan Air,Iran,uk:ML10,aircraft parts,2',
    'BAD-QTY,granted,2025-01-02,AE,Al Naser Airlines,IQ,uk:ML10,aircraft parts,four',
    'SPLIT,granted,2025-01-02,AE,Al Naser Airlines,IQ,uk:ML10,aircraft parts,1',
    'SPLIT,denied,,,,,uk:ML4,bombs,1',
    'OK-1,denied,2025-01-02,IR,Mahan Air,IR,uk:ML10,aircraft parts,2',
    'TAKEN-1,denied,2025-01-02,IR,Mahan Air,IR,uk:ML10,aircraft parts,2',
    'BAD-CODE,denied,2025-01-02,IR,Mahan Air,IR,ML10,aircraft parts,2',
    'SHORT,denied,2025-01-02',
    'BAD-REGIME,denied,2025-13-02,IR,Mahan Air,IR,itar:XI,aircraft parts,2',
    ...Array.from({ length: 700 }, (_, i) => `FINE-${i},granted,2025-01-02,AE,Al Naser Airlines,IQ,uk:ML10,aircraft parts,1`)
  )
  const res = await importBody(agency, body, 'text/csv')
  t.equal(res.status, 422)
  t.match(res.body, { code: 'IMPORT_REJECTED', detail: /nothing was imported/ })
  const errors = res.body.errors as Array<{ pointer: string, detail: string }>
  const pointers = errors.map((e) => e.pointer)
  t.same(pointers, [
    'line 3: party_country',
    'line 4: item_quantity',
    'line 6: outcome',
    'line 7: reference',
    'line 8: reference',
    'line 9: item_codes',
    'line 10',
    'line 11: decision_date',
    'line 11: item_codes'
  ], JSON.stringify(errors, null, 1))
  t.match(errors[2]?.detail, /differs from "granted" on line 5/)
  t.match(errors[3]?.detail, /already the reference of the decision on line 2/)
  t.match(errors[4]?.detail, /already stored/)
  t.match(errors[5]?.detail, /"ML10" is not written regime:code/)
  t.match(errors[6]?.detail, /has 3 fields where the header has 9/)
  t.match(errors[7]?.detail, /must be a calendar date/)
  t.match(errors[8]?.detail, /must be one of: eu, uk/)
  t.equal(await headSeq(agency), before, 'the feed head did not move: no entry was published')
  t.equal(await decisionByReference(agency, 'OK-1'), undefined, 'not even the good rows were stored')
  t.equal(await decisionByReference(agency, 'FINE-699'), undefined, 'nor those after the bad ones, in later batches')
  t.equal((await call(agency, 'GET', `/v1/decisions/${stored.record.id}`)).body.record.version, 1, 'the stored decision is untouched')
})

t.test('a bad row after batches were already signed still rolls every one of them back', async (t) => {
  const agency = await startAgency(t)
  const rows = Array.from({ length: 1600 }, (_, i) => `LATE-${i},granted,2025-01-02,AE,Al Naser Airlines,IQ,uk:ML10,aircraft parts,1`)
  rows[1550] = 'LATE-1550,granted,2025-01-02,AE,Al Naser Airlines,IQ,uk:ML10,aircraft parts,-1'
  const res = await importBody(agency, csv(HEADER, ...rows), 'text/csv')
  t.match(res, { status: 422, body: { code: 'IMPORT_REJECTED', errors: [{ pointer: 'line 1552: item_quantity' }] } })
  t.equal(await headSeq(agency), 0, 'three batches of 500 had been appended in the transaction; all rolled back')
})

t.test('headers, NDJSON lines and limits are checked', async (t) => {
  const agency = await startAgency(t, undefined, { env: { IMPORT_LIMIT_BYTES: '8192', BODY_LIMIT_BYTES: '2048' } })
  const header = await importBody(agency, csv('reference,outcome,colour,decision_date', 'X,denied,red,2025-01-01'), 'text/csv')
  t.match(header, { status: 422, body: { errors: [{ pointer: 'line 1', detail: /unknown column\(s\): "colour".*missing required column\(s\): destination, party_name, party_country, item_codes, item_description/ }] } })
  t.match(await importBody(agency, '', 'text/csv'), { status: 422, body: { errors: [{ pointer: 'line 1', detail: /header row/ }] } })
  t.match(await importBody(agency, '\n\n', 'application/x-ndjson'), { status: 422, body: { detail: /holds no decisions/ } })

  const ndjson = [
    JSON.stringify(sampleDecision()),
    '{"reference": "broken"',
    JSON.stringify(sampleDecision({ priority: 'high' })),
    JSON.stringify(sampleDecision({ parties: [{ role: 'end_user', name: 'X', country: 'Iran' }] })),
    JSON.stringify(sampleDecision({ reference: 'x'.repeat(3000) }))
  ].join('\n')
  const bad = await importBody(agency, ndjson, 'application/x-ndjson')
  t.equal(bad.status, 422)
  t.same(bad.body.errors.map((e: { pointer: string }) => e.pointer), ['line 2', 'line 3: /priority', 'line 4: /parties/0/country', 'line 5'])
  t.match(bad.body.errors[0].detail, /not valid JSON/)
  t.match(bad.body.errors[3].detail, /longer than 2048 bytes/, 'one line may not exceed the single-request body limit')

  const big = csv(HEADER, ...Array.from({ length: 150 }, (_, i) => `BIG-${i},granted,2025-01-02,AE,Al Naser Airlines,IQ,uk:ML10,aircraft parts,1`))
  t.match(await importBody(agency, big, 'text/csv'), { status: 413, body: { code: 'PAYLOAD_TOO_LARGE' } }, 'a declared length over IMPORT_LIMIT_BYTES')
  t.match(await importBody(agency, Readable.from([big]), 'text/csv'), { status: 413, body: { code: 'PAYLOAD_TOO_LARGE' } }, 'a streamed body that grows past it')
  t.equal(await headSeq(agency), 0)
})

t.test('only CSV and NDJSON are accepted, and only from officers', async (t) => {
  const agency = await startAgency(t)
  const json = await importBody(agency, JSON.stringify([sampleDecision()]), 'application/json')
  t.match(json, { status: 415, body: { code: 'UNSUPPORTED_MEDIA_TYPE', detail: /text\/csv, application\/x-ndjson/ } })
  t.match(await importBody(agency, 'a,b', 'text/plain'), { status: 415, body: { code: 'UNSUPPORTED_MEDIA_TYPE' } })
  t.match(await importBody(agency, 'a,b', undefined), { status: 415, body: { code: 'UNSUPPORTED_MEDIA_TYPE' } })
  t.match(await importBody(agency, csv(HEADER), 'text/csv', 'auditor'), { status: 403, body: { code: 'FORBIDDEN' } })
  const post = await call(agency, 'POST', '/v1/decisions', sampleDecision())
  t.equal(post.status, 201, 'the JSON parser of the other decision routes is untouched by the import route\'s parsers')
})

t.test('more problems than the cap: the first 1000 are listed and the reply says so', async (t) => {
  const agency = await startAgency(t)
  const rows = Array.from({ length: 1500 }, (_, i) => `CAP-${i},denied,2025-01-02,IR,Mahan Air,Iran,uk:ML10,aircraft parts,1`)
  const res = await importBody(agency, csv(HEADER, ...rows), 'text/csv')
  t.equal(res.status, 422)
  t.equal(res.body.errors.length, 1000)
  t.match(res.body.detail, /the first 1000 are listed and reading stopped there/)
})

t.test('the CSV example in docs/records.md imports as documented', async (t) => {
  const agency = await startAgency(t)
  const docs = await readFile(new URL('../../docs/records.md', import.meta.url), 'utf8')
  const example = /```csv\n([\s\S]*?)```/.exec(docs)?.[1]
  t.ok(example, 'the docs hold a CSV example')
  const res = await importBody(agency, example as string, 'text/csv')
  t.same(res.body, { imported: 2, firstSeq: 1, lastSeq: 2 })
  t.equal((await decisionByReference(agency, 'UK-SIEL-2008-000597'))?.decision.items.length, 2)
})
