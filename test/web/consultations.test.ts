import t from 'tap'
import type { TestAgency } from '../helpers/agency.js'
import { openBrowser, signIn } from '../helpers/browser.js'
import { publishDecision, startFederation, syncAll } from '../helpers/federation.js'
import { until } from '../helpers/until.js'

// Two agencies, each officer in their own browser. Alpha denied Mahan Air engines for Iran
// and Газпромбанк (Gazprombank) circuits for Russia; bravo, minded to grant both, asks alpha
// first (two consultations, through the JSON API). At alpha: the start page and the list show
// them (one past its deadline), filtered, in error, paged; one is opened and replied to (no
// answer chosen first: the error), asking for more information; the reply is stored and
// reaches bravo. At bravo: the reply on the consultation's page, the information sent (an
// error first) and delivered, the other consultation withdrawn (an error first) and
// delivered. A reply to a withdrawn consultation is refused; an auditor reads with no form
// and may not post; an administrator may not read.
// Names: Mahan Air (OFAC SDN, "Mahan Airlines" its alias); Gazprombank (OFAC SDN, "GAZPROMBANK OAO").

const escaped = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
const dateOf = (isoDate: string) => new Intl.DateTimeFormat('en-GB', { dateStyle: 'long', timeZone: 'UTC' }).format(new Date(`${isoDate}T00:00:00Z`))

