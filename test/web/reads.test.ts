import t from 'tap'
import type { TestAgency } from '../helpers/agency.js'
import { openBrowser, signIn } from '../helpers/browser.js'
import { publishDecision, startFederation, syncAll } from '../helpers/federation.js'

// Issue 15 part 5a in the browser: at bravo, an officer searches for and opens alpha's denial of
// Gazprombank (OFAC SDN, "GAZPROMBANK OAO"), an allied record bravo synced; an auditor opens
// the divergence report of bravo's grant to "Gazprom Bank" that undercuts it. Each read is an
// audit event naming who read what; the audit page lists them, labelled and in words.

t.test('an officer reading an allied decision and an auditor opening the report are audit events the audit page shows', async (t) => {
  const [alpha, bravo] = await startFederation(t, ['web-reads-alpha', 'web-reads-bravo']) as [TestAgency, TestAgency]
  const denial = await publishDecision(alpha, {
    reference: 'ALPHA-R-1',
    outcome: 'denied',
    destination: 'RU',
    decisionDate: '2026-01-15',
    parties: [{ role: 'end_user', name: 'GAZPROMBANK OAO', aliases: [], country: 'RU', identifiers: [] }],
    items: [{ codes: [{ regime: 'uk', code: '3A001.a.1' }], description: 'Radiation hardened integrated circuits' }]
  })
  await syncAll([alpha, bravo])
  await publishDecision(bravo, {
    reference: 'BRAVO-R-1',
    outcome: 'granted',
    destination: 'RU',
    decisionDate: '2026-03-01',
    validUntil: '2028-03-01',
    reasons: [],
    undercutOverride: { reason: 'Ministerial direction' },
    parties: [{ role: 'end_user', name: 'Gazprom Bank', aliases: [], country: 'RU', identifiers: [] }],
    items: [{ codes: [{ regime: 'wassenaar', code: '3.A.1.a.1' }], description: 'Rad-hard microcircuits' }]
  })
  const [undercut] = await bravo.db.selectFrom('divergences').select('id').execute()
  const events = (action: string) => bravo.db.selectFrom('audit_events').select(['actor', 'subject_type', 'subject_id', 'detail']).where('action', '=', action).orderBy('seq').execute()

  const browser = await openBrowser(t)
  const page = await browser.page()
  await page.goto(`${bravo.url}/app/decisions`)
  await signIn(page, 'Olivia Officer')
  await page.getByLabel('Party name').fill('Gazprombank')
  await page.getByRole('button', { name: 'Search' }).click()
  const listed = await page.locator('table.results tbody tr').count()
  t.ok(listed >= 1, 'the search lists alpha\'s denial')
  await page.getByRole('link', { name: 'ALPHA-R-1' }).click()
  await page.waitForURL(new RegExp(`/app/decisions/web-reads-alpha/${denial.record.id}$`))
  t.equal(await page.locator('h1').textContent(), 'ALPHA-R-1', 'the allied decision\'s page')

  const searches = await events('records-searched')
  const search = searches.find((e) => (e.detail as { filters: Record<string, unknown> }).filters.party === 'Gazprombank')
  t.match(search, { actor: 'dev-officer', subject_id: 'decision', detail: { filters: { party: 'Gazprombank', scope: 'all', limit: 20 }, cursor: null, count: listed } }, 'the search, with what it listed')
  t.ok((search?.detail as { records: Array<{ issuer: string, id: string }> }).records.some((r) => r.issuer === 'web-reads-alpha' && r.id === denial.record.id), 'alpha\'s denial among them')
  t.same(await events('record-viewed'), [{
    actor: 'dev-officer', subject_type: 'allied-record', subject_id: `web-reads-alpha/${denial.record.id}`, detail: { issuer: 'web-reads-alpha', id: denial.record.id, version: 1, kind: 'decision' }
  }], 'the allied decision viewed, by the officer signed in')

  await page.getByRole('button', { name: 'Sign out' }).click()
  await page.getByRole('button', { name: 'Sign out' }).click()
  await page.waitForURL(/signed-out$/)
  await signIn(page, 'Arun Auditor')
  await page.goto(`${bravo.url}/app/divergences`)
  await page.getByRole('link', { name: /^The divergence report/ }).click()
  await page.waitForURL(/\/app\/reports\/divergences$/)
  t.equal(await page.locator('section[aria-labelledby="h-list"] tbody tr').count(), 1, 'the report lists the undercut')
  t.same(await events('report-exported'), [{
    actor: 'dev-auditor', subject_type: 'report', subject_id: 'divergences', detail: { report: 'divergences', format: 'html', filters: {}, divergenceIds: [undercut?.id], count: 1, total: 1 }
  }], 'the report, as the auditor received it')
  t.match(await events('divergences-searched'), [{ actor: 'dev-auditor', detail: { divergenceIds: [undercut?.id] } }], 'and the queue it was opened from')

  // the audit page: each read labelled, in words, its subject linked where it has a page
  await page.goto(`${bravo.url}/app/audit?action=record-viewed`)
  const rows = page.locator('table.results tbody tr')
  t.equal(await rows.count(), 1)
  const cells = rows.first().locator('td')
  t.equal(await cells.nth(2).textContent(), 'dev-officer')
  t.equal(await cells.nth(3).textContent(), 'Record viewed (record-viewed)')
  t.equal(await cells.nth(4).getByRole('link').getAttribute('href'), `/app/decisions/web-reads-alpha/${denial.record.id}`, 'to the allied decision\'s page')
  t.match(await cells.nth(5).locator('p').textContent() ?? '', 'A decision of web-reads-alpha, version 1.')
  await browser.check(t, 'audit trail, a record viewed')

  await page.getByLabel('Action').fill('report-exported')
  await page.getByRole('button', { name: 'Filter' }).click()
  await page.waitForURL(/action=report-exported/)
  t.equal(await rows.count(), 1)
  t.equal(await cells.nth(3).textContent(), 'Report exported (report-exported)')
  t.equal(await cells.nth(5).locator('p').textContent(), 'The divergence report as HTML, listing 1 divergence.')
  await cells.nth(5).getByText('What was returned').click()
  t.match(await cells.nth(5).locator('code').textContent() ?? '', undercut?.id ?? 'none', 'the ids returned, unfolded')
  await browser.check(t, 'audit trail, a report exported')

  await page.getByLabel('Action').fill('records-searched')
  await page.getByRole('button', { name: 'Filter' }).click()
  await page.waitForURL(/action=records-searched/)
  const said = `${listed} decision${listed === 1 ? '' : 's'} shown for party: Gazprombank; scope: all.`
  t.equal(await page.locator('td p', { hasText: said }).count(), 1, 'the officer\'s search in words')
  browser.noProblems(t)
})
