import { sql } from 'kysely'
import t from 'tap'
import type { TestAgency } from '../helpers/agency.js'
import { openBrowser, signIn } from '../helpers/browser.js'
import { publishDecision, startFederation } from '../helpers/federation.js'

// An auditor reads the audit trail in the browser: the events in order with who, what and on
// what (linking to the record's page), filtered (a date in error first), the chain verified
// intact, then, after an event is altered in the database, verified broken at that event;
// an officer is refused.

t.test('the audit trail and the verification of its chain, for auditors', async (t) => {
  const [agency] = await startFederation(t, ['web-audit']) as [TestAgency]
  const first = await publishDecision(agency, { reference: 'AUDIT-1', outcome: 'denied' })
  await publishDecision(agency, { reference: 'AUDIT-2', outcome: 'granted', reasons: [] })

  const browser = await openBrowser(t)
  const page = await browser.page()
  await page.goto(`${agency.url}/app`)
  await signIn(page, 'Arun Auditor')
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Audit trail' }).click()
  await page.waitForURL(/\/app\/audit$/)
  t.equal(await page.locator('h1').textContent(), 'Audit trail')
  const rows = page.locator('table.results tbody tr')
  const stored = await agency.db.selectFrom('audit_events').select(['seq', 'action']).orderBy('seq').execute()
  t.equal(await rows.count(), stored.length, 'every event, in order')
  t.same(await rows.locator('td:first-child').allTextContents(), stored.map((e) => String(e.seq)))
  await browser.check(t, 'audit trail')

  // filtered by action: the publications, each linking to the record's page
  await page.getByLabel('Action').fill('record-published')
  await page.getByRole('button', { name: 'Filter' }).click()
  await page.waitForURL(/action=record-published/)
  t.equal(await rows.count(), 2, 'the two publications')
  t.match(await rows.first().textContent() ?? '', /record-published/)
  t.equal(await rows.first().getByRole('link').getAttribute('href'), `/app/decisions/web-audit/${first.record.id}`)

  // a date in error: the form again with the error on its field
  const bad = await page.goto(`${agency.url}/app/audit?from=yesterday&action=screening`)
  t.equal(bad?.status(), 400)
  t.equal(await page.locator('.error-summary a').textContent(), 'From: enter a date as YYYY-MM-DD')
  t.equal(await page.locator('#action').inputValue(), 'screening', 'what was typed is kept')
  await browser.check(t, 'audit trail, an error')

  // the chain: intact, then broken where an event was altered
  await page.goto(`${agency.url}/app/audit`)
  await page.getByRole('button', { name: 'Verify the audit trail' }).click()
  await page.waitForURL(/\/app\/audit\/verification\??$/)
  t.match(await page.locator('.notice').textContent() ?? '', new RegExp(`^The chain is intact: ${stored.length} events checked, the last is number ${stored.length}\\.`))
  await browser.check(t, 'audit trail, verified')
  await sql`update audit_events set detail = jsonb_set(detail, '{reference}', '"FORGED"') where seq = 1`.execute(agency.db)
  await page.getByRole('button', { name: 'Verify the audit trail' }).click()
  await page.locator('.warning-panel').waitFor()
  t.match(await page.locator('.warning-panel').textContent() ?? '', /^The chain is broken at event 1 \(its content does not match its hash\)/)
  await browser.check(t, 'audit trail, broken')

  // an officer may not read it, nor see it in the navigation
  await page.getByRole('button', { name: 'Sign out' }).click()
  await page.getByRole('button', { name: 'Sign out' }).click()
  await page.waitForURL(/signed-out$/)
  await signIn(page, 'Olivia Officer')
  const refused = await page.goto(`${agency.url}/app/audit`)
  t.equal(refused?.status(), 403)
  t.equal(await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Audit trail' }).count(), 0)
  browser.noProblems(t, [/status of (400|403)/])
})