t.test('consultations asked of us and by us: the list, a consultation, reply, information, withdrawal', async (t) => {
  const [alpha, bravo] = await startFederation(t, ['web-cons-alpha', 'web-cons-bravo']) as [TestAgency, TestAgency]
  const engines = await publishDecision(alpha, {
    reference: 'ALPHA-D-7',
    outcome: 'denied',
    destination: 'IR',
    parties: [{ role: 'end_user', name: 'Mahan Air', aliases: ['Mahan Airlines'], country: 'IR', identifiers: [] }],
    items: [{ codes: [{ regime: 'uk', code: '9A001' }], description: 'Aero gas turbine engines' }]
  })
  const circuits = await publishDecision(alpha, {
    reference: 'ALPHA-D-8',
    outcome: 'denied',
    destination: 'RU',
    parties: [{ role: 'end_user', name: 'Газпромбанк', aliases: [], country: 'RU', identifiers: [{ scheme: 'registration', value: '1027700167110' }] }],
    items: [{ codes: [{ regime: 'uk', code: '3A001.a.1' }], description: 'Radiation hardened integrated circuits' }]
  })
  await syncAll([alpha, bravo])

  // bravo's officer asks alpha twice, through the JSON API
  const ask = async (recordId: string, question: string, proposed: Record<string, unknown>) => {
    const res = await bravo.app.inject({
      method: 'POST',
      url: '/v1/consultations',
      headers: { authorization: await bravo.auth('officer') },
      payload: { denial: { issuer: alpha.id, recordId }, proposed, question }
    })
    t.equal(res.statusCode, 201, res.body)
    return (res.json() as { id: string }).id
  }
  const question = 'Is the engine model the one you denied?\nOurs are spares for civil airliners under a maintenance contract.'
  const aboutEngines = await ask(engines.record.id, question, {
    destination: 'IR',
    endUse: 'Maintenance of civil airliners',
    parties: [{ role: 'end_user', name: 'Mahan Air', aliases: ['Mahan Airlines'], country: 'IR', identifiers: [] }],
    items: [{ codes: [{ regime: 'uk', code: '9A001' }], description: 'Turbofan engine spares', manufacturer: 'CFM International', partNumber: 'CFM56-7B', quantity: 4 }]
  })
  const aboutCircuits = await ask(circuits.record.id, 'Does your denial cover commercial-grade parts?', {
    destination: 'RU',
    parties: [{ role: 'end_user', name: 'Газпромбанк', aliases: [], country: 'RU', identifiers: [{ scheme: 'registration', value: '1027700167110' }] }],
    items: [{ codes: [{ regime: 'uk', code: '3A001.a.1' }], description: 'Integrated circuits' }]
  })
  const incomingAtAlpha = () => alpha.db.selectFrom('consultations').selectAll().where('direction', '=', 'incoming').orderBy('requested_at').execute()
  await until(async () => (await incomingAtAlpha()).length === 2)
  const [held] = await incomingAtAlpha()
  t.match(held, { id: aboutEngines, requester: bravo.id, consulted: alpha.id, state: 'requested', question })
  // the circuits consultation is past its deadline at alpha (as if asked weeks ago): the flag shows it
  const lateBy3 = new Date(Date.now() - 3 * 86_400_000).toISOString().slice(0, 10)
  await alpha.db.updateTable('consultations').set({ deadline: lateBy3 }).where('id', '=', aboutCircuits).execute()

  // alpha's officer: the start page lists both, each linking to its page
  const atAlpha = await openBrowser(t)
  const page = await atAlpha.page()
  await page.goto(`${alpha.url}/app`)
  await signIn(page, 'Olivia Officer')
  const awaiting = page.locator('section[aria-labelledby="consultations"] tbody tr')
  t.equal(await awaiting.count(), 2, 'both await our answer')
  const startRow = (reference: string) => page.locator('section[aria-labelledby="consultations"] tbody tr', { hasText: reference })
  t.equal(await startRow('ALPHA-D-7').getByRole('link', { name: `${bravo.id} about ALPHA-D-7` }).getAttribute('href'), `/app/consultations/${aboutEngines}`)
  t.equal(await startRow('ALPHA-D-8').getByRole('link', { name: `${bravo.id} about ALPHA-D-8` }).getAttribute('href'), `/app/consultations/${aboutCircuits}`)
  t.match(await startRow('ALPHA-D-8').locator('td').last().textContent() ?? '', `${dateOf(lateBy3)} 3 days overdue`)
  await atAlpha.check(t, 'consultations on the start page')

  // the list: both, newest first, from the navigation
  await page.locator('nav[aria-label="Main"]').getByRole('link', { name: 'Consultations' }).click()
  t.equal(await page.locator('h1').textContent(), 'Consultations')
  t.equal(await page.locator('nav[aria-label="Main"] a[aria-current="page"]').textContent(), 'Consultations', 'in the navigation, current')
  const rows = page.locator('table.results tbody tr')
  t.equal(await rows.count(), 2)
  t.equal(await page.locator('table.results caption').textContent(), '2 consultations on this page, newest first')
  const engineRow = rows.filter({ hasText: 'ALPHA-D-7' })
  const cells = await engineRow.locator('td').allTextContents()
  t.equal(cells[0], `Asked of us by ${bravo.id} about ALPHA-D-7`)
  t.equal(cells[1], `${alpha.id} ALPHA-D-7`)
  t.match(cells[2], /^\d+ \w+ \d{4} at \d\d:\d\d UTC$/, 'asked, in the agency\'s zone')
  t.equal(cells[3], 'Awaiting our reply')
  t.equal(cells[4]?.trim(), dateOf(held?.deadline ?? ''), 'not overdue: the date alone')
  t.equal(await engineRow.getByRole('link', { name: `${alpha.id} ALPHA-D-7` }).getAttribute('href'), `/app/decisions/${alpha.id}/${engines.record.id}`)
  t.match(await rows.filter({ hasText: 'ALPHA-D-8' }).locator('td').last().textContent() ?? '', '3 days overdue')
  await atAlpha.check(t, 'consultations list')

  // filtered: overdue only; asked by us (none); a filter in error; paged by the cursor
  await page.getByLabel('Deadline').selectOption('true')
  await page.getByRole('button', { name: 'Filter' }).click()
  await page.waitForURL(/overdue=true/)
  t.equal(await rows.count(), 1)
  t.match(await rows.first().textContent() ?? '', 'ALPHA-D-8')
  t.equal(await page.getByLabel('Deadline').inputValue(), 'true', 'the filter is kept')
  await page.goto(`${alpha.url}/app/consultations?direction=outgoing`)
  t.equal(await page.locator('p[role="status"]').textContent(), 'No consultation matches these filters.')
  const bad = await page.goto(`${alpha.url}/app/consultations?peer=Bravo%20Agency&state=requested`)
  t.equal(bad?.status(), 400)
  t.equal(await page.locator('.error-summary a').textContent(), 'Agency: enter a value of the expected form')
  t.equal(await page.locator('.error-summary a').getAttribute('href'), '#peer')
  t.equal(await page.locator('#peer').inputValue(), 'Bravo Agency', 'what was typed is kept')
  t.equal(await page.locator('#state').inputValue(), 'requested')
  await atAlpha.check(t, 'consultations list, an error')
  await page.goto(`${alpha.url}/app/consultations?limit=1`)
  t.equal(await rows.count(), 1)
  t.match(await rows.first().textContent() ?? '', 'ALPHA-D-8', 'the newest first')
  await page.getByRole('link', { name: 'Next page' }).click()
  t.equal(await rows.count(), 1)
  t.match(await rows.first().textContent() ?? '', 'ALPHA-D-7', 'then the next')
  t.equal(await page.getByRole('link', { name: 'Next page' }).count(), 0, 'and no more')

  // the consultation: what is asked, the proposed transaction, the request
  await rows.first().getByRole('link', { name: /^Asked of us by/ }).click()
  t.equal(new URL(page.url()).pathname, `/app/consultations/${aboutEngines}`)
  t.equal(await page.locator('h1').textContent(), 'Consultation about ALPHA-D-7')
  t.equal(await page.locator('.caption').textContent(), `Asked of us by ${bravo.id}`)
  const summary = await page.locator('dl.summary').first().textContent() ?? ''
  t.match(summary, `AskedOf us, by an allyAgency${bravo.id}The denial${alpha.id} ALPHA-D-7StateAwaiting our replyAnswer due by${dateOf(held?.deadline ?? '')}`)
  t.match(summary, /Regimeuk/)
  t.match(summary, /Requested\d+ \w+ \d{4} at \d\d:\d\d UTC$/, 'asked, in the agency\'s zone (by an officer of theirs)')
  t.equal(await page.locator('p.message-text').textContent(), question, 'the question, as written')
  t.match(await page.locator('h2#proposed ~ dl.summary').first().textContent() ?? '', 'DestinationIREnd useMaintenance of civil airliners')
  t.match(await page.locator('table', { has: page.locator('caption:text-is("Parties to the proposed transaction")') }).locator('tbody').textContent() ?? '', 'end userMahan AirAlso known as: Mahan Airlinesas writtenIR')
  t.match(await page.locator('table', { has: page.locator('caption:text-is("Items of the proposed transaction")') }).locator('tbody').textContent() ?? '', 'Turbofan engine sparesCFM International, CFM56-7Buk 9A0014')
  const messages = page.locator('h2#messages + table tbody tr')
  t.equal(await messages.count(), 1)
  t.match(await messages.first().textContent() ?? '', new RegExp(`^1Request${bravo.id} to ${alpha.id}.*UTCIs the engine model.*Received .*UTC$`, 's'))
  await atAlpha.check(t, 'a consultation asked of us')

  // replying: the text without an answer is refused, on its field; nothing stored
  const send = page.getByRole('button', { name: 'Send the reply' })
  const reasons = 'Not the same model: we denied complete engines, not spares. Please send the part list and the airframes they are for.'
  await page.getByLabel('Reasons, or the information you need').fill(reasons)
  await send.click()
  t.match(await page.title(), /^Error: /)
  t.same(await page.locator('.error-summary a').allTextContents(), ['Your answer: choose no objection, objection or more information needed'])
  t.equal(await page.locator('.error-summary a').getAttribute('href'), '#answer')
  t.equal(await page.locator('#answer .field-error').textContent(), 'Your answer: choose no objection, objection or more information needed', 'beside the field too')
  t.equal(await page.getByLabel('Reasons, or the information you need').inputValue(), reasons, 'what was typed is kept')
  await atAlpha.check(t, 'a consultation, reply error')
  const messagesAt = (agency: TestAgency, id: string) => agency.db.selectFrom('consultation_messages').selectAll().where('consultation_id', '=', id).orderBy('position').execute()
  t.equal((await messagesAt(alpha, aboutEngines)).length, 1, 'nothing stored')

  // the reply, asking for more information: stored, delivered, shown
  await page.getByLabel('More information needed before we answer').check()
  await send.click()
  await page.waitForURL(/\?sent=reply#messages$/)
  t.equal(await page.locator('.notice').textContent(), `Your reply was signed and delivered to ${bravo.id}.`)
  t.equal(await messages.count(), 2)
  t.match(await messages.last().textContent() ?? '', new RegExp(`^2Reply${alpha.id} to ${bravo.id}.*UTCMore information needed${escaped(reasons)}Delivered$`, 's'))
  t.match(await page.locator('#state').textContent() ?? '', 'We asked them for more information')
  t.equal(await page.locator('form[action$="/replies"]').count(), 0, 'no second reply')
  await atAlpha.check(t, 'a consultation, replied')
  t.match(await alpha.db.selectFrom('consultations').select(['state', 'answered_at']).where('id', '=', aboutEngines).executeTakeFirst(), { state: 'more-information', answered_at: Date })
  t.match(await messagesAt(alpha, aboutEngines), [{ kind: 'request' }, { kind: 'reply', sender: alpha.id, receiver: bravo.id, answer: 'more-information', delivery: 'delivered' }])
  t.match(await alpha.db.selectFrom('audit_events').select(['actor', 'detail']).where('action', '=', 'consultation-message-sent').execute(), [{ actor: 'dev-officer', detail: { kind: 'reply', answer: 'more-information' } }], 'audited')
  await until(async () => (await bravo.db.selectFrom('consultations').select('state').where('id', '=', aboutEngines).executeTakeFirst())?.state === 'more-information')
  t.match(await messagesAt(bravo, aboutEngines), [{ kind: 'request' }, { kind: 'reply', sender: alpha.id, answer: 'more-information', delivery: 'received' }], 'the reply reached bravo')

  // bravo's officer, in another browser: the reply on the consultation's page
  const atBravo = await openBrowser(t)
  const other = await atBravo.page()
  await other.goto(`${bravo.url}/app/consultations?direction=outgoing`)
  await signIn(other, 'Olivia Officer')
  const bravoRows = other.locator('table.results tbody tr')
  t.equal(await bravoRows.count(), 2)
  t.same((await bravoRows.locator('td:nth-child(4)').allTextContents()).sort(), ['Awaiting their reply', 'They ask us for more information'])
  await atBravo.check(t, 'consultations asked by us')
  await bravoRows.filter({ hasText: 'ALPHA-D-7' }).getByRole('link', { name: new RegExp(`^Asked by us of ${alpha.id}`) }).click()
  t.equal(await other.locator('h1').textContent(), 'Consultation about ALPHA-D-7')
  t.equal(await other.locator('.caption').textContent(), `Asked by us of ${alpha.id}`)
  t.match(await other.locator('dl.summary').first().textContent() ?? '', /Requested\d+ \w+ \d{4} at \d\d:\d\d UTC, by user-officer/, 'who asked')
  const bravoMessages = other.locator('h2#messages + table tbody tr')
  t.match(await bravoMessages.first().textContent() ?? '', /^1Request.*Delivered$/s, 'our request, delivered')
  t.match(await bravoMessages.last().textContent() ?? '', new RegExp(`^2Reply${alpha.id} to ${bravo.id}.*More information needed${escaped(reasons)}Received .*UTC$`, 's'), 'their reply, received')
  t.match(await other.locator('#state').textContent() ?? '', 'They ask us for more information')
  await atBravo.check(t, 'a consultation asked by us, more information asked for')

  // the information: needed, then sent and delivered; the consultation awaits their reply again
  const inform = other.getByRole('button', { name: 'Send the information' })
  await inform.click()
  t.same(await other.locator('.error-summary a').allTextContents(), ['The information: enter a value'])
  t.equal(await other.locator('.error-summary a').getAttribute('href'), '#information')
  const information = 'Part list: 4 x CFM56-7B fan blades sets, for the airline\'s Boeing 737-800 fleet (registrations EP-MMA to EP-MMD).'
  await other.getByLabel('The information', { exact: true }).fill(information)
  await inform.click()
  await other.waitForURL(/\?sent=information#messages$/)
  t.equal(await other.locator('.notice').textContent(), `The information was signed and delivered to ${alpha.id}.`)
  t.match(await bravoMessages.last().textContent() ?? '', new RegExp(`^3Information${bravo.id} to ${alpha.id}.*UTC${escaped(information)}Delivered$`, 's'))
  t.match(await other.locator('#state').textContent() ?? '', 'Awaiting their reply')
  t.equal(await other.locator('form[action$="/information"]').count(), 0, 'nothing more asked for')
  await atBravo.check(t, 'a consultation asked by us, information sent')
  t.match(await bravo.db.selectFrom('consultations').select('state').where('id', '=', aboutEngines).executeTakeFirst(), { state: 'requested' })
  t.match((await messagesAt(bravo, aboutEngines)).at(-1), { kind: 'information', sender: bravo.id, delivery: 'delivered' })
  await until(async () => (await messagesAt(alpha, aboutEngines)).length === 3)
  t.match(await alpha.db.selectFrom('consultations').select('state').where('id', '=', aboutEngines).executeTakeFirst(), { state: 'requested' }, 'alpha awaits its own reply again')

  // the other consultation withdrawn: a reason is needed; then withdrawn and delivered
  await other.goto(`${bravo.url}/app/consultations/${aboutCircuits}`)
  t.equal(await other.locator('h1').textContent(), 'Consultation about ALPHA-D-8')
  t.match(await other.locator('table', { has: other.locator('caption:text-is("Parties to the proposed transaction")') }).locator('tbody').textContent() ?? '', 'end userГазпромбанкGazprombankRUregistration: 1027700167110', 'the name as written, its Latin spelling beside')
  const withdraw = other.getByRole('button', { name: 'Withdraw the consultation' })
  await withdraw.click()
  t.same(await other.locator('.error-summary a').allTextContents(), ['Why: enter a value'])
  t.equal(await other.locator('.error-summary a').getAttribute('href'), '#reason')
  await atBravo.check(t, 'a consultation, withdrawal error')
  await other.getByLabel('Why', { exact: true }).fill('The applicant withdrew its application.')
  await withdraw.click()
  await other.waitForURL(/\?sent=withdrawal#messages$/)
  t.equal(await other.locator('.notice').textContent(), `The withdrawal was signed and delivered to ${alpha.id}.`)
  t.match(await other.locator('#state').textContent() ?? '', 'Withdrawn by us')
  t.equal(await other.locator('main form').count(), 0, 'a withdrawn consultation takes no more messages')
  t.match(await bravoMessages.last().textContent() ?? '', /^2Withdrawal.*The applicant withdrew its application\.Delivered$/s)
  await atBravo.check(t, 'a consultation, withdrawn')
  t.match(await bravo.db.selectFrom('consultations').select('state').where('id', '=', aboutCircuits).executeTakeFirst(), { state: 'withdrawn' })
  await until(async () => (await alpha.db.selectFrom('consultations').select('state').where('id', '=', aboutCircuits).executeTakeFirst())?.state === 'withdrawn')
  t.match(await messagesAt(alpha, aboutCircuits), [{ kind: 'request' }, { kind: 'withdrawal', sender: bravo.id, delivery: 'received' }], 'the withdrawal reached alpha')

  // at alpha, the withdrawn one offers no reply, and a reply posted anyway is refused on its state
  await page.goto(`${alpha.url}/app/consultations?state=withdrawn`)
  t.equal(await rows.count(), 1)
  t.match(await rows.first().textContent() ?? '', /ALPHA-D-8.*Withdrawn by them/)
  await rows.first().getByRole('link', { name: /^Asked of us by/ }).click()
  t.equal(await page.locator('form[action$="/replies"]').count(), 0)
  const alphaCsrf = await page.locator('input[name="_csrf"]').first().inputValue()
  const late = await page.request.post(`${alpha.url}/app/consultations/${aboutCircuits}/replies`, { form: { _csrf: alphaCsrf, answer: 'objection', text: 'Too late' } })
  t.equal(late.status(), 409)
  t.match(await late.text(), 'State: this consultation is now &quot;Withdrawn by them&quot;: that message can no longer be sent')
  t.equal((await messagesAt(alpha, aboutCircuits)).length, 2, 'nothing stored')

  // an auditor at bravo reads with no form, and may not post one
  await other.getByRole('button', { name: 'Sign out' }).click()
  await other.getByRole('button', { name: 'Sign out' }).click()
  await other.waitForURL(/signed-out$/)
  await signIn(other, 'Arun Auditor')
  await other.goto(`${bravo.url}/app/consultations/${aboutEngines}`)
  t.equal(await other.locator('h1').textContent(), 'Consultation about ALPHA-D-7')
  t.equal(await other.locator('main form').count(), 0, 'officers act, auditors read')
  const csrf = await other.locator('input[name="_csrf"]').first().inputValue()
  const refused = await other.request.post(`${bravo.url}/app/consultations/${aboutEngines}/withdrawal`, { form: { _csrf: csrf, reason: 'an auditor tries' } })
  t.equal(refused.status(), 403)
  t.equal((await messagesAt(bravo, aboutEngines)).length, 3, 'nothing stored')

  // an administrator may not read consultations
  await other.getByRole('button', { name: 'Sign out' }).click()
  await other.getByRole('button', { name: 'Sign out' }).click()
  await other.waitForURL(/signed-out$/)
  await signIn(other, 'Ada Administrator')
  const forbidden = await other.goto(`${bravo.url}/app/consultations`)
  t.equal(forbidden?.status(), 403)
  t.equal(await other.locator('h1').textContent(), 'You cannot see this page')
  t.equal(await other.locator('nav[aria-label="Main"] a', { hasText: 'Consultations' }).count(), 0, 'nor is it in their navigation')
  await atBravo.check(t, 'consultations forbidden')
  atAlpha.noProblems(t, [/status of 400/])
  atBravo.noProblems(t, [/status of (400|403)/])
})
