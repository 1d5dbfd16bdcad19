import { readdir, readFile } from 'node:fs/promises'
import { connect, type Socket } from 'node:net'
import { join } from 'node:path'
import t, { type Test } from 'tap'
import { CSV_COLUMNS } from '../../src/records/index.js'
import { EXAMPLE_CSV, EXAMPLE_NDJSON } from '../../src/web/pages/import.js'
import type { TestAgency } from '../helpers/agency.js'
import { openBrowser, signIn } from '../helpers/browser.js'
import { startFederation } from '../helpers/federation.js'
import { headSeq } from '../helpers/records.js'
import { until } from '../helpers/until.js'

// An officer imports decisions in the browser (issue 13). The page lists the CSV columns from
// the list the import reads; a missing, empty, mistyped and oversized file are each refused on
// the file field; a CSV with two bad rows and an NDJSON file with a bad party come back with
// every problem by line and field, nothing stored; test/fixtures/uk-decisions-sample.csv (27
// UK SIEL decisions of January 2008 in 35 rows, parties from the US Entity List) is imported,
// with the result and what was stored. A form without its CSRF token, with a forged one, or
// with the token after the file is refused before the file is read; while the officer's upload
// through the API runs, the page refuses theirs (the same import slots); an auditor may not import.

const FIXTURE = new URL('../fixtures/uk-decisions-sample.csv', import.meta.url)
const LIMIT = 64 * 1024
const HEADER = 'reference,outcome,decision_date,destination,reasons,party_name,party_country,item_codes,item_description,item_value,item_currency'

/** A chunked CSV upload to the API, as `subject`, sending only what the test says (test/records/import-uploads.test.ts). */
async function openApiUpload (t: Test, agency: TestAgency, subject: string) {
  const { port } = new URL(agency.url)
  const token = await agency.idp.token(subject, ['officer'])
  const socket = await new Promise<Socket>((resolve, reject) => {
    const s = connect(Number(port), '127.0.0.1', () => resolve(s))
    s.once('error', reject)
  })
  t.teardown(() => { socket.destroy() })
  let received = ''
  socket.on('data', (chunk) => { received += chunk.toString() })
  socket.on('error', () => {})
  const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()))
  socket.write(`POST /v1/decisions/import HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer ${token}\r\nContent-Type: text/csv\r\nTransfer-Encoding: chunked\r\n\r\n`)
  const send = (text: string) => socket.write(`${Buffer.byteLength(text).toString(16)}\r\n${text}\r\n`)
  return { send, closed, received: () => received }
}

