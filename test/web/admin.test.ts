import t from 'tap'
import type { Page } from 'playwright-core'
import { startAgency, type TestAgency } from '../helpers/agency.js'
import { openBrowser, signIn } from '../helpers/browser.js'
import { enrolByUrl, publishDecision, startFederation, syncAll, syncRound } from '../helpers/federation.js'
import { startFaultyProxy } from '../helpers/faulty-proxy.js'
import { createFormats } from '../../src/lib/format-dates.js'

// An administrator at bravo in the browser: every peer's state and lag after a sync; a third
// agency enrolled through the form (first with errors), reached through a real proxy that
// then tampers with its feed, so that the real sync quarantines it; the quarantine's reason
// and evidence shown, and the peer resumed from the page; a peer disabled (a reason too long
// first) and re-enabled; our signing key rotated (unconfirmed first); the background jobs.
// After each action, what the page shows and what bravo stored. An officer is refused each page.

const FEDERATION_ENV = { SYNC_BACKOFF_BASE_MS: '1', SYNC_BACKOFF_CAP_MS: '2', PEER_JWKS_COOLDOWN_SECONDS: '0' }

/** The overview table's row of a peer, as its cells' texts. */
async function peerRow (page: Page, agencyId: string) {
  const row = page.locator(`table.peers tr#row-${agencyId}`)
  return { state: await row.locator('td').nth(0).textContent(), lag: await row.locator('td').nth(1).textContent(), synced: await row.locator('td').nth(2).textContent(), error: await row.locator('td').nth(3).textContent() }
}

async function auditActions (agency: TestAgency, subject: string) {
  return agency.db.selectFrom('audit_events').select(['actor', 'action', 'detail']).where('subject_type', '=', 'peer').where('subject_id', '=', subject).orderBy('seq').execute()
}

