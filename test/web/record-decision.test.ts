import t from 'tap'
import type { TestAgency } from '../helpers/agency.js'
import { openBrowser, signIn } from '../helpers/browser.js'
import { publishDecision, startFederation, syncAll } from '../helpers/federation.js'
import { until } from '../helpers/until.js'

// An officer at bravo records a grant in the browser that would undercut alpha's denial of
// Mahan Air (OFAC SDN; "Mahan Airlines" is its alias): the form (an error first), check your
// answers, the undercut warning with alpha's denial, a consultation requested of alpha from
// the warning (delivered to alpha), the consultation cited before it was answered (refused on
// its field), then the grant recorded with an override and its reason; what was stored, and
// the audit trail's undercut event.

t.test('recording a decision, the undercut warning, a consultation and an override', async (t) => {
  const [alpha, bravo] = await startFederation(t, ['web-record-alpha', 'web-record-bravo']) as [TestAgency, TestAgency]
  const denial = await publishDecision(alpha, {
    reference: 'ALPHA-D-9',
    outcome: 'denied',
    destination: 'IR',
    parties: [{ role: 'end_user', name: 'Mahan Air', aliases: ['Mahan Airlines'], country: 'IR', identifiers: [] }],
    items: [{ codes: [{ regime: 'uk', code: '9A001' }], description: 'Aero gas turbine engines' }]
  })
  await syncAll([alpha, bravo])

  const browser = await openBrowser(t)
  const page = await browser.page()
  await page.goto(`${bravo.url}/app/decisions`)
  await signIn(page, 'Olivia Officer')
  await page.getByRole('link', { name: 'Record a decision' }).click()
  t.equal(await page.locator('h1').textContent(), 'Record a decision')
  await browser.check(t, 'record a decision, the form')

  // the form: errors on their fields, what was typed kept
  await page.getByLabel('Granted: a licence is issued').check()
  await page.getByLabel('Destination').fill('IR')
  await page.locator('#party-0-name').fill('Mahan Airlines')
  await page.locator('#party-0-country').fill('IR')
  await page.locator('#item-0-description').fill('Turbofan engines')
  await page.getByRole('button', { name: 'Continue' }).click()
  const summary = await page.locator('.error-summary a').allTextContents()
  t.ok(summary.some((s) => s.startsWith('Reference:')), summary.join(' | '))
  t.ok(summary.some((s) => s.startsWith('Item 1 control entries:')), 'an item needs a control entry')
  t.ok(await page.getByLabel('Granted: a licence is issued').isChecked(), 'the outcome is kept')
  await browser.check(t, 'record a decision, errors')

  await page.getByLabel('Reference', { exact: true }).fill('BRAVO-G-1')
  await page.locator('#item-0-codes').fill('uk 9A001')
  await page.getByRole('button', { name: 'Continue' }).click()
  t.equal(await page.locator('h1').textContent(), 'Check the decision before recording it')
  t.match(await page.locator('dl.summary').textContent() ?? '', /Granted.*BRAVO-G-1.*IR/)
  t.match(await page.locator('table').nth(1).textContent() ?? '', /Turbofan engines\s*uk 9A001/)
  await browser.check(t, 'record a decision, check your answers')

  // recording it: the warning, nothing stored
  await page.getByRole('button', { name: 'Record the decision' }).click()
  t.equal(await page.locator('h1').textContent(), 'This grant would undercut an allied denial')
  const conflict = page.locator('article.hit')
  t.equal(await conflict.count(), 1)
  t.match(await conflict.locator('h3').textContent() ?? '', 'web-record-alpha ALPHA-D-9')
  t.equal(await conflict.getByRole('link').getAttribute('href'), `/app/decisions/web-record-alpha/${denial.record.id}`)
  t.match(await conflict.locator('dd').last().textContent() ?? '', /Mahan/, 'why it conflicts')
  t.equal((await bravo.db.selectFrom('records').select('reference').where('issuer', '=', 'web-record-bravo').execute()).length, 0, 'nothing stored')
  await browser.check(t, 'record a decision, the undercut warning')

  // a consultation from the warning: a question is needed; then requested and delivered
  await conflict.getByRole('button', { name: 'Request a consultation with web-record-alpha' }).click()
  t.match(await page.locator('.error-summary a').textContent() ?? '', /^Your question to the denying agency: /)
  await page.locator('article.hit').getByLabel('Your question to the denying agency').fill('Is the engine the same model you denied?')
  await page.locator('article.hit').getByRole('button', { name: 'Request a consultation with web-record-alpha' }).click()
  t.equal(await page.locator('h1').textContent(), 'Record a decision')
  t.match(await page.locator('.notice').textContent() ?? '', /^Consultation requested of web-record-alpha: an answer is due by \d+ \w+ \d{4}\./)
  const outgoing = await bravo.db.selectFrom('consultations').selectAll().where('direction', '=', 'outgoing').execute()
  t.match(outgoing, [{ consulted: 'web-record-alpha', denial_record_id: denial.record.id, state: 'requested', question: 'Is the engine the same model you denied?' }])
  t.equal(await page.locator('#consultation').inputValue(), outgoing[0]?.id, 'the new consultation is selected')
  t.equal(await page.getByLabel('Reference', { exact: true }).inputValue(), 'BRAVO-G-1', 'the form is kept')
  await until(async () => (await alpha.db.selectFrom('consultations').select('id').where('direction', '=', 'incoming').execute()).length === 1)

  // cited before alpha answers: refused on its field
  await page.locator('#justification').fill('Alpha raised no objection')
  await page.getByRole('button', { name: 'Continue' }).click()
  await page.getByRole('button', { name: 'Record the decision' }).click()
  t.match(await page.locator('.error-summary a').textContent() ?? '', /^Consultation: consultation "[0-9a-f-]+" cannot be cited/)
  t.equal(await page.locator('.error-summary a').getAttribute('href'), '#consultation')

  // recorded with an override and its reason
  await page.locator('#consultation').selectOption('')
  await page.locator('#justification').fill('')
  await page.getByRole('button', { name: 'Continue' }).click()
  await page.getByRole('button', { name: 'Record the decision' }).click()
  await page.getByRole('button', { name: 'Record the grant with this reason' }).click()
  t.match(await page.locator('.error-summary a').textContent() ?? '', /^Why the grant is recorded notwithstanding the denials: /, 'a reason is needed')
  await page.getByLabel('Why the grant is recorded notwithstanding the denials').fill('Civil airliner maintenance under a government-to-government agreement')
  await page.getByRole('button', { name: 'Record the grant with this reason' }).click()
  await page.waitForURL(/\/app\/decisions\/web-record-bravo\/[0-9a-f-]{36}\?recorded=1$/)
  t.equal(await page.locator('.notice').textContent(), 'The decision was recorded, signed and published.')
  t.equal(await page.locator('h1').textContent(), 'BRAVO-G-1')
  await browser.check(t, 'record a decision, recorded')
  const stored = await bravo.db.selectFrom('records').select(['reference', 'outcome', 'body']).where('issuer', '=', 'web-record-bravo').execute()
  t.match(stored, [{ reference: 'BRAVO-G-1', outcome: 'granted' }])
  t.match(stored[0]?.body, { undercutOverride: { reason: 'Civil airliner maintenance under a government-to-government agreement' } }, 'the override is in the signed decision')
  const events = await bravo.db.selectFrom('audit_events').select(['action', 'actor', 'detail']).where('action', '=', 'undercut-recorded').execute()
  t.match(events, [{ actor: 'dev-officer', detail: { reference: 'BRAVO-G-1', denials: [{ issuer: 'web-record-alpha', recordId: denial.record.id }] } }])

  // amended in the same form, filled with everything it holds (a reason needed first); the override it carries stays
  await page.getByRole('link', { name: 'Amend it' }).click()
  t.equal(await page.locator('h1').textContent(), 'Amend BRAVO-G-1')
  t.equal(await page.getByLabel('Reference', { exact: true }).inputValue(), 'BRAVO-G-1', 'the form holds the decision')
  t.equal(await page.locator('#party-0-name').inputValue(), 'Mahan Airlines')
  t.equal(await page.locator('#item-0-codes').inputValue(), 'uk 9A001')
  await browser.check(t, 'amend a decision, the form')
  await page.locator('#party-0-address').fill('Mahan Tower, Azadegan Street, Tehran')
  await page.locator('#item-0-quantity').fill('2')
  await page.locator('#item-0-value').fill('2500000 GBP')
  await page.getByRole('button', { name: 'Continue' }).click()
  t.match(await page.locator('.error-summary a').textContent() ?? '', /^Why the decision is amended: /, 'a reason is needed')
  await page.getByLabel('Why the decision is amended').fill('Quantity and value added from the licence')
  await page.getByRole('button', { name: 'Continue' }).click()
  t.equal(await page.locator('h1').textContent(), 'Check the decision before recording it')
  t.match(await page.locator('table').nth(1).textContent() ?? '', /2500000 GBP/)
  await page.getByRole('button', { name: 'Publish the amendment' }).click()
  await page.waitForURL(/amended=1$/)
  t.equal(await page.locator('.notice').textContent(), 'The amendment was signed and published.')
  const amended = await bravo.db.selectFrom('records').select(['version', 'body']).where('issuer', '=', 'web-record-bravo').executeTakeFirstOrThrow()
  t.match(amended, {
    version: 2,
    body: {
      parties: [{ name: 'Mahan Airlines', address: 'Mahan Tower, Azadegan Street, Tehran' }],
      items: [{ quantity: 2, value: { amount: 2500000, currency: 'GBP' } }],
      undercutOverride: { reason: 'Civil airliner maintenance under a government-to-government agreement' }
    }
  }, 'the new version holds the change and keeps the override')

  // our decision's changes, each a question page: renew (an error first), then revoke
  await page.getByRole('link', { name: 'Renew it' }).click()
  t.equal(await page.locator('h1').textContent(), 'Renew BRAVO-G-1')
  await page.getByRole('button', { name: 'Renew the decision' }).click()
  t.match(await page.locator('.error-summary a').first().textContent() ?? '', /^Reason: /, 'a reason is needed')
  await browser.check(t, 'renew a decision, an error')
  await page.getByLabel('Reason').fill('Licence extended for the maintenance contract')
  await page.getByLabel('In force until').fill('2030-12-31')
  await page.getByRole('button', { name: 'Renew the decision' }).click()
  await page.waitForURL(/renewed=1$/)
  t.equal(await page.locator('.notice').textContent(), 'The renewal was signed and published.')
  t.match(await page.locator('dl.summary').textContent() ?? '', /31 December 2030/)
  await page.getByRole('link', { name: 'Revoke it' }).click()
  t.equal(await page.locator('h1').textContent(), 'Revoke BRAVO-G-1')
  await browser.check(t, 'revoke a decision')
  await page.getByLabel('Reason').fill('The end user breached the licence conditions')
  await page.getByRole('button', { name: 'Revoke the decision' }).click()
  await page.waitForURL(/revoked=1$/)
  t.equal(await page.locator('.notice').textContent(), 'The revocation was signed and published.')
  t.equal(await page.getByRole('link', { name: 'Revoke it' }).count(), 0, 'a revoked decision offers no change')
  t.equal(await page.locator('h2:has-text("Versions") + table tbody tr').count(), 4, 'recorded, amended, renewed, revoked')
  const final = await bravo.db.selectFrom('records').select(['version', 'valid_until', 'revoked_from']).where('issuer', '=', 'web-record-bravo').executeTakeFirstOrThrow()
  t.match(final, { version: 4, valid_until: '2030-12-31' })
  t.not(final.revoked_from, null, 'stored as revoked')
  browser.noProblems(t, [/status of (400|409)/])
})
