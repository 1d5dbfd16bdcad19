import t from 'tap'
import type { TestAgency } from '../helpers/agency.js'
import { openBrowser, signIn } from '../helpers/browser.js'
import { publishDecision, startFederation, syncAll } from '../helpers/federation.js'

// An officer at bravo looks for prior allied decisions in the browser: the search form, a
// fuzzy party search that finds alpha's denial of a name written in Cyrillic (OFAC SDN:
// "Акционерное общество Гознак" is listed as GOZNAK), the decision's page with the name as
// written and in Latin letters, its signature and versions; a filter in error; roles.

t.test('the decision search and a decision\'s page, for officers and auditors', async (t) => {
  const [alpha, bravo] = await startFederation(t, ['web-alpha', 'web-bravo']) as [TestAgency, TestAgency]
  const denial = await publishDecision(alpha, {
    reference: 'ALPHA-DENIAL-1',
    outcome: 'denied',
    destination: 'RU',
    parties: [{ role: 'end_user', name: 'Акционерное общество «Гознак»', aliases: ['GOZNAK JSC'], country: 'RU', identifiers: [{ scheme: 'registration', value: '1027700019767' }] }],
    items: [{ codes: [{ regime: 'eu', code: '3A001.a.1' }], description: 'Radiation-hardened integrated circuits' }]
  })
  await publishDecision(alpha, { reference: 'ALPHA-GRANT-1', outcome: 'granted', reasons: [] })
  await syncAll([alpha, bravo])

  const browser = await openBrowser(t)
  const page = await browser.page()
  await page.goto(`${bravo.url}/app/decisions`)
  await signIn(page, 'Olivia Officer')
  t.equal(await page.locator('h1').textContent(), 'Decisions')
  t.equal(await page.locator('table.results').count(), 0, 'no results before a search')
  await browser.check(t, 'decision search, empty')

  await page.getByLabel('Party name').fill('Goznak')
  await page.getByRole('button', { name: 'Search' }).click()
  const rows = page.locator('table.results tbody tr')
  t.equal(await rows.count(), 1, 'one decision names a party like "Goznak"')
  t.match(await rows.first().textContent() ?? '', /ALPHA-DENIAL-1.*web-alpha.*Denied.*RU/)
  t.match(await page.locator('table.results caption').textContent() ?? '', 'best party match first')
  t.match(await rows.first().locator('td').last().textContent() ?? '', /^\d\.\d\d /, 'the match\'s score and its explanation')
  await browser.check(t, 'decision search, by party')

  await rows.first().getByRole('link', { name: 'ALPHA-DENIAL-1' }).click()
  t.equal(new URL(page.url()).pathname, `/app/decisions/web-alpha/${denial.record.id}`)
  t.equal(await page.locator('h1').textContent(), 'ALPHA-DENIAL-1')
  t.equal(await page.locator('.caption').textContent(), 'A decision of web-alpha')
  const party = page.locator('table').first().locator('tbody tr').first()
  t.match(await party.textContent() ?? '', 'Акционерное общество «Гознак»', 'the name as written')
  t.match(await party.locator('td').nth(2).textContent() ?? '', /Aktsionernoe obshchestvo .*Goznak/i, 'and in Latin letters beside it')
  t.match(await party.textContent() ?? '', 'registration: 1027700019767')
  t.match(await page.locator('h2:has-text("Signature") + p').textContent() ?? '', /^Signed by web-alpha with key \S+; the signature and the feed's hash chain were verified when it reached us/, 'who signed it, with which key, verified when')
  t.equal(await page.locator('h2:has-text("Versions") + table tbody tr').count(), 1, 'one version')
  t.match(await page.locator('h2:has-text("Items") + table tbody').textContent() ?? '', 'eu 3A001.a.1 (Electronics)', 'a code with its meaning')
  await browser.check(t, 'a decision of an ally')

  // a filter in error: the form again, an error summary linking to the field
  const bad = await page.goto(`${bravo.url}/app/decisions?destination=Iran&outcome=denied`)
  t.equal(bad?.status(), 400)
  t.equal(await page.locator('.error-summary a').textContent(), 'Destination: enter a value of the expected form', 'what is wrong, where')
  t.equal(await page.locator('.error-summary a').getAttribute('href'), '#destination')
  t.equal(await page.locator('#destination').inputValue(), 'Iran', 'what was typed is kept')
  t.equal(await page.locator('#outcome').inputValue(), 'denied')
  t.match(await page.title(), /^Error: /)
  await browser.check(t, 'decision search, an error')

  const unknown = await page.goto(`${bravo.url}/app/decisions/web-alpha/00000000-0000-4000-8000-000000000000`)
  t.equal(unknown?.status(), 404)

  // an administrator may not read decisions here
  await page.getByRole('button', { name: 'Sign out' }).click()
  await page.getByRole('button', { name: 'Sign out' }).click()
  await page.waitForURL(/signed-out$/)
  await signIn(page, 'Ada Administrator')
  const forbidden = await page.goto(`${bravo.url}/app/decisions`)
  t.equal(forbidden?.status(), 403)
  t.equal(await page.locator('h1').textContent(), 'You cannot see this page')
  t.equal(await page.locator('nav[aria-label="Main"] a', { hasText: 'Decisions' }).count(), 0, 'nor is it in their navigation')
  await browser.check(t, 'forbidden')
  browser.noProblems(t, [/status of (400|403|404)/])
})
