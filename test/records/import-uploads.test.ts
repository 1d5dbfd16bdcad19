import { readdir } from 'node:fs/promises'
import { connect, type Socket } from 'node:net'
import { join } from 'node:path'
import t, { type Test } from 'tap'
import { startAgency, type TestAgency } from '../helpers/agency.js'
import { call, headSeq, sampleDecision } from '../helpers/records.js'
import { until } from '../helpers/until.js'

const HEADER = 'reference,outcome,decision_date,destination,party_name,party_country,item_codes,item_description,item_quantity\n'

/** A raw HTTP connection that starts a chunked CSV upload and sends only what the test says. */
async function openUpload (t: Test, agency: TestAgency) {
  const { port } = new URL(agency.url)
  const authorization = await agency.auth('officer')
  const socket = await new Promise<Socket>((resolve, reject) => {
    const s = connect(Number(port), '127.0.0.1', () => resolve(s))
    s.once('error', reject)
  })
  t.teardown(() => { socket.destroy() })
  let received = ''
  socket.on('data', (chunk) => { received += chunk.toString() })
  const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()))
  socket.on('error', () => {})
  socket.write(`POST /v1/decisions/import HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: ${authorization}\r\nContent-Type: text/csv\r\nTransfer-Encoding: chunked\r\n\r\n`)
  const send = (text: string) => socket.write(`${Buffer.byteLength(text).toString(16)}\r\n${text}\r\n`)
  return { send, closed, received: () => received }
}

t.test('a dribbling upload holds nothing: others publish meanwhile, and it is cut off with a 408 problem', async (t) => {
  const agency = await startAgency(t, undefined, { listen: true, env: { UPLOAD_IDLE_TIMEOUT_MS: '400', UPLOAD_MIN_BYTES_PER_SECOND: '0' } })
  const upload = await openUpload(t, agency)
  upload.send(HEADER)
  upload.send('SLOW-1,granted,2025-01-02,AE,Al Naser Airlines,IQ,uk:ML10,aircraft parts,1\n')
  for (let i = 0; i < 3; i++) {
    const res = await call(agency, 'POST', '/v1/decisions', sampleDecision())
    t.equal(res.status, 201, 'a decision is published while the upload waits: the upload holds no lock and no transaction')
  }
  await upload.closed
  t.match(upload.received(), /^HTTP\/1\.1 408 /, 'cut off')
  t.match(upload.received(), /application\/problem\+json/)
  t.match(upload.received(), /"code":"UPLOAD_TOO_SLOW"/)
  t.equal(await headSeq(agency), 3, 'nothing of the upload was published')
})

t.test('an upload slower than the minimum rate is cut off although bytes keep coming', async (t) => {
  const agency = await startAgency(t, undefined, { listen: true, env: { UPLOAD_IDLE_TIMEOUT_MS: '60000', UPLOAD_MIN_BYTES_PER_SECOND: '100000', UPLOAD_RATE_WINDOW_MS: '300' } })
  const upload = await openUpload(t, agency)
  upload.send(HEADER)
  const dribble = setInterval(() => upload.send('x'), 50)
  t.teardown(() => clearInterval(dribble))
  await upload.closed
  clearInterval(dribble)
  t.match(upload.received(), /^HTTP\/1\.1 408 /)
  t.match(upload.received(), /bytes per second/)
})

