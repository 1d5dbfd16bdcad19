import type { Page } from 'playwright-core'
import t from 'tap'
import type { Test } from 'tap'
import type { TestAgency } from '../helpers/agency.js'
import { openBrowser } from '../helpers/browser.js'
import { publishDecision, startFederation, syncAll } from '../helpers/federation.js'

// The main journeys with the keyboard alone (issue 13): sign in, search the decisions, open
// one, screen an application (a row added, the form sent with Enter), record a disposition.
// No click and no fill: Tab, Shift+Tab, Enter, Space and typed keys, as a person without a
// pointer goes. Names: GOZNAK (OFAC SDN, written in Cyrillic by the denying ally).

/** What the focused element is called: its label, its text, or its value. */
async function focusedName (page: Page): Promise<string> {
  return page.evaluate(() => {
    const el = document.activeElement as HTMLElement | null
    if (el === null) return ''
    const label = el.id === '' ? null : document.querySelector(`label[for="${el.id}"]`)
    return (label?.textContent ?? el.getAttribute('aria-label') ?? el.textContent ?? '').trim()
  })
}

/** Tabs forward until the focused element's name matches `name`; fails when it goes round the page without reaching it (the page's focus order lacks it). */
async function tabTo (t: Test, page: Page, name: RegExp): Promise<void> {
  const seen: string[] = []
  for (let presses = 0; presses < 200; presses++) {
    await page.keyboard.press('Tab')
    const focused = await focusedName(page)
    if (name.test(focused)) return
    seen.push(focused)
  }
  t.fail(`the keyboard never reaches ${String(name)}; focus went through: ${seen.slice(0, 40).join(' | ')}`)
  throw new Error('unreachable by keyboard')
}

t.test('the main journeys with the keyboard alone', async (t) => {
  const [alpha, bravo] = await startFederation(t, ['web-keys-alpha', 'web-keys-bravo']) as [TestAgency, TestAgency]
  await publishDecision(alpha, {
    reference: 'ALPHA-KEY-1',
    outcome: 'denied',
    destination: 'RU',
    parties: [{ role: 'end_user', name: 'Акционерное общество «Гознак»', aliases: [], country: 'RU', identifiers: [] }],
    items: [{ codes: [{ regime: 'eu', code: '3A001.a.1' }], description: 'Radiation-hardened integrated circuits' }]
  })
  await syncAll([alpha, bravo])
  const browser = await openBrowser(t)
  const page = await browser.page()

  // sign in
  await page.goto(`${bravo.url}/app/decisions`)
  await tabTo(t, page, /^Skip to main content$/)
  await tabTo(t, page, /^Sign in with the agency's identity provider$/)
  await page.keyboard.press('Enter')
  await page.waitForURL((url) => url.port !== new URL(bravo.url).port)
  await tabTo(t, page, /^Olivia Officer/)
  await page.keyboard.press('Enter')
  await page.waitForURL(/\/app\/decisions$/)
  t.equal(await page.locator('h1').textContent(), 'Decisions', 'signed in, back where they were going')

  // search and open a decision
  await tabTo(t, page, /^Party name/)
  await page.keyboard.type('Goznak')
  await page.keyboard.press('Enter')
  await page.waitForURL(/party=Goznak/)
  await tabTo(t, page, /^ALPHA-KEY-1$/)
  await page.keyboard.press('Enter')
  await page.waitForURL(/\/app\/decisions\/web-keys-alpha\//)
  t.equal(await page.locator('h1').textContent(), 'ALPHA-KEY-1')

  // screen an application: the navigation, a row added with Space, the form sent with Enter
  await tabTo(t, page, /^Screening$/)
  await page.keyboard.press('Enter')
  await page.waitForURL(/\/app\/screenings$/)
  await tabTo(t, page, /^Screen an application$/)
  await page.keyboard.press('Enter')
  await page.waitForURL(/\/app\/screenings\/new$/)
  await tabTo(t, page, /^Destination/)
  await page.keyboard.type('RU')
  await tabTo(t, page, /^Name/)
  await page.keyboard.type('Goznak JSC')
  await page.keyboard.press('Tab')
  t.match(await focusedName(page), /^Country/, 'the party\'s country follows its name')
  await page.keyboard.type('RU')
  await tabTo(t, page, /^Add another party$/)
  await page.keyboard.press('Space')
  await page.locator('#party-1-name').waitFor()
  t.equal(await page.locator('fieldset.row legend', { hasText: /^Party \d$/ }).count(), 2, 'a row added from the keyboard')
  t.equal(await page.locator('#party-0-name').inputValue(), 'Goznak JSC')
  await tabTo(t, page, /^Name/) // the page comes back with focus at its top: the first party's name, then the new row's
  await tabTo(t, page, /^Name/)
  t.equal(await page.evaluate(() => document.activeElement?.id), 'party-1-name')
  await page.keyboard.type('Second Party Ltd')
  await page.keyboard.press('Tab')
  await page.keyboard.type('RU')
  await tabTo(t, page, /^Description$/)
  await page.keyboard.type('Radiation-hardened integrated circuits')
  await page.keyboard.press('Tab')
  await page.keyboard.type('eu 3A001.a.1')
  await tabTo(t, page, /^Reference/)
  await page.keyboard.type('KEY-APP-1')
  await page.keyboard.press('Enter') // Enter in a field screens: it never removes a row
  await page.waitForURL(/\/app\/screenings\/[0-9a-f-]{36}$/)
  t.equal(await page.locator('h1').textContent(), 'Screening result: KEY-APP-1')
  t.equal(await page.locator('article.hit').count(), 1, 'the denial found')

  // a disposition: a radio chosen with Space, the reason typed, sent with Enter on the button
  await tabTo(t, page, /^Essentially identical$/)
  await page.keyboard.press('Space')
  await tabTo(t, page, /^Reason/)
  await page.keyboard.type('Same company: checked the registry')
  await tabTo(t, page, /^Record the disposition$/)
  await page.keyboard.press('Enter')
  await page.waitForURL(/recorded=/)
  t.equal(await page.locator('.notice').textContent(), 'Your disposition was recorded.')
  t.match(await bravo.db.selectFrom('hit_dispositions').select(['disposition', 'reason']).execute(), [{ disposition: 'exact', reason: 'Same company: checked the registry' }])
  await browser.check(t, 'keyboard journey, disposition recorded')
  browser.noProblems(t)
})
