import t from 'tap'
import type { TestAgency } from '../helpers/agency.js'
import { openBrowser, signIn } from '../helpers/browser.js'
import { publishDecision, startFederation, syncAll } from '../helpers/federation.js'

// An auditor at bravo works the divergence queue in the browser: alpha denied Gazprombank
// radiation-hardened circuits for Russia, bravo granted essentially the same to "Gazprom Bank"
// (an undercut), and bravo granted Mahan Air engines before alpha denied them (a divergent
// outcome). The queue with its counts, filtered; a filter in error; the undercut with both
// records side by side, the explanation, who signed each; a transition refused without a
// reason, then made, in the history and stored; an officer reads it with no form and may not
// post one; an administrator is refused.
// Names: Gazprombank (OFAC SDN, ofac-sdn-2021/sdn.csv, "GAZPROMBANK OAO"); Mahan Air (OFAC SDN).

t.test('the divergence queue and a divergence, for auditors', async (t) => {
  const [alpha, bravo] = await startFederation(t, ['web-div-alpha', 'web-div-bravo']) as [TestAgency, TestAgency]
  // bravo records its grants before it holds alpha's denials (so no undercut warning stops them)
  const denial = await publishDecision(alpha, {
    reference: 'ALPHA-D-1',
    outcome: 'denied',
    destination: 'RU',
    decisionDate: '2026-01-15',
    parties: [{ role: 'end_user', name: 'GAZPROMBANK OAO', aliases: [], country: 'RU', identifiers: [] }],
    items: [{ codes: [{ regime: 'uk', code: '3A001.a.1' }], description: 'Radiation hardened integrated circuits' }]
  })
  const grant = await publishDecision(bravo, {
    reference: 'BRAVO-G-1',
    outcome: 'granted',
    destination: 'RU',
    decisionDate: '2026-03-01',
    validUntil: '2028-03-01',
    reasons: [],
    parties: [{ role: 'end_user', name: 'Gazprom Bank', aliases: [], country: 'RU', identifiers: [] }],
    items: [{ codes: [{ regime: 'wassenaar', code: '3.A.1.a.1' }], description: 'Rad-hard microcircuits' }]
  })
  await publishDecision(bravo, {
    reference: 'BRAVO-G-2',
    outcome: 'granted',
    destination: 'IR',
    decisionDate: '2025-11-01',
    validUntil: '2027-11-01',
    reasons: [],
    parties: [{ role: 'end_user', name: 'Mahan Air', aliases: [], country: 'IR', identifiers: [] }],
    items: [{ codes: [{ regime: 'uk', code: '9A001' }], description: 'Aero gas turbine engines' }]
  })
  await publishDecision(alpha, {
    reference: 'ALPHA-D-2',
    outcome: 'denied',
    destination: 'IR',
    decisionDate: '2026-02-01',
    parties: [{ role: 'end_user', name: 'Mahan Airlines', aliases: [], country: 'IR', identifiers: [] }],
    items: [{ codes: [{ regime: 'uk', code: '9A001' }], description: 'Aero engines' }]
  })
  await syncAll([alpha, bravo])
  const found = await bravo.db.selectFrom('divergences').select(['id', 'kind', 'state']).orderBy('kind').execute()
  t.match(found, [{ kind: 'divergent-outcome', state: 'open' }, { kind: 'undercut', state: 'open' }], 'detection found both at bravo')
  const undercutId = found.find((d) => d.kind === 'undercut')?.id ?? ''

  const browser = await openBrowser(t)
  const page = await browser.page()
  await page.goto(`${bravo.url}/app/divergences`)
  await signIn(page, 'Arun Auditor')
  t.equal(await page.locator('h1').textContent(), 'Divergences')
  t.equal(await page.locator('nav[aria-label="Main"] a[aria-current="page"]').textContent(), 'Divergences', 'in the navigation, current')
  const rows = page.locator('table.results tbody tr')
  t.equal(await rows.count(), 2, 'both divergences listed')
  const counts = page.locator('table.counts')
  t.equal(await counts.locator('caption').textContent(), 'Divergences by kind and state, under the other filters')
  const countRow = (kind: string) => counts.locator('tbody tr', { has: page.locator(`th[scope="row"]:text-is("${kind}")`) }).locator('td')
  t.equal(await countRow('Undercut').nth(0).textContent(), '1 (Undercut, Open)', 'one undercut open (its link says which)')
  t.equal(await countRow('Divergent outcome').nth(0).textContent(), '1 (Divergent outcome, Open)')
  t.equal(await countRow('Total').last().textContent(), '2 (Any kind, Any state)')
  t.equal(await countRow('Conflicting classification').last().textContent(), '0')
  await browser.check(t, 'divergence queue')

  // the printable report, from the queue: every divergence listed and linked, categories named, times in the agency's zone
  await page.getByRole('link', { name: /^The divergence report/ }).click()
  await page.waitForURL(/\/app\/reports\/divergences$/)
  t.equal(await page.locator('h1').textContent(), 'Divergence report')
  const listed = page.locator('section[aria-labelledby="h-list"] tbody tr')
  t.equal(await listed.count(), 2, 'both divergences listed')
  t.ok((await listed.locator('a').evaluateAll((links) => links.map((a) => a.getAttribute('href')))).every((h) => /^\/app\/divergences\/[0-9a-f-]{36}$/.test(h ?? '')), 'each linking to its page')
  t.match(await page.locator('#fig-categories table').textContent() ?? '', /3: Electronics/, 'categories named')
  t.match(await page.locator('.meta').textContent() ?? '', / UTC\./, 'the time in the agency\'s zone, not ISO')
  await browser.check(t, 'divergence report')
  await page.goBack()

  // filtered by kind in the GET form: one row; the counts keep every kind
  await page.getByLabel('Kind').selectOption('undercut')
  await page.getByLabel('Destination').fill('RU')
  await page.getByRole('button', { name: 'Filter' }).click()
  await page.waitForURL(/kind=undercut/)
  t.equal(await rows.count(), 1, 'only the undercut')
  t.match(await rows.first().textContent() ?? '', /Undercut\s*High\s*Open\s*web-div-alpha denied, web-div-bravo granted\s*RU\s*3/)
  t.equal(await countRow('Divergent outcome').nth(0).textContent(), '0', 'the divergent outcome is for IR: not under this destination')
  t.equal(await page.getByLabel('Kind').inputValue(), 'undercut', 'the filter is kept')
  await browser.check(t, 'divergence queue, filtered')
  const filtered = page.url()

  // a filter in error: the form again, an error summary linking to the field
  const bad = await page.goto(`${bravo.url}/app/divergences?destination=Russia&state=open`)
  t.equal(bad?.status(), 400)
  t.equal(await page.locator('.error-summary a').textContent(), 'Destination: enter a value of the expected form')
  t.equal(await page.locator('.error-summary a').getAttribute('href'), '#destination')
  t.equal(await page.locator('#destination').inputValue(), 'Russia', 'what was typed is kept')
  t.equal(await page.locator('#state').inputValue(), 'open')
  await browser.check(t, 'divergence queue, an error')

  // the undercut: both records side by side, why, who signed each, its history
  await page.goto(filtered)
  await rows.first().getByRole('link').click()
  t.equal(new URL(page.url()).pathname, `/app/divergences/${undercutId}`)
  t.equal(await page.locator('h1').textContent(), 'Undercut: ALPHA-D-1 and BRAVO-G-1')
  const sides = page.locator('table.side-by-side')
  t.same(await sides.locator('thead th').allTextContents(), ['The denial', 'The grant'])
  const aspect = (name: string) => sides.locator('tbody tr', { has: page.locator(`th[scope="row"]:text-is("${name}")`) }).locator('td')
  t.same(await aspect('Agency').allTextContents(), ['web-div-alpha', 'web-div-bravo (ours)'])
  t.equal(await aspect('Reference').nth(0).getByRole('link').getAttribute('href'), `/app/decisions/web-div-alpha/${denial.record.id}`)
  t.equal(await aspect('Reference').nth(1).getByRole('link').getAttribute('href'), `/app/decisions/web-div-bravo/${grant.record.id}`)
  t.same(await aspect('Outcome').allTextContents(), ['Denied', 'Granted'])
  t.same(await aspect('Destination').allTextContents(), ['RU', 'RU'])
  t.same(await aspect('Decided').allTextContents(), ['15 January 2026', '1 March 2026'])
  t.match(await aspect('Parties').nth(0).textContent() ?? '', 'GAZPROMBANK OAO (end user, RU)')
  t.match(await aspect('Parties').nth(1).textContent() ?? '', 'Gazprom Bank (end user, RU)')
  t.match(await aspect('Items').nth(0).textContent() ?? '', 'uk 3A001.a.1')
  t.match(await aspect('Items').nth(1).textContent() ?? '', 'wassenaar 3.A.1.a.1')
  t.same(await aspect('Status').allTextContents(), ['In force', 'In force'])
  t.match(await aspect('Signature').nth(0).textContent() ?? '', /^Signed by web-div-alpha with key \S+; the signature and the feed's hash chain were verified when it reached us, \d+ \w+ 2026\D+\d\d:\d\d UTC\.$/)
  t.match(await aspect('Signature').nth(1).textContent() ?? '', /^Signed by us with key \S+\.$/)
  t.match(await page.locator('p.explanation').textContent() ?? '', /^web-div-bravo granted BRAVO-G-1 on 2026-03-01 to "Gazprom Bank".*within web-div-alpha's denial ALPHA-D-1/, 'the stored explanation')
  const evidence = page.locator('h2#why ~ dl.summary').first()
  t.match(await evidence.textContent() ?? '', /Names"Gazprom Bank" matches "GAZPROMBANK OAO": score \d\.\d\d \(the same party from \d\.\d\d\)/, 'the names matched, with the score')
  t.match(await evidence.textContent() ?? '', /DestinationThe same: RU/)
  t.match(await evidence.textContent() ?? '', /The grant cites no consultation/)
  t.match(await page.locator('pre.evidence').textContent() ?? '', /"threshold"/, 'the evidence as stored, for whoever wants all of it')
  const history = page.locator('h2#history + table tbody tr')
  t.equal(await history.count(), 1, 'detected, once')
  t.match(await history.first().textContent() ?? '', /UTCsystemDetectedOpen/)
  await browser.check(t, 'an undercut')

  // moving it: without a choice or reason, then without a reason, then done
  const move = page.getByRole('button', { name: 'Move the divergence' })
  await move.click()
  t.match(await page.title(), /^Error: /)
  t.same(await page.locator('.error-summary a').allTextContents(), ['New state: choose one of Acknowledged, Resolved', 'Reason: enter a value'])
  t.same(await page.locator('.error-summary a').evaluateAll((links) => links.map((a) => a.getAttribute('href'))), ['#state', '#reason'])
  t.equal(await page.locator('#state .field-error').textContent(), 'New state: choose one of Acknowledged, Resolved', 'beside the field too')
  await page.getByLabel('Acknowledged: being looked into').check()
  await move.click()
  t.same(await page.locator('.error-summary a').allTextContents(), ['Reason: enter a value'])
  t.ok(await page.getByLabel('Acknowledged: being looked into').isChecked(), 'the choice is kept')
  await browser.check(t, 'an undercut, transition error')
  t.equal(await bravo.db.selectFrom('divergence_transitions').select('seq').where('divergence_id', '=', undercutId).execute().then((r) => r.length), 1, 'nothing stored')
  const reason = 'Asked bravo\'s licensing unit for the file: the grant predates our receipt of the denial'
  await page.getByLabel('Reason').fill(reason)
  await move.click()
  await page.waitForURL(/moved=acknowledged/)
  t.equal(await page.locator('.notice').textContent(), 'The divergence was moved to Acknowledged.')
  t.equal(await history.count(), 2)
  t.match(await history.last().textContent() ?? '', `dev-auditorOpenAcknowledged${reason}`)
  t.same(await page.locator('#state input[type="radio"]').evaluateAll((radios) => radios.map((r) => (r as HTMLInputElement).value)), ['justified', 'dismissed', 'escalated', 'resolved'], 'the next states from here')
  await browser.check(t, 'an undercut, acknowledged')
  const stored = await bravo.db.selectFrom('divergence_transitions').selectAll().where('divergence_id', '=', undercutId).orderBy('seq').execute()
  t.match(stored, [{ seq: 1, from_state: null, to_state: 'open', actor: 'system' }, { seq: 2, from_state: 'open', to_state: 'acknowledged', actor: 'dev-auditor', reason }], 'stored')
  t.match(await bravo.db.selectFrom('divergences').select('state').where('id', '=', undercutId).executeTakeFirst(), { state: 'acknowledged' })
  t.match(await bravo.db.selectFrom('audit_events').select(['actor', 'subject_id']).where('action', '=', 'divergence-transition').execute(), [{ actor: 'dev-auditor', subject_id: undercutId }], 'audited')

  // the queue by state; by agency and the days detected (UTC days, both included)
  await page.goto(`${bravo.url}/app/divergences?state=acknowledged`)
  t.equal(await rows.count(), 1)
  t.match(await rows.first().textContent() ?? '', /Acknowledged/)
  const today = new Date().toISOString().slice(0, 10)
  const yesterday = new Date(Date.now() - 86_400_000).toISOString().slice(0, 10)
  await page.goto(`${bravo.url}/app/divergences?agency=web-div-alpha&from=${today}&to=${today}`)
  t.equal(await rows.count(), 2, 'both name alpha, both detected today')
  await page.goto(`${bravo.url}/app/divergences?to=${yesterday}`)
  t.equal(await page.locator('p[role="status"]').textContent(), 'No divergence matches these filters.')
  t.equal(await countRow('Total').last().textContent(), '0', 'none counted either')

  // an officer reads it, with no form, and may not move it
  await page.getByRole('button', { name: 'Sign out' }).click()
  await page.getByRole('button', { name: 'Sign out' }).click()
  await page.waitForURL(/signed-out$/)
  await signIn(page, 'Olivia Officer')
  await page.goto(`${bravo.url}/app/divergences/${undercutId}`)
  t.equal(await page.locator('h1').textContent(), 'Undercut: ALPHA-D-1 and BRAVO-G-1')
  t.equal(await page.locator('form[action$="/transitions"]').count(), 0, 'officers read, auditors move')
  const csrf = await page.locator('input[name="_csrf"]').first().inputValue()
  const refused = await page.request.post(`${bravo.url}/app/divergences/${undercutId}/transitions`, { form: { _csrf: csrf, state: 'resolved', reason: 'an officer tries' } })
  t.equal(refused.status(), 403)
  t.equal(await bravo.db.selectFrom('divergence_transitions').select('seq').where('divergence_id', '=', undercutId).execute().then((r) => r.length), 2, 'nothing stored')

  // an administrator may not read divergences here
  await page.getByRole('button', { name: 'Sign out' }).click()
  await page.getByRole('button', { name: 'Sign out' }).click()
  await page.waitForURL(/signed-out$/)
  await signIn(page, 'Ada Administrator')
  const forbidden = await page.goto(`${bravo.url}/app/divergences/${undercutId}`)
  t.equal(forbidden?.status(), 403)
  t.equal(await page.locator('h1').textContent(), 'You cannot see this page')
  t.equal(await page.locator('nav[aria-label="Main"] a', { hasText: 'Divergences' }).count(), 0, 'nor is it in their navigation')
  await browser.check(t, 'divergences forbidden')
  browser.noProblems(t, [/status of (400|403)/])
})