t.test('importing decisions from a file in the browser, all or nothing', async (t) => {
  const [agency] = await startFederation(t, ['web-import'], { env: { IMPORT_LIMIT_BYTES: String(LIMIT), UPLOAD_IDLE_TIMEOUT_MS: '60000', UPLOAD_MIN_BYTES_PER_SECOND: '0' } }) as [TestAgency]
  const stored = async () => (await agency.db.selectFrom('records').select('reference').where('issuer', '=', 'web-import').execute()).length

  const browser = await openBrowser(t)
  const page = await browser.page()
  await page.goto(`${agency.url}/app/decisions`)
  await signIn(page, 'Olivia Officer')
  await browser.check(t, 'import, the link on the decisions page')
  await page.getByRole('link', { name: 'Import decisions from a file' }).click()
  t.equal(await page.locator('h1').textContent(), 'Import decisions')
  t.equal(await page.locator('form[enctype="multipart/form-data"] input').first().getAttribute('name'), '_csrf', 'the token comes before the file')
  t.equal(await page.getByLabel('File to import').getAttribute('accept'), '.csv,.ndjson,.jsonl')
  t.same(await page.locator('table.import-columns tbody th code').allTextContents(), CSV_COLUMNS, 'the columns the import reads, all of them')
  t.match(await page.locator('table.import-columns tbody tr', { hasText: 'party_country' }).textContent() ?? '', /Yes/, 'required columns said so')
  t.equal(await page.locator('pre.example').first().textContent(), EXAMPLE_CSV, 'an example')
  await browser.check(t, 'import, the form')

  const errorOnFile = async () => {
    const summary = page.locator('.error-summary a')
    t.equal(await summary.count(), 1)
    t.equal(await summary.getAttribute('href'), '#file', 'the summary links to the file field')
    t.equal(await page.locator('#file-error').textContent(), await summary.textContent(), 'and the error is beside it')
    return await summary.textContent() ?? ''
  }
  const submit = async () => {
    const answer = page.waitForResponse((r) => r.request().method() === 'POST')
    await page.getByRole('button', { name: 'Import the file' }).click()
    return (await answer).status()
  }

  // no file, an empty file, a file of another kind, a file too large: each on the file field
  t.equal(await submit(), 400)
  t.equal(await errorOnFile(), 'File to import: choose a file')
  await browser.check(t, 'import, no file')
  await page.getByLabel('File to import').setInputFiles({ name: 'empty.csv', mimeType: 'text/csv', buffer: Buffer.alloc(0) })
  t.equal(await submit(), 400)
  t.equal(await errorOnFile(), 'File to import: empty.csv is empty')
  await page.getByLabel('File to import').setInputFiles({ name: 'decisions.xlsx', mimeType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', buffer: Buffer.from('PK\u0003\u0004 not a CSV') })
  t.equal(await submit(), 415)
  t.match(await errorOnFile(), /^File to import: decisions\.xlsx is not a CSV or NDJSON file/)
  const fixture = await readFile(FIXTURE, 'utf8')
  const body = fixture.split('\n').slice(1).join('\n')
  const large = fixture + body.repeat(Math.ceil(LIMIT / body.length)) // past the limit while it is read
  t.ok(large.length > LIMIT && large.length < LIMIT + 16 * 1024)
  await page.getByLabel('File to import').setInputFiles({ name: 'large.csv', mimeType: 'text/csv', buffer: Buffer.from(large) })
  t.equal(await submit(), 413)
  t.equal(await errorOnFile(), 'File to import: the file is larger than 64 KB, the most an import takes; split it into smaller files')
  await browser.check(t, 'import, too large')
  await page.getByLabel('File to import').setInputFiles({ name: 'larger.csv', mimeType: 'text/csv', buffer: Buffer.from(large.repeat(4)) })
  t.equal(await submit(), 413, 'refused by its length before it is read')
  t.equal(await stored(), 0, 'nothing stored')

  // a CSV with two bad rows: both listed by line and field, nothing stored
  const bad = [
    HEADER,
    'UK-SIEL-2008-000001,granted,2008-01-02,IT,,Abdul Satar Ghoura,IT,uk:ML10,goods rated ML10,3540,GBP',
    'UK-SIEL-2008-000002,granted,2008-01-02,AE,,Afghan-German Construction Company,Afghanistan,uk:ML7,goods rated ML7,3600,GBP',
    'UK-SIEL-2008-000003,granted,2008-01-02,PH,,Assadullah Majed,PH,uk:ML10,goods rated ML10,2513,GBP',
    'UK-SIEL-2008-000597,denied,31/01/2008,IL,eu-cp-2008-944:7,Wahab Karwan Construction Company (WKCC),IL,eu:1C350,goods rated 1C350,,'
  ].join('\n') + '\n'
  await page.getByLabel('File to import').setInputFiles({ name: 'january.csv', mimeType: 'text/csv', buffer: Buffer.from(bad) })
  t.equal(await submit(), 422)
  t.equal(await errorOnFile(), 'File to import: january.csv has 2 problems, listed below; nothing was imported. Correct the file and import it again')
  t.equal(await page.locator('table.import-problems caption').textContent(), '2 problems in january.csv, by line')
  const problems = page.locator('table.import-problems tbody tr')
  const problemCells = async () => Promise.all((await problems.all()).map((row) => row.locator('th, td').allTextContents()))
  t.equal(await problems.count(), 2)
  t.same(await problems.nth(0).locator('th, td').allTextContents().then((cells) => cells.slice(0, 2)), ['3', 'party_country'])
  t.match(await problems.nth(0).locator('td').last().textContent() ?? '', /alpha-2 country code/)
  t.same(await problems.nth(1).locator('th, td').allTextContents().then((cells) => cells.slice(0, 2)), ['5', 'decision_date'])
  t.match(await problems.nth(1).locator('td').last().textContent() ?? '', /calendar date, YYYY-MM-DD/)
  t.equal(await page.title(), 'Error: Import decisions – Export licensing reciprocity')
  t.equal(await stored(), 0, 'nothing stored')
  t.equal(await headSeq(agency), 0, 'nothing published')
  await browser.check(t, 'import, a file with problems')

  // NDJSON: the JSON pointer of a problem made readable
  const line = (reference: string, country: string) => JSON.stringify({
    reference,
    outcome: 'denied',
    decisionDate: '2008-01-31',
    destination: 'LK',
    reasons: [{ scheme: 'eu-cp-2008-944', code: '7' }],
    parties: [{ role: 'end_user', name: 'Zurmat Construction Company offices', country }],
    items: [{ codes: [{ regime: 'eu', code: '5A002' }], description: 'goods rated 5A002' }]
  })
  await page.getByLabel('File to import').setInputFiles({ name: 'denials.ndjson', mimeType: 'application/octet-stream', buffer: Buffer.from(`${line('UK-SIEL-2008-000613', 'LK')}\n${line('UK-SIEL-2008-000614', 'Sri Lanka')}\n`) })
  t.equal(await submit(), 422)
  t.same(await problems.nth(0).locator('th, td').allTextContents().then((cells) => cells.slice(0, 2)), ['2', 'party 1, country'])
  t.equal(await stored(), 0, 'nothing stored')

  // the fixture: 27 decisions in 35 rows
  await page.getByLabel('File to import').setInputFiles({ name: 'uk-decisions-sample.csv', mimeType: 'text/csv', buffer: Buffer.from(fixture) })
  t.equal(await submit(), 303)
  await page.waitForURL(/\/app\/decisions\/import\/done$/)
  t.equal(await page.locator('h1').textContent(), 'Decisions imported')
  t.equal(await page.locator('.notice').textContent(), '27 decisions were imported from uk-decisions-sample.csv, signed and published.')
  t.match(await page.locator('main').textContent() ?? '', 'They are entries 1 to 27 of our feed')
  await browser.check(t, 'import, imported')
  t.equal(await stored(), 27)
  t.equal(await headSeq(agency), 27)
  const multi = await agency.db.selectFrom('records').select('body').where('reference', '=', 'UK-SIEL-2008-000597').executeTakeFirstOrThrow()
  t.match(multi.body, { outcome: 'denied', destination: 'IL', items: [{ codes: [{ regime: 'eu', code: '1C350' }] }, { codes: [{ regime: 'eu', code: '1C450' }] }] }, 'a decision of two rows')
  const events = await agency.db.selectFrom('audit_events').select(['actor', 'detail']).where('action', '=', 'records-imported').execute()
  t.match(events, [{ actor: 'dev-officer', detail: { count: 27 } }], 'one audit event, by the officer')
  await page.getByRole('link', { name: 'See our decisions' }).click()
  await page.waitForURL(/\/app\/decisions\?scope=own$/)
  t.ok(await page.locator('table.results tbody tr').count() > 0, 'our decisions listed')

  // the page's examples, once the fixture is stored: nothing wrong with them but that their references are stored already
  await page.goto(`${agency.url}/app/decisions/import`)
  await page.getByLabel('File to import').setInputFiles({ name: 'example.csv', mimeType: 'text/csv', buffer: Buffer.from(EXAMPLE_CSV) })
  t.equal(await submit(), 422)
  t.same(await problemCells(), [
    ['2', 'reference', 'a decision with reference "UK-SIEL-2008-000597" is already stored; amend it instead'],
    ['4', 'reference', 'a decision with reference "UK-SIEL-2008-000613" is already stored; amend it instead']
  ])
  await page.getByLabel('File to import').setInputFiles({ name: 'example.jsonl', mimeType: 'application/octet-stream', buffer: Buffer.from(EXAMPLE_NDJSON) })
  t.equal(await submit(), 422)
  t.same(await problemCells(), [
    ['1', 'reference', 'a decision with reference "UK-SIEL-2008-000613" is already stored; amend it instead']
  ])

  // the CSRF token: missing, forged, or after the file; each refused before the file is read
  const csrf = await page.locator('input[name="_csrf"]').first().inputValue()
  const file = { name: 'more.csv', mimeType: 'text/csv', buffer: Buffer.from(`${HEADER}\nUK-SIEL-2008-009999,granted,2008-02-01,FR,,Abdul Satar Ghoura,FR,uk:ML10,goods rated ML10,,\n`) }
  const post = (multipart: FormData) => page.request.post(`${agency.url}/app/decisions/import`, { multipart, maxRedirects: 0 })
  const form = (...fields: Array<['_csrf', string] | ['file', typeof file]>) => {
    const data = new FormData()
    for (const [name, value] of fields) {
      if (typeof value === 'string') data.append(name, value)
      else data.append(name, new File([value.buffer], value.name, { type: value.mimeType }))
    }
    return data
  }
  for (const [what, data] of [['missing', form(['file', file])], ['forged', form(['_csrf', 'forged'], ['file', file])], ['after the file', form(['file', file], ['_csrf', csrf])]] as const) {
    const refused = await post(data)
    t.equal(refused.status(), 403, `a token ${what} is refused`)
    t.match(await refused.text(), 'This form has expired')
  }
  t.equal(await stored(), 27, 'nothing more stored')
  const accepted = await post(form(['_csrf', csrf], ['file', file]))
  t.equal(accepted.status(), 303, 'with the session\'s token first, the same form is imported')
  t.equal(await stored(), 28)

  // the import slots are the API's: while this officer's upload through the API runs, the page refuses theirs (429)
  const upload = await openApiUpload(t, agency, 'dev-officer')
  upload.send(`${HEADER}\n`)
  await until(async () => (await readdir(join(agency.config.dataDir, 'imports')).catch(() => [])).length > 0)
  await page.goto(`${agency.url}/app/decisions/import`)
  await page.getByLabel('File to import').setInputFiles(file)
  const busy = page.waitForResponse((r) => r.request().method() === 'POST')
  await page.getByRole('button', { name: 'Import the file' }).click()
  t.equal((await busy).status(), 429)
  t.ok(Number(await (await busy).headerValue('retry-after')) >= 1, 'Retry-After')
  t.equal(await errorOnFile(), 'File to import: an import of yours is still running; wait for it to end, then try again')
  upload.send('UK-SIEL-2008-000751,granted,2008-02-04,TR,,Al Naser Airlines,IQ,uk:ML10,aircraft parts,,\n')
  upload.send('')
  await upload.closed
  t.match(upload.received(), /^HTTP\/1\.1 201 /, 'the API import completes')
  t.equal(await stored(), 29)

  // an auditor: no link, no page, no import
  await page.getByRole('button', { name: 'Sign out' }).click()
  await page.getByRole('button', { name: 'Sign out' }).click()
  await page.waitForURL(/signed-out$/)
  await signIn(page, 'Arun Auditor')
  await page.goto(`${agency.url}/app/decisions`)
  t.equal(await page.getByRole('link', { name: 'Import decisions from a file' }).count(), 0, 'no link for auditors')
  const forbidden = await page.goto(`${agency.url}/app/decisions/import`)
  t.equal(forbidden?.status(), 403)
  t.equal(await page.locator('h1').textContent(), 'You cannot see this page')
  await browser.check(t, 'import, an auditor')
  const auditorCsrf = await page.locator('input[name="_csrf"]').first().inputValue()
  const byAuditor = await post(form(['_csrf', auditorCsrf], ['file', { ...file, buffer: Buffer.from(`${HEADER}\nUK-SIEL-2008-009998,granted,2008-02-01,FR,,Abdul Satar Ghoura,FR,uk:ML10,goods rated ML10,,\n`) }]))
  t.equal(byAuditor.status(), 403, 'the API refuses auditors too')
  t.equal(await stored(), 29, 'nothing stored')
  browser.noProblems(t, [/status of (400|403|413|415|422|429)/])
})
