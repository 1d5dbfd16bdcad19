import { existsSync } from 'node:fs'
import { mkdir } from 'node:fs/promises'
import { fileURLToPath } from 'node:url'
import { AxeBuilder } from '@axe-core/playwright'
import { chromium, type Page } from 'playwright-core'
import type { Test } from 'tap'

/** The system's Chromium (Debian package `chromium`; .ci/run installs it): playwright-core downloads none. */
export const CHROMIUM = '/usr/bin/chromium'
const ARTIFACTS = fileURLToPath(new URL('../../test-artifacts/web/', import.meta.url))

export interface TestBrowser {
  /** The page of this browser (one context, one page), opened on first call. */
  page: () => Promise<Page>
  /**
   * The page as it stands: axe-core finds no serious or critical violation, and a screenshot
   * is saved as a test artefact (test-artifacts/web/<name>.png).
   */
  check: (t: Test, name: string) => Promise<void>
  /** No console error (a CSP violation is one), no page error, no request outside 127.0.0.1; but the errors matching `expected`. */
  noProblems: (t: Test, expected?: readonly RegExp[]) => void
}

/** Chromium for a test, closed at its teardown; every console error, page error and request is recorded. */
export async function openBrowser (t: Test): Promise<TestBrowser> {
  if (!existsSync(CHROMIUM)) throw new Error(`no Chromium at ${CHROMIUM}: install it with \`apt-get update && apt-get install -y chromium\` (.ci/run does so when it is missing)`)
  const browser = await chromium.launch({ executablePath: CHROMIUM })
  t.teardown(() => browser.close())
  const problems: string[] = []
  let opened: Page | undefined
  const page = async () => {
    if (opened !== undefined) return opened
    const context = await browser.newContext({ viewport: { width: 1200, height: 900 } })
    opened = await context.newPage()
    opened.on('console', (message) => { if (message.type() === 'error') problems.push(`console error on ${opened?.url() ?? ''}: ${message.text()}`) })
    opened.on('pageerror', (err) => problems.push(`page error: ${err.message}`))
    opened.on('request', (request) => {
      const host = new URL(request.url()).hostname
      if (host !== '127.0.0.1' && host !== '[::1]') problems.push(`request outside the machine: ${request.url()}`)
    })
    return opened
  }
  return {
    page,
    check: async (t, name) => {
      const p = await page()
      const results = await new AxeBuilder({ page: p }).analyze()
      const serious = results.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical')
      t.same(serious.map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).join('; ')})`), [], `${name}: no serious or critical accessibility violation`)
      await mkdir(ARTIFACTS, { recursive: true })
      await p.screenshot({ path: `${ARTIFACTS}${name.replace(/[^a-z0-9]+/gi, '-').toLowerCase()}.png`, fullPage: true })
    },
    noProblems: (t, expected = []) => { t.same(problems.filter((p) => !expected.some((e) => e.test(p))), [], 'no console error, page error or outside request') }
  }
}

/** Signs in from wherever `page` is: to the sign-in page if needed, then the development provider's user `name`. */
export async function signIn (page: Page, name: string): Promise<void> {
  if (!new URL(page.url()).pathname.startsWith('/app/sign-in')) {
    await page.goto(new URL('/app/sign-in', page.url()).href)
  }
  await page.getByRole('link', { name: 'Sign in with the agency\'s identity provider' }).click()
  await page.getByRole('button', { name: new RegExp(`^${name}`) }).click()
  await page.waitForURL((url) => url.pathname.startsWith('/app') && !url.pathname.startsWith('/app/sign-in') && !url.pathname.startsWith('/app/auth'))
}
