import t from 'tap'
import type { TestAgency } from '../helpers/agency.js'
import { openBrowser, signIn } from '../helpers/browser.js'
import { publishDecision, startFederation, syncAll } from '../helpers/federation.js'

// An officer at bravo screens an application in the browser, without script: rows added and
// removed by the form's buttons, a field in error, the result grouped per party with the
// explanation of each match, the essentially identical denial flagged, the grant elsewhere
// counted and linked to the search, a disposition recorded (and refused without a reason),
// the screening among the earlier ones; an auditor reads it and cannot dispose.
// Names: Gazprombank (OFAC SDN, ofac-sdn-2021/sdn.csv); Mahan Air (OFAC SDN, alias Mahan Airlines).

t.test('screening an application in the browser', async (t) => {
  const [alpha, bravo] = await startFederation(t, ['web-screen-alpha', 'web-screen-bravo']) as [TestAgency, TestAgency]
  const bank = { role: 'end_user', name: 'Gazprombank Open Joint Stock Company', aliases: ['GPB (OJSC)'], country: 'RU', identifiers: [{ scheme: 'registration', value: '1027700167110' }] }
  const denial = await publishDecision(alpha, {
    reference: 'ALPHA-D-1',
    outcome: 'denied',
    destination: 'RU',
    decisionDate: '2026-01-15',
    parties: [bank],
    items: [{ codes: [{ regime: 'uk', code: '3A001.a.1' }], description: 'Radiation hardened integrated circuits' }]
  })
  await publishDecision(alpha, {
    reference: 'ALPHA-G-1',
    outcome: 'granted',
    destination: 'KZ',
    decisionDate: '2026-02-01',
    validUntil: '2028-02-01',
    reasons: [],
    parties: [bank],
    items: [{ codes: [{ regime: 'uk', code: '5A002.a' }], description: 'Encryption items' }]
  })
  await publishDecision(alpha, {
    reference: 'ALPHA-D-2',
    outcome: 'denied',
    destination: 'IR',
    decisionDate: '2026-03-01',
    parties: [{ role: 'end_user', name: 'Mahan Air', aliases: [], country: 'IR', identifiers: [] }],
    items: [{ codes: [{ regime: 'uk', code: '9A001' }], description: 'Aero gas turbine engines' }]
  })
  await syncAll([alpha, bravo])

  const browser = await openBrowser(t)
  const page = await browser.page()
  await page.goto(`${bravo.url}/app/screenings/new`)
  await signIn(page, 'Olivia Officer')
  t.equal(await page.locator('h1').textContent(), 'Screen an application')
  await browser.check(t, 'screening form')

  // rows: add two parties, remove the middle one; what was typed stays
  await page.getByLabel('Destination').fill('ru')
  await page.locator('#party-0-name').fill('Gazprom Bank')
  await page.locator('#party-0-country').fill('RU')
  await page.getByRole('button', { name: 'Add another party' }).click()
  await page.getByRole('button', { name: 'Add another party' }).click()
  t.equal(await page.locator('fieldset.row legend', { hasText: /^Party \d$/ }).count(), 3, 'three party rows')
  await page.locator('#party-1-name').fill('Someone Else Ltd')
  await page.locator('#party-2-name').fill('Mahan Airlines')
  await page.locator('#party-2-country').fill('IR')
  await page.getByRole('button', { name: 'Remove party 2' }).click()
  t.equal(await page.locator('fieldset.row legend', { hasText: /^Party \d$/ }).count(), 2, 'a row removed')
  t.equal(await page.locator('#party-0-name').inputValue(), 'Gazprom Bank', 'what was typed is kept')
  t.equal(await page.locator('#party-1-name').inputValue(), 'Mahan Airlines', 'the rows after it move up')
  t.equal(await page.getByLabel('Destination').inputValue(), 'ru')

  // an item without a description and a code without its list: errors on their fields
  await page.locator('#item-0-codes').fill('3A001.a.1')
  await page.getByRole('button', { name: 'Screen the application' }).click()
  t.equal(await page.locator('h1').textContent(), 'Screen an application')
  t.match(await page.title(), /^Error: /)
  const summary = await page.locator('.error-summary a').allTextContents()
  t.ok(summary.includes('Item 1 control entries: write each as its list and its entry, such as uk 3A001.a.1'), summary.join(' | '))
  t.notOk(summary.some((s) => s.startsWith('Party')), 'the parties are complete')
  t.ok(summary.some((s) => s.startsWith('Item 1 description:')), 'the item needs a description')
  t.equal(await page.locator('.error-summary a', { hasText: 'Item 1 control entries' }).getAttribute('href'), '#item-0-codes')
  await browser.check(t, 'screening form, errors')

  await page.locator('#party-1-country').fill('IR')
  await page.locator('#item-0-description').fill('Rad-hard integrated circuits')
  await page.locator('#item-0-codes').fill('wassenaar 3.A.1.a.1')
  await page.locator('#date').fill('2026-06-01')
  await page.locator('#reference').fill('APP-WEB-1')
  await page.getByRole('button', { name: 'Screen the application' }).click()
  await page.waitForURL(/\/app\/screenings\/[0-9a-f-]{36}$/)
  t.equal(await page.locator('h1').textContent(), 'Screening result: APP-WEB-1')
  t.match(await page.locator('.warning-panel').textContent() ?? '', /^1 decision is essentially identical/)
  const bankSection = page.locator('section', { has: page.locator('h2', { hasText: 'Party 1: Gazprom Bank' }) })
  const hit = bankSection.locator('article.hit')
  t.equal(await hit.count(), 1, 'one decision bearing on it names the bank')
  t.match(await hit.locator('h3').textContent() ?? '', /web-screen-alpha ALPHA-D-1\s*Denied\s*Essentially identical/)
  t.match(await hit.locator('dd').nth(1).textContent() ?? '', /^score \d\.\d\d: .*Gazprom Bank/, 'the party match explained')
  t.match(await hit.locator('dd').nth(2).textContent() ?? '', /3\.A\.1\.a\.1|3A001/, 'the item match explained')
  t.match(await hit.textContent() ?? '', /Signed by web-screen-alpha with key/)
  t.match(await bankSection.textContent() ?? '', /counted and not listed: 1 grant .* and 0 denials no longer in force/)
  const searchLink = bankSection.getByRole('link', { name: 'List them in the decision search' })
  t.equal(await searchLink.getAttribute('href'), '/app/decisions?party=Gazprom+Bank&scope=allied')
  const mahan = page.locator('section', { has: page.locator('h2', { hasText: 'Party 2: Mahan Airlines' }) })
  t.match(await mahan.locator('article.hit h3').textContent() ?? '', /ALPHA-D-2\s*Denied/, 'Mahan Air denied: listed, another destination')
  t.equal(await mahan.locator('.tag--warning').count(), 0, 'not essentially identical: another item and destination')
  await browser.check(t, 'screening result')

  // a disposition without a reason is refused on its field; with one, recorded
  await hit.getByLabel('Essentially identical').check()
  await hit.getByRole('button', { name: 'Record the disposition' }).click()
  t.match(await page.locator('.error-summary a').textContent() ?? '', /^Reason: /)
  t.ok(await page.locator('article.hit').first().getByLabel('Essentially identical').isChecked(), 'the choice is kept')
  await browser.check(t, 'screening result, disposition error')
  const first = page.locator('article.hit').first()
  await first.getByLabel('Reason').fill('Same bank: registration number checked')
  await first.getByRole('button', { name: 'Record the disposition' }).click()
  await page.waitForURL(/recorded=/)
  t.equal(await page.locator('.notice').textContent(), 'Your disposition was recorded.')
  t.match(await page.locator('article.hit').first().textContent() ?? '', /Recorded here.*Essentially identical, by dev-officer on .*: Same bank: registration number checked/)
  const stored = await bravo.db.selectFrom('hit_dispositions').selectAll().execute()
  t.match(stored, [{ issuer: 'web-screen-alpha', record_id: denial.record.id, disposition: 'exact', reason: 'Same bank: registration number checked', officer: 'dev-officer' }], 'stored')

  // the search link lists the others
  await page.goto(`${bravo.url}/app/decisions?party=Gazprom+Bank&scope=allied`)
  t.equal(await page.locator('table.results tbody tr').count(), 2, 'the denial and the grant elsewhere')

  // earlier screenings
  await page.goto(`${bravo.url}/app/screenings`)
  const row = page.locator('table tbody tr').first()
  t.match(await row.textContent() ?? '', /APP-WEB-1.*Gazprom Bank; Mahan Airlines.*RU\s*2\s*1 essentially identical.*dev-officer/)
  await browser.check(t, 'earlier screenings')
  const screeningUrl = await row.getByRole('link').getAttribute('href') ?? ''

  // an auditor reads the result, with no disposition form, and may not screen
  await page.getByRole('button', { name: 'Sign out' }).click()
  await page.getByRole('button', { name: 'Sign out' }).click()
  await page.waitForURL(/signed-out$/)
  await signIn(page, 'Arun Auditor')
  await page.goto(`${bravo.url}${screeningUrl}`)
  t.equal(await page.locator('h1').textContent(), 'Screening result: APP-WEB-1')
  t.equal(await page.locator('form.disposition-form').count(), 0, 'auditors read, officers dispose')
  const refused = await page.goto(`${bravo.url}/app/screenings/new`)
  t.equal(refused?.status(), 403)
  browser.noProblems(t, [/status of (400|403)/])
})
