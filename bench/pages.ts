/**
 * bench/pages: the server time of the web application's main pages (issue 13) with 10,000 and
 * with 1,000,000 stored decisions: the start page, decision search results (a misspelt listed
 * name), a decision's page, a screening's result, the divergence queue and a divergence;
 * p50/p95 over `--requests` requests each (one at a time, in process through `app.inject`:
 * routing, session, readers, rendering), and the ratio of the sizes' p95. Aim: p95 under
 * 100 ms at 1,000,000 and a ratio under 2 (docs/performance.md, "bench/pages").
 *
 *   npm run bench:pages [-- --small 10000 --large 1000000 --requests 200]
 *   (--keep leaves the loaded databases in place and prints their names; --use a,b measures them again)
 *
 * The databases are loaded as bench/screening loads them, with a grant of what an allied
 * denial in force denies stored and detected for every 2,000 decisions (the divergences the
 * queue lists). Needs PostgreSQL (BENCH_PG_URL); creates its databases and drops them.
 */
import { parseArgs } from 'node:util'
import { sql } from 'kysely'
import { startBenchApp } from './lib/bench-app.js'
import { applications } from './lib/bench-applications.js'
import { loadDecisionsDatabase, measureEachSize, SIZE_OPTIONS } from './lib/loaded-database.js'
import { pageSessionCookie } from './lib/page-session.js'

const { values: args } = parseArgs({ options: { ...SIZE_OPTIONS, requests: { type: 'string', default: '200' } } })
const REQUESTS = Number(args.requests)
const PAGES = ['start page', 'decision search, by party', 'a decision', 'a screening\'s result', 'divergence queue', 'a divergence'] as const
type PageName = typeof PAGES[number]

/** Every page's server time (ms) over REQUESTS requests, with a session of a user holding every role. */
async function measure (url: string): Promise<Record<PageName, number[]>> {
  const { app, deps, authorization, close } = await startBenchApp(url, 'bench-pages-')
  try {
    const now = deps.clock.now().getTime()
    const cookie = pageSessionCookie(deps.sessionKey, { subject: 'bench', name: 'Bench', roles: ['officer', 'auditor'], idToken: '', signedInAt: now, lastSeenAt: now })
    const inputs = applications(REQUESTS)
    const db = deps.db
    const records = (await sql<{ issuer: string, record_id: string }>`
      select issuer, record_id from records tablesample system (1) where kind = 'decision' limit ${REQUESTS}`.execute(db)).rows
    const divergences = (await db.selectFrom('divergences').select('id').orderBy('detected_at', 'desc').limit(REQUESTS).execute()).map((d) => d.id)
    const screenings: string[] = []
    for (const application of inputs.slice(0, Math.min(50, REQUESTS))) {
      const res = await app.inject({ method: 'POST', url: '/v1/screenings', headers: { authorization }, payload: { applications: [application] } })
      screenings.push(res.json().results[0].screeningId as string)
    }
    const urls: Record<PageName, (n: number) => string> = {
      'start page': () => '/app',
      'decision search, by party': (n) => `/app/decisions?${new URLSearchParams({ party: inputs[n % inputs.length]?.parties[0]?.name ?? 'x' }).toString()}`,
      'a decision': (n) => { const r = records[n % records.length]; return `/app/decisions/${r?.issuer ?? ''}/${r?.record_id ?? ''}` },
      'a screening\'s result': (n) => `/app/screenings/${screenings[n % screenings.length] ?? ''}`,
      'divergence queue': () => '/app/divergences',
      'a divergence': (n) => `/app/divergences/${divergences[n % divergences.length] ?? ''}`
    }
    const timings = Object.fromEntries(PAGES.map((p) => [p, [] as number[]])) as Record<PageName, number[]>
    for (const page of PAGES) {
      for (let n = 0; n < 5; n++) await app.inject({ url: urls[page](n), headers: { cookie } }) // warm up
      for (let n = 0; n < REQUESTS; n++) {
        const started = performance.now()
        const res = await app.inject({ url: urls[page](n), headers: { cookie } })
        timings[page].push(performance.now() - started)
        if (res.statusCode !== 200) throw new Error(`${page}: ${res.statusCode} for ${urls[page](n)}`)
      }
    }
    return timings
  } finally {
    await close()
  }
}

const quantile = (values: readonly number[], q: number) => [...values].sort((a, b) => a - b)[Math.min(values.length - 1, Math.floor(q * values.length))] ?? NaN
const fmt = (n: number) => Number.isFinite(n) ? n.toLocaleString('en-GB', { maximumFractionDigits: 1, minimumFractionDigits: 1 }) : '-'

const { sizes: SIZES, results } = await measureEachSize({ ...args, prefix: 'bench_pages' },
  (name, size) => loadDecisionsDatabase(name, size, { batch: Number(args.batch), undercuts: Math.max(20, Math.round(size / 2000)) }),
  (url) => measure(url))
const out = (line = '') => process.stdout.write(`${line}\n`)
out(`\nbench/pages  ${new Date().toISOString()}  node ${process.version}  ${REQUESTS} requests per page and size, one at a time, server time (app.inject)`)
out(`${'page (ms)'.padEnd(30)} ${SIZES.map((s) => `${s.toLocaleString('en-GB')}: p50 / p95`.padStart(24)).join(' ')}${SIZES.length === 2 ? '   p95 ratio' : ''}`)
for (const page of PAGES) {
  const cells = results.map((r) => `${fmt(quantile(r[page], 0.5))} / ${fmt(quantile(r[page], 0.95))}`.padStart(24))
  const ratio = results.length === 2 ? `   ${fmt(quantile(results[1]?.[page] ?? [], 0.95) / quantile(results[0]?.[page] ?? [], 0.95)).padStart(9)}` : ''
  out(`${page.padEnd(30)} ${cells.join(' ')}${ratio}`)
}