t.test('one import at a time per caller (429), at most IMPORT_CONCURRENCY at once (503), both with Retry-After; the slot is free again once the upload ends', async (t) => {
  const agency = await startAgency(t, undefined, { listen: true, env: { IMPORT_CONCURRENCY: '1', UPLOAD_IDLE_TIMEOUT_MS: '60000', UPLOAD_MIN_BYTES_PER_SECOND: '0' } })
  const upload = await openUpload(t, agency)
  upload.send(HEADER)
  // the upload holds its slot once it is being staged
  await until(async () => (await readdir(join(agency.config.dataDir, 'imports')).catch(() => [])).length > 0)
  const again = await fetch(`${agency.url}/v1/decisions/import`, { method: 'POST', headers: { authorization: await agency.auth('officer'), 'content-type': 'text/csv' }, body: HEADER })
  t.equal(again.status, 429, 'the same officer, while their upload runs')
  t.equal((await again.json() as { code: string }).code, 'IMPORT_IN_PROGRESS')
  t.ok(Number(again.headers.get('retry-after')) >= 1, 'Retry-After')
  const colleague = `Bearer ${await agency.idp.token('another-officer', ['officer'])}`
  const busy = await fetch(`${agency.url}/v1/decisions/import`, { method: 'POST', headers: { authorization: colleague, 'content-type': 'text/csv' }, body: HEADER })
  t.equal(busy.status, 503, 'another officer, beyond IMPORT_CONCURRENCY')
  t.match(busy.headers.get('content-type'), /application\/problem\+json/)
  t.equal((await busy.json() as { code: string }).code, 'IMPORTS_BUSY')
  t.ok(Number(busy.headers.get('retry-after')) >= 1, 'Retry-After')
  upload.send('DONE-1,granted,2025-01-02,AE,Al Naser Airlines,IQ,uk:ML10,aircraft parts,1\n')
  upload.send('')
  await upload.closed
  t.match(upload.received(), /^HTTP\/1\.1 201 /, 'the first upload completes')
  const next = await fetch(`${agency.url}/v1/decisions/import`, { method: 'POST', headers: { authorization: await agency.auth('officer'), 'content-type': 'text/csv' }, body: `${HEADER}DONE-2,granted,2025-01-02,AE,Al Naser Airlines,IQ,uk:ML10,aircraft parts,1\n` })
  t.equal(next.status, 201, 'and the slot is free again')
})

t.test('the rate limit counts an import before the concurrency limit refuses it: a caller who ignores Retry-After gets 429s', async (t) => {
  const agency = await startAgency(t, undefined, { listen: true, env: { IMPORT_CONCURRENCY: '1', RATE_LIMIT_IMPORT: '2', UPLOAD_IDLE_TIMEOUT_MS: '60000', UPLOAD_MIN_BYTES_PER_SECOND: '0' } })
  const upload = await openUpload(t, agency)
  upload.send(HEADER)
  await until(async () => (await readdir(join(agency.config.dataDir, 'imports')).catch(() => [])).length > 0)
  const impatient = `Bearer ${await agency.idp.token('impatient-officer', ['officer'])}`
  const attempt = async () => {
    const res = await fetch(`${agency.url}/v1/decisions/import`, { method: 'POST', headers: { authorization: impatient, 'content-type': 'text/csv' }, body: HEADER })
    return (await res.json() as { code: string }).code
  }
  t.same([await attempt(), await attempt(), await attempt()], ['IMPORTS_BUSY', 'IMPORTS_BUSY', 'RATE_LIMITED'])
})

t.test('text that cannot be stored, in a CSV cell or an NDJSON line, is a row problem', async (t) => {
  const agency = await startAgency(t)
  const csv = `${HEADER}NUL-1,granted,2025-01-02,AE,Al Naser\u0000Airlines,IQ,uk:ML10,aircraft parts,1\n`
  const csvRes = await agency.app.inject({ method: 'POST', url: '/v1/decisions/import', headers: { authorization: await agency.auth('officer'), 'content-type': 'text/csv' }, payload: csv })
  t.equal(csvRes.statusCode, 422)
  t.match(csvRes.json(), { code: 'IMPORT_REJECTED', errors: [{ pointer: 'line 2: party_name', detail: /NUL/ }] })
  const ndjson = `${JSON.stringify(sampleDecision({ endUse: 'radar \ud800 parts' }))}\n`
  const ndRes = await agency.app.inject({ method: 'POST', url: '/v1/decisions/import', headers: { authorization: await agency.auth('officer'), 'content-type': 'application/x-ndjson' }, payload: ndjson })
  t.equal(ndRes.statusCode, 422)
  t.match(ndRes.json(), { code: 'IMPORT_REJECTED', errors: [{ pointer: 'line 1: /endUse', detail: /surrogate/ }] })
  t.equal(await headSeq(agency), 0)
})
