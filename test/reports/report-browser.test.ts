import { existsSync } from 'node:fs'
import { mkdir, stat } from 'node:fs/promises'
import { fileURLToPath } from 'node:url'
import { chromium } from 'playwright-core'
import t from 'tap'
import type { TestAgency } from '../helpers/agency.js'
import { decision, publishDecision, startFederation, syncAll } from '../helpers/federation.js'

// The HTML report as a browser renders it: the system's Chromium (Debian package `chromium`),
// driven by playwright-core, which downloads no browser of its own. The code passed to
// evaluate() runs in the page; the project compiles without the DOM library, so it reaches the
// document through the element (ownerDocument) rather than through globals.
const CHROMIUM = '/usr/bin/chromium'
const SCREENSHOT = fileURLToPath(new URL('../../test-artifacts/divergence-report.png', import.meta.url))

t.test('the HTML report renders in headless Chromium: every chart, no console error, a screenshot', async (t) => {
  if (!existsSync(CHROMIUM)) {
    throw new Error(`no Chromium at ${CHROMIUM}: install it with \`apt-get update && apt-get install -y chromium\` (.ci/run does so when it is missing)`)
  }
  const agencies = await startFederation(t, ['alpha', 'bravo'])
  const [alpha, bravo] = agencies as [TestAgency, TestAgency]
  const huawei = [{ role: 'consignee', name: 'Huawei Technologies Co., Ltd.', aliases: [], country: 'CN', identifiers: [] }]
  const gazprombank = await publishDecision(alpha, decision({ outcome: 'denied', decisionDate: '2026-01-15', destination: 'RU', parties: [{ role: 'end_user', name: 'GAZPROMBANK OAO', aliases: [], country: 'RU', identifiers: [] }], items: [{ codes: [{ regime: 'uk', code: '3A001.a.1' }], description: 'Radiation hardened integrated circuits' }] }))
  await publishDecision(alpha, decision({ outcome: 'denied', decisionDate: '2026-03-02' }))
  await publishDecision(alpha, decision({ outcome: 'granted', undercutOverride: { reason: 'recorded over the warning, for the auditors' }, decisionDate: '2025-05-01', destination: 'CN', validUntil: '2027-05-01', parties: huawei, items: [{ codes: [{ regime: 'eu', code: '5A002.a' }], description: 'Encryption' }] }))
  await syncAll(agencies)
  const asked = await bravo.app.inject({
    method: 'POST',
    url: '/v1/consultations',
    headers: { authorization: await bravo.auth('officer') },
    payload: {
      denial: { issuer: 'alpha', recordId: gazprombank.record.id },
      proposed: { destination: 'RU', parties: [{ role: 'end_user', name: 'Gazprom Bank', aliases: [], country: 'RU', identifiers: [] }], items: [{ codes: [{ regime: 'wassenaar', code: '3.A.1.a.1' }], description: 'Rad-hard microcircuits' }] },
      question: 'Do you object?'
    }
  })
  t.equal(asked.statusCode, 201, 'an open consultation for the report\'s consultations section')
  await publishDecision(bravo, decision({ outcome: 'granted', undercutOverride: { reason: 'recorded over the warning, for the auditors' }, decisionDate: '2026-03-01', destination: 'RU', validUntil: '2028-03-01', parties: [{ role: 'end_user', name: 'Gazprom Bank', aliases: [], country: 'RU', identifiers: [] }], items: [{ codes: [{ regime: 'wassenaar', code: '3.A.1.a.1' }], description: 'Rad-hard microcircuits' }] }))
  await publishDecision(bravo, decision({ outcome: 'granted', undercutOverride: { reason: 'recorded over the warning, for the auditors' }, decisionDate: '2026-04-11', validUntil: '2027-04-11' }))
  await publishDecision(bravo, decision({ outcome: 'denied', decisionDate: '2026-02-01', destination: 'CN', parties: [{ ...huawei[0], name: 'HUAWEI TECHNOLOGIES CO LTD' }], items: [{ codes: [{ regime: 'uk', code: '5A002a' }], description: 'Encryption items' }] }))
  const listed = await bravo.app.inject({ url: '/v1/divergences', headers: { authorization: await bravo.auth('auditor') } })
  const divergences = listed.json().divergences as Array<{ id: string }>
  t.equal(divergences.length, 3, 'two undercuts and a divergent outcome at bravo')
  const resolved = await bravo.app.inject({
    method: 'PATCH', url: `/v1/divergences/${divergences[0]?.id}`, headers: { authorization: await bravo.auth('auditor') }, payload: { state: 'resolved', reason: 'settled with alpha' }
  })
  t.equal(resolved.statusCode, 200, resolved.body)

  const browser = await chromium.launch({ executablePath: CHROMIUM })
  t.teardown(() => browser.close())
  const context = await browser.newContext({ viewport: { width: 1200, height: 900 }, extraHTTPHeaders: { authorization: await bravo.auth('auditor') } })
  const page = await context.newPage()
  const problems: string[] = []
  page.on('console', (message) => { if (message.type() === 'error') problems.push(`console error: ${message.text()}`) })
  page.on('pageerror', (err) => problems.push(`page error: ${err.message}`))
  const requested: string[] = []
  page.on('request', (request) => requested.push(request.url()))

  const url = `${bravo.url}/v1/reports/divergences?format=html`
  const response = await page.goto(url, { waitUntil: 'load' })
  t.equal(response?.status(), 200)
  t.equal(await page.title(), 'Divergence report: bravo, all time')

  const figures = await page.locator('figure').evaluateAll((nodes) => nodes.map((figure) => {
    const svg = figure.querySelector('svg')
    const box = svg?.getBoundingClientRect()
    const labelledBy = (svg?.getAttribute('aria-labelledby') ?? '').split(' ').map((id: string) => figure.ownerDocument.getElementById(id)?.textContent ?? '')
    return {
      id: figure.id,
      caption: figure.querySelector('figcaption')?.textContent ?? '',
      title: svg?.querySelector('title')?.textContent ?? '',
      labelledBy,
      drawn: (box?.width ?? 0) > 100 && (box?.height ?? 0) > 40,
      marks: svg?.querySelectorAll('rect, polyline').length ?? 0,
      tableRows: figure.querySelectorAll('table tbody tr').length
    }
  }))
  t.same(figures.map((f) => f.id), ['fig-kind', 'fig-severity', 'fig-state', 'fig-allies', 'fig-months', 'fig-categories', 'fig-destinations', 'fig-resolution', 'fig-age', 'fig-consultations'], 'ten figures')
  for (const f of figures) {
    t.ok(f.drawn, `${f.id}: the chart is drawn at a readable size`)
    t.ok(f.title.length > 0 && f.caption.startsWith(f.title), `${f.id}: the chart's title matches its caption`)
    t.ok(f.labelledBy.every((text: string) => text.length > 0), `${f.id}: aria-labelledby names a title and a description`)
    t.ok(f.marks > 0, `${f.id}: bars or a line`)
    t.ok(f.tableRows > 0, `${f.id}: a table with the numbers`)
  }
  t.equal(await page.locator('figure svg[role="img"]').count(), 10, 'each chart is an image to assistive technology')
  t.match(await page.locator('#h-consultations').locator('xpath=..').innerText(), /open: we asked\s+1[\s\S]*alpha[\s\S]*requested/, 'the open consultation, with its peer and state')

  await mkdir(fileURLToPath(new URL('.', `file://${SCREENSHOT}`)), { recursive: true })
  await page.screenshot({ path: SCREENSHOT, fullPage: true })
  t.ok((await stat(SCREENSHOT)).size > 20_000, `full-page screenshot at ${SCREENSHOT}`)

  await page.emulateMedia({ media: 'print' })
  t.equal(await page.locator('.grid').first().evaluate((el) => el.ownerDocument.defaultView?.getComputedStyle(el).display), 'block', 'print: figures one under another')

  t.same(problems, [], 'no console error, no page error')
  t.same(requested.filter((u) => !u.endsWith('/favicon.ico')), [url], 'the page loads nothing but itself')
})