t.test('the administrators\' pages: peers, enrolment, quarantine and resume, keys, jobs', async (t) => {
  const [alpha, bravo] = await startFederation(t, ['adm-alpha', 'adm-bravo']) as [TestAgency, TestAgency]
  const formats = createFormats(bravo.config.web)
  await publishDecision(alpha, { reference: 'ALPHA-1' })
  await publishDecision(alpha, { reference: 'ALPHA-2' })
  await syncAll([alpha, bravo])

  const browser = await openBrowser(t)
  const page = await browser.page()
  await page.goto(`${bravo.url}/app/peers`)
  await signIn(page, 'Ada Administrator')
  t.equal(await page.locator('h1').textContent(), 'Peer agencies')
  t.equal(await page.locator('nav[aria-label="Main"] a[aria-current="page"]').textContent(), 'Administration', 'one navigation entry for the administrators\' pages')
  const alphaRow = await peerRow(page, 'adm-alpha')
  t.match(alphaRow, { state: 'Active', lag: 'Up to date: we hold its feed to entry 2', error: 'None' })
  const alphaSync = await bravo.db.selectFrom('peer_sync').select(['cursor_seq', 'head_seq', 'last_success_at']).where('agency_id', '=', 'adm-alpha').executeTakeFirstOrThrow()
  t.match(alphaSync, { cursor_seq: 2, head_seq: 2, last_success_at: Date }, 'stored: what the page shows')
  t.equal(alphaRow.synced, formats.dateTime(alphaSync.last_success_at ?? ''), 'when we last synced, in the agency\'s time zone')
  await browser.check(t, 'admin peers')

  // a third agency, reached through a real HTTP proxy that will tamper with its feed
  const charlie = await startAgency(t, 'adm-charlie', { listen: true, env: FEDERATION_ENV })
  await enrolByUrl(charlie, bravo)
  for (let i = 1; i <= 3; i++) await publishDecision(charlie, { reference: `CHARLIE-${i}` })
  const proxy = await startFaultyProxy(t, charlie.url)

  await page.getByRole('link', { name: 'Enrol a peer agency' }).click()
  t.equal(await page.locator('h1').textContent(), 'Enrol a peer agency')
  await browser.check(t, 'admin enrol a peer')
  await page.getByLabel('Agency id').fill('adm-charlie')
  await page.getByLabel('Name', { exact: true }).fill('Agency charlie')
  await page.getByLabel('Country').fill('France')
  await page.getByLabel('Address of its API').fill('ftp://charlie.example')
  await page.getByRole('button', { name: 'Enrol the agency' }).click()
  t.match(await page.title(), /^Error: Enrol a peer agency/)
  const summary = page.locator('.error-summary a')
  t.same(await summary.allTextContents(), [
    'Country: enter a value of the expected form',
    'Address of its API: enter a value of the expected form',
    'Key set URL: give the URL of its key set, or paste its public keys'
  ], 'each error once, in the order of the form')
  t.same(await summary.evaluateAll((links) => links.map((a) => a.getAttribute('href'))), ['#country', '#baseUrl', '#jwksUrl'], 'each linking to its field')
  t.equal(await page.locator('#country').getAttribute('aria-invalid'), 'true')
  t.equal(await page.getByLabel('Agency id').inputValue(), 'adm-charlie', 'what was typed is kept')
  t.equal((await bravo.db.selectFrom('peers').select('agency_id').where('agency_id', '=', 'adm-charlie').execute()).length, 0, 'nothing stored')
  await browser.check(t, 'admin enrol a peer, errors')

  await page.getByLabel('Country').fill('fr')
  await page.getByLabel('Address of its API').fill(proxy.url)
  await page.getByLabel('Key set URL').fill(`${charlie.url}/.well-known/jwks.json`)
  await page.getByRole('button', { name: 'Enrol the agency' }).click()
  await page.waitForURL(/\/app\/peers\?done=enrolled&peer=adm-charlie#peer-adm-charlie$/)
  t.equal(await page.locator('.notice').textContent(), 'adm-charlie was enrolled. Its feed is read from the next sync round.')
  t.same(await peerRow(page, 'adm-charlie'), { state: 'Active', lag: 'Not known yet: its feed has not been read', synced: 'Never', error: 'None' })
  const charlieKid = (await charlie.app.keyRing.current()).kid
  t.match(await page.locator('#peer-adm-charlie').textContent() ?? '', `Keys trusted${charlieKid}`, 'the keys fetched from its key set')
  const enrolled = await bravo.db.selectFrom('peers').selectAll().where('agency_id', '=', 'adm-charlie').executeTakeFirstOrThrow()
  t.match(enrolled, { name: 'Agency charlie', country: 'FR', base_url: proxy.url, jwks_url: `${charlie.url}/.well-known/jwks.json`, status: 'active' }, 'stored as typed, the country in capitals')
  t.same(enrolled.jwks.keys.map((k) => k.kid), [charlieKid])
  t.match(await auditActions(bravo, 'adm-charlie'), [{ actor: 'dev-admin', action: 'peer-enrolled' }], 'audited, by the administrator')

  t.match(await syncRound(bravo, 'adm-charlie'), { status: 'synced' })
  await page.reload()
  t.equal((await peerRow(page, 'adm-charlie')).lag, 'Up to date: we hold its feed to entry 3')

  // its feed is tampered with on the way: the real sync quarantines it
  await publishDecision(charlie, { reference: 'CHARLIE-4' })
  await publishDecision(charlie, { reference: 'CHARLIE-5' })
  proxy.fault = {
    rewrite: (feedPage) => {
      const entry = feedPage.entries[0] as { jws: string }
      const [h, p, s] = entry.jws.split('.') as [string, string, string]
      const body = JSON.parse(Buffer.from(p, 'base64url').toString())
      body.body.outcome = body.body.outcome === 'denied' ? 'granted' : 'denied'
      entry.jws = `${h}.${Buffer.from(JSON.stringify(body)).toString('base64url')}.${s}`
      return feedPage
    }
  }
  t.match(await syncRound(bravo, 'adm-charlie'), { status: 'quarantined', code: 'BAD_SIGNATURE' })
  await page.goto(`${bravo.url}/app/peers`)
  const quarantined = await peerRow(page, 'adm-charlie')
  t.equal(quarantined.state, 'Quarantined')
  t.equal(quarantined.lag, '2 entries behind: we hold entry 3 of 5', 'how far behind its signed head we are')
  t.match(quarantined.error, /^BAD_SIGNATURE: /)
  const section = page.locator('#peer-adm-charlie')
  t.match(await section.locator('.warning-panel').textContent() ?? '', /^Quarantined: BAD_SIGNATURE: .*Nothing more is taken from it until you resume it/)
  await section.locator('summary', { hasText: 'The evidence kept' }).click()
  t.match(await section.locator('pre.evidence').textContent() ?? '', /"seq": 4/, 'the offending entry, as received')
  t.match(await bravo.db.selectFrom('peers').select(['status', 'status_reason']).where('agency_id', '=', 'adm-charlie').executeTakeFirstOrThrow(), { status: 'quarantined', status_reason: /^BAD_SIGNATURE: / })
  t.equal(await section.getByRole('button', { name: 'Re-enable adm-charlie' }).count(), 0, 'a quarantine is lifted by resuming, not re-enabling')
  await browser.check(t, 'admin peers, a quarantine')

  proxy.fault = 'pass'
  await section.getByRole('button', { name: 'Resume syncing adm-charlie' }).click()
  await page.waitForURL(/done=resumed/)
  t.equal(await page.locator('.notice').textContent(), 'Syncing adm-charlie was resumed: the next round starts now.')
  t.equal((await peerRow(page, 'adm-charlie')).state, 'Active')
  t.match(await bravo.db.selectFrom('peer_sync').select(['quarantine_evidence', 'attempts']).where('agency_id', '=', 'adm-charlie').executeTakeFirstOrThrow(), { quarantine_evidence: null, attempts: 0 })
  t.match((await auditActions(bravo, 'adm-charlie')).at(-1), { actor: 'dev-admin', action: 'peer-resumed', detail: { previous: 'quarantined' } })
  t.match(await syncRound(bravo, 'adm-charlie'), { status: 'synced', result: { cursor: 5 } }, 'the next round takes what was refused, untampered')
  await page.reload()
  t.equal((await peerRow(page, 'adm-charlie')).lag, 'Up to date: we hold its feed to entry 5')

  // disable a peer: a reason too long first, on its field; then re-enable it
  const alphaSection = page.locator('#peer-adm-alpha')
  await alphaSection.getByLabel('Reason').fill('x'.repeat(2001))
  await alphaSection.getByRole('button', { name: 'Disable adm-alpha' }).click()
  t.match(await page.title(), /^Error: Peer agencies/)
  t.equal(await page.locator('.error-summary a').textContent(), 'Reason: enter at most 2000 characters')
  t.equal(await page.locator('.error-summary a').getAttribute('href'), '#disable-reason-adm-alpha')
  t.equal((await bravo.db.selectFrom('peers').select('status').where('agency_id', '=', 'adm-alpha').executeTakeFirstOrThrow()).status, 'active', 'nothing stored')
  await browser.check(t, 'admin peers, an error')
  await page.locator('#disable-reason-adm-alpha').fill('Their key ceremony: paused at their request')
  await page.locator('#peer-adm-alpha').getByRole('button', { name: 'Disable adm-alpha' }).click()
  await page.waitForURL(/done=disabled/)
  t.equal(await page.locator('.notice').textContent(), 'adm-alpha was disabled.')
  t.equal((await peerRow(page, 'adm-alpha')).state, 'Disabled')
  t.match(await page.locator('#peer-adm-alpha').textContent() ?? '', 'Reason givenTheir key ceremony: paused at their request')
  t.match(await bravo.db.selectFrom('peers').select(['status', 'status_reason']).where('agency_id', '=', 'adm-alpha').executeTakeFirstOrThrow(), { status: 'disabled', status_reason: 'Their key ceremony: paused at their request' })
  t.equal(await syncRound(bravo, 'adm-alpha'), undefined, 'a disabled peer is not synced')
  await page.locator('#enable-reason-adm-alpha').fill('Ceremony done')
  await page.locator('#peer-adm-alpha').getByRole('button', { name: 'Re-enable adm-alpha' }).click()
  await page.waitForURL(/done=enabled/)
  t.equal(await page.locator('.notice').textContent(), 'adm-alpha was re-enabled.')
  t.equal((await peerRow(page, 'adm-alpha')).state, 'Active')
  t.match(await bravo.db.selectFrom('peers').select(['status', 'status_reason']).where('agency_id', '=', 'adm-alpha').executeTakeFirstOrThrow(), { status: 'active', status_reason: 'Ceremony done' })
  t.match((await auditActions(bravo, 'adm-alpha')).slice(-2), [
    { actor: 'dev-admin', action: 'peer-status-changed', detail: { status: 'disabled', reason: 'Their key ceremony: paused at their request' } },
    { actor: 'dev-admin', action: 'peer-status-changed', detail: { status: 'active', reason: 'Ceremony done' } }
  ])

  // our signing keys: a rotation asks to be confirmed, then the new key is listed as current
  await page.locator('nav[aria-label="Administration"]').getByRole('link', { name: 'Signing keys' }).click()
  t.equal(await page.locator('h1').textContent(), 'Signing keys')
  const before = (await bravo.app.keyRing.current()).kid
  t.equal(await page.locator('table.keys tbody tr').count(), 1)
  t.match(await page.locator('table.keys tbody tr').first().textContent() ?? '', `${before}EdDSA, Ed25519Current: signs from now on`)
  await browser.check(t, 'admin keys')
  await page.getByRole('button', { name: 'Rotate the signing key' }).click()
  t.equal(await page.locator('.error-summary a').textContent(), 'Confirm that you want to rotate the signing key')
  t.equal(await page.locator('.error-summary a').getAttribute('href'), '#confirm')
  t.equal((await bravo.db.selectFrom('signing_keys').select('kid').execute()).length, 1, 'nothing rotated')
  await browser.check(t, 'admin keys, not confirmed')
  await page.getByLabel('I understand: from now on everything we sign is signed with a new key').check()
  await page.getByRole('button', { name: 'Rotate the signing key' }).click()
  await page.waitForURL(/\/app\/keys\?rotated=1$/)
  t.match(await page.locator('.notice').textContent() ?? '', /^A new signing key was made/)
  const keys = await bravo.db.selectFrom('signing_keys').select(['kid', 'status', 'retired_at']).orderBy('created_at', 'desc').execute()
  t.equal(keys.length, 2)
  t.match(keys, [{ status: 'current', retired_at: null }, { kid: before, status: 'retired', retired_at: Date }], 'stored: a new current key, the old one retired')
  const rows = page.locator('table.keys tbody tr')
  t.match(await rows.nth(0).textContent() ?? '', `${keys[0]?.kid ?? '?'}EdDSA, Ed25519Current`, 'the new key listed, current')
  t.match(await rows.nth(1).textContent() ?? '', `${before}EdDSA, Ed25519Retired`, 'the old one retired, with its date')
  t.not(await rows.nth(1).locator('td').last().textContent(), '', 'when it was retired')
  const jwks = await (await fetch(`${bravo.url}/.well-known/jwks.json`)).json() as { keys: Array<{ kid: string }> }
  t.same(jwks.keys.map((k) => k.kid).sort(), keys.map((k) => k.kid).sort(), 'both published, so that what the old key signed keeps verifying')

  // the background jobs
  await page.locator('nav[aria-label="Administration"]').getByRole('link', { name: 'Background jobs' }).click()
  t.equal(await page.locator('h1').textContent(), 'Background jobs')
  t.match(await page.locator('.lead').textContent() ?? '', /^The background jobs run in the worker process/, 'SYNC_IN_PROCESS is off in these agencies')
  t.same(await page.locator('table.jobs tbody th').evaluateAll((cells) => cells.map((c) => c.firstChild?.textContent)), ['Sync of the peers\' feeds', 'Lapse re-evaluation', 'Detection of large changes', 'Outbox', 'Alert watch', 'Witnesses', 'Audit trail anchor'])
  t.match(await page.locator('tr#job-sync').textContent() ?? '', /Every 30 seconds.*2 of 2 peers synced; none failing/)
  t.match(await page.locator('tr#job-outbox').textContent() ?? '', /Every 2 seconds.*Nothing waits.*0 waiting \(0 after a failure\); 0 given up/)
  t.match(await page.locator('h2:has-text("Consultation messages in the outbox") + dl').textContent() ?? '', /Waiting0 messages, 0 due now.*Refused by a peer \(not retried\)0/)
  t.match(await page.locator('tr#job-lapse-reevaluation').textContent() ?? '', /At start, then every day.*No divergence waits for it/)
  t.match(await page.locator('tr#job-detection-backlog').textContent() ?? '', /Every 30 seconds.*Nothing waits.*No decision waits for it/)
  const syncRows = page.locator('table.sync tbody tr')
  t.same(await syncRows.locator('th').allTextContents(), ['adm-alpha', 'adm-charlie'])
  t.match(await syncRows.nth(1).textContent() ?? '', /adm-charlieActiveNo/, 'no round running now')
  const stored = await bravo.db.selectFrom('peer_sync').select(['agency_id', 'attempts', 'lease_owner']).orderBy('agency_id').execute()
  t.match(stored, [{ agency_id: 'adm-alpha', attempts: 0, lease_owner: null }, { agency_id: 'adm-charlie', attempts: 0, lease_owner: null }], 'as stored')
  await browser.check(t, 'admin jobs')

  // an officer is refused every administrator's page, and does not see them in the navigation
  await page.getByRole('button', { name: 'Sign out' }).click()
  await page.getByRole('button', { name: 'Sign out' }).click()
  await page.waitForURL(/signed-out$/)
  await signIn(page, 'Olivia Officer')
  for (const path of ['/app/peers', '/app/peers/new', '/app/keys', '/app/jobs']) {
    const refused = await page.goto(`${bravo.url}${path}`)
    t.equal(refused?.status(), 403, `${path}: 403 for an officer`)
    t.equal(await page.locator('h1').textContent(), 'You cannot see this page')
  }
  t.equal(await page.locator('nav[aria-label="Main"] a', { hasText: 'Administration' }).count(), 0)
  await browser.check(t, 'admin forbidden to an officer')
  browser.noProblems(t, [/status of (400|403)/])
})
