import t from 'tap'
import { fixedClock } from '../../src/lib/clock.js'
import { startAgency } from '../helpers/agency.js'
import { openBrowser, signIn } from '../helpers/browser.js'
import { publishDecision } from '../helpers/federation.js'

// Signing in to the web application the way a person does: Chromium, the agency with no
// identity provider configured, so the development OpenID provider (oidc-provider) runs and
// offers its users; authorization code with PKCE through the real redirects. Every page is
// checked with axe-core and for console errors (a CSP violation is one), and screenshotted.

t.test('an officer signs in through the development OpenID provider, sees the start page, and signs out', async (t) => {
  const clock = fixedClock(new Date())
  const agency = await startAgency(t, 'web-alpha', { listen: true, clock })
  const inThirtyDays = new Date(clock.now().getTime() + 30 * 86_400_000).toISOString().slice(0, 10)
  const due = await publishDecision(agency, { reference: 'ALPHA-DUE-1', outcome: 'denied', decisionDate: '2024-01-10', validUntil: inThirtyDays })
  const browser = await openBrowser(t)
  const page = await browser.page()

  await page.goto(`${agency.url}/app`)
  t.match(page.url(), /\/app\/sign-in\?return=%2Fapp$/, 'a page needing sign-in sends to the sign-in page, remembering where to return')
  t.equal(await page.locator('h1').textContent(), 'Sign in')
  const stylesheet = await page.locator('link[rel="stylesheet"]').getAttribute('href') ?? ''
  t.match(stylesheet, /^\/app\/assets\/app\.[0-9a-f]{12}\.css$/, 'the agency\'s own stylesheet, named by its content')
  const css = await page.request.get(`${agency.url}${stylesheet}`)
  t.equal(css.headers()['content-type'], 'text/css; charset=utf-8')
  t.match(css.headers()['cache-control'], 'immutable')
  t.equal(await page.locator('.site-header').evaluate((el) => el.ownerDocument.defaultView?.getComputedStyle(el).backgroundColor), 'rgb(11, 61, 92)', 'and applied, under the CSP')
  t.match((await page.request.get(`${agency.url}/app/sign-in`)).headers()['content-security-policy'], /^default-src 'none'; style-src 'self';/, 'pages load nothing but the agency\'s own')
  await browser.check(t, 'sign-in page')

  await signIn(page, 'Olivia Officer')
  t.equal(new URL(page.url()).pathname, '/app', 'back where the user was going')
  t.equal(await page.locator('h1').textContent(), 'Start')
  t.match(await page.locator('.site-header__user').textContent() ?? '', 'Signed in as Olivia Officer (development) (officer)')
  t.same(await page.locator('main h2').allTextContents(), ['Consultations awaiting our answer', 'Our denials due for review', 'Recent allied denials'], 'an officer\'s start page')
  t.equal(await page.locator('nav[aria-label="Main"] a[aria-current="page"]').textContent(), 'Start')
  const review = page.locator('section[aria-labelledby="reviews"] tbody tr')
  t.match(await review.textContent() ?? '', /ALPHA-DUE-1.*\(30 days\)/, 'our denial due for review, with the days left')
  t.equal(await review.getByRole('link', { name: 'ALPHA-DUE-1' }).getAttribute('href'), `/app/decisions/web-alpha/${due.record.id}`, 'linked to its page')
  const cookies = await page.context().cookies()
  const session = cookies.find((c) => c.name === 'reciprocity-session')
  t.ok(session?.httpOnly, 'the session cookie is HttpOnly')
  t.equal(session?.sameSite, 'Lax')
  t.equal(session?.path, '/app')
  await browser.check(t, 'start page, officer')

  // a form sent without this session's CSRF token is refused, and nothing changes
  const forged = await page.request.post(`${agency.url}/app/sign-out`, { form: { _csrf: 'forged' }, maxRedirects: 0 })
  t.equal(forged.status(), 403, 'a sign-out without the session\'s token is refused')
  t.match(await forged.text(), 'This form has expired')
  await page.goto(`${agency.url}/app`)
  t.equal(await page.locator('h1').textContent(), 'Start', 'still signed in')

  await page.getByRole('button', { name: 'Sign out' }).click()
  await page.getByRole('button', { name: 'Sign out' }).click() // the provider asks to confirm its own sign-out
  await page.waitForURL(/\/app\/signed-out$/)
  t.equal(await page.locator('h1').textContent(), 'You have signed out')
  await browser.check(t, 'signed out')
  await page.goto(`${agency.url}/app`)
  t.match(page.url(), /\/app\/sign-in/, 'signed out: the start page asks to sign in again')

  // the session ends after SESSION_IDLE_MINUTES (30) without a request
  await signIn(page, 'Arun Auditor')
  t.same(await page.locator('main h2').allTextContents(), ['Recent allied denials'], 'an auditor\'s start page')
  clock.advance(31 * 60_000)
  await page.goto(`${agency.url}/app`)
  t.match(page.url(), /\/app\/sign-in\?return=%2Fapp&ended=1$/, 'an idle session has ended')
  t.equal(await page.getByRole('status').textContent(), 'Your session has ended. Sign in again to continue.')
  await browser.check(t, 'sign-in page after the session ended')

  const missing = await page.goto(`${agency.url}/app/no-such-page`)
  t.equal(missing?.status(), 404)
  t.equal(await page.locator('h1').textContent(), 'Page not found')
  await browser.check(t, 'not found')
  browser.noProblems(t, [/no-such-page: Failed to load resource: the server responded with a status of 404/])
})

t.test('a return address outside the application is never followed', async (t) => {
  const agency = await startAgency(t, 'web-bravo', { listen: true })
  const browser = await openBrowser(t)
  const page = await browser.page()
  await page.goto(`${agency.url}/app/sign-in?return=${encodeURIComponent('//evil.example/app')}`)
  await signIn(page, 'Ada Administrator')
  t.equal(new URL(page.url()).pathname, '/app', 'the start page instead')
  t.same(await page.locator('main h2').allTextContents(), [], 'an administrator\'s start page has no officer sections')
  browser.noProblems(t)
})
