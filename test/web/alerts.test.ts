import t from 'tap'
import type { TestAgency } from '../helpers/agency.js'
import { openBrowser, signIn } from '../helpers/browser.js'
import { publishDecision, startFederation, syncRound } from '../helpers/federation.js'
import { call } from '../helpers/records.js'

// An officer hears of an ally's denial naming a party the agency watches: the count on every
// page, the list, marked as read (issue 14).

t.test('alerts: a count on every page, a list to read, each marked as read', async (t) => {
  const [alpha, bravo] = await startFederation(t, ['web-alerts-a', 'web-alerts-b']) as [TestAgency, TestAgency]
  t.equal((await call(bravo, 'POST', '/v1/watched-parties', { name: 'Aeroguide Trading', country: 'AE', forAgency: true })).status, 201)
  await publishDecision(alpha)
  t.match(await syncRound(bravo, alpha.id), { status: 'synced' })

  const browser = await openBrowser(t)
  const page = await browser.page()
  await page.goto(`${bravo.url}/app`)
  await signIn(page, 'Olivia Officer')
  const nav = page.getByRole('navigation', { name: 'Main' })
  await nav.getByRole('link', { name: 'Alerts 1 unread' }).click()
  await page.waitForURL(/\/app\/alerts$/)
  t.equal(await page.locator('h1').textContent(), 'Alerts')
  const rows = page.locator('table.results tbody tr')
  t.equal(await rows.count(), 1)
  t.match(await rows.first().textContent() ?? '', /web-alerts-a's denial REF-.* names the watched party Aeroguide Trading/)
  t.match(await rows.first().textContent() ?? '', /Holds/)
  await browser.check(t, 'alerts, one to read')

  await rows.first().getByRole('button', { name: /^Mark as read/ }).click()
  await page.waitForURL(/\/app\/alerts\?read=1$/)
  t.equal(await page.locator('.notice').textContent(), 'Marked as read.')
  t.equal(await page.locator('p[role=status]').last().textContent(), 'Nothing to read.')
  t.equal(await nav.getByRole('link', { name: 'Alerts' }).count(), 1, 'the count is gone')
  await page.getByRole('link', { name: 'Show the alerts already read too' }).click()
  t.match(await rows.first().textContent() ?? '', /Read by /)
  await browser.check(t, 'alerts, all')

  const missing = await page.request.post(`${bravo.url}/app/alerts/00000000-0000-4000-8000-000000000000/acknowledgement`, { form: { _csrf: await page.locator('input[name=_csrf]').first().inputValue() } })
  t.equal(missing.status(), 404, 'an alert that is not theirs is not found')
})
