import t from 'tap'
import type { TestAgency } from '../helpers/agency.js'
import { openBrowser, signIn } from '../helpers/browser.js'
import { publishDecision, startFederation, syncRound } from '../helpers/federation.js'
import { call } from '../helpers/records.js'

// Issue 14 in the web application: an officer watches a screened application as a case, sees
// the ally's denial arrive as its hit, withdraws it; keeps a watch list.

t.test('cases and the watch list, for officers', async (t) => {
  const [alpha, bravo] = await startFederation(t, ['web-cases-a', 'web-cases-b']) as [TestAgency, TestAgency]
  const screened = await call(bravo, 'POST', '/v1/screenings', {
    applications: [{
      reference: 'APP-WEB-7',
      parties: [{ role: 'end_user', name: 'Aero-Guide Trading L.L.C.', country: 'AE' }],
      items: [{ codes: [{ regime: 'eu', code: '7A003.a' }], description: 'Inertial measurement units' }],
      destination: 'AE'
    }]
  })
  const screeningId = screened.body.results[0].screeningId as string

  const browser = await openBrowser(t)
  const page = await browser.page()
  await page.goto(`${bravo.url}/app/screenings/${screeningId}`)
  await signIn(page, 'Olivia Officer')
  await page.getByRole('button', { name: 'Watch this application as a case' }).click()
  await page.waitForURL(/\/app\/cases\/[0-9a-f-]+\?opened=1$/)
  t.equal(await page.locator('h1').textContent(), 'Case APP-WEB-7')
  t.equal(await page.locator('.notice').textContent(), 'The case is open: every record that arrives is matched against it.')
  t.equal(await page.locator('main').getByText('No hit yet.').count(), 1)
  await browser.check(t, 'a case, just opened')
  const caseUrl = page.url().replace(/\?opened=1$/, '')

  await publishDecision(alpha)
  t.match(await syncRound(bravo, alpha.id), { status: 'synced' })
  await page.goto(caseUrl)
  t.match(await page.locator('.hit-list li').first().textContent() ?? '', /^Essentially identical: web-cases-a's denial REF-.* is a hit for case APP-WEB-7/)
  t.ok(await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Alerts 1 unread' }).isVisible(), 'and it is an alert')

  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Cases' }).click()
  await page.waitForURL(/\/app\/cases$/)
  t.same(await page.locator('table.results tbody td:nth-child(4)').allTextContents(), ['1'], 'the case, with its hit')
  await browser.check(t, 'my open cases')

  await page.goto(caseUrl)
  await page.getByRole('button', { name: 'Withdraw the case' }).click()
  t.equal(await page.locator('.error-summary a').textContent(), 'Reason: say why the case is withdrawn')
  await browser.check(t, 'a case, withdrawal without a reason')
  await page.getByLabel('Reason').fill('The applicant withdrew')
  await page.getByRole('button', { name: 'Withdraw the case' }).click()
  await page.waitForURL(/\/app\/cases\?withdrawn=1$/)
  t.equal(await page.locator('p[role=status]').last().textContent(), 'You have no open case. Screen an application, then watch it as a case.')

  // the watch list
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Watch list' }).click()
  await page.waitForURL(/\/app\/watched-parties$/)
  await page.getByRole('button', { name: 'Watch this party' }).click()
  t.equal(await page.locator('.error-summary a').first().textContent(), 'Name: enter a value', 'a name is needed')
  await page.getByLabel('Name', { exact: true }).fill('Sirius Avionics Ltd')
  await page.getByLabel('Other names').fill('Sirius Avionic\nSirius Avionics Limited')
  await page.getByLabel('Country').fill('gb')
  await page.getByLabel('Why it is watched').fill('Diversion to a UAV programme')
  await page.getByLabel('Watch it for every officer').check()
  await page.getByRole('button', { name: 'Watch this party' }).click()
  await page.waitForURL(/\/app\/watched-parties\?added=1$/)
  t.match(await page.locator('table.results tbody tr').first().textContent() ?? '', /Sirius Avionics Ltd \(Sirius Avionic; Sirius Avionics Limited\)GBDiversion to a UAV programmeEvery officer/)
  await browser.check(t, 'the watch list')
  await page.getByRole('button', { name: /^Stop watching/ }).click()
  await page.waitForURL(/\/app\/watched-parties\?removed=1$/)
  t.equal(await page.locator('table.results').count(), 0, 'no longer watched')
})
