/**
 * bench/publish: how fast an agency publishes and serves its feed, as ratios against ceilings
 * measured in the same run on the same machine.
 *
 *   npm run bench:publish [-- --single 2000 --bulk 20000 --seconds 10]
 *
 * Needs PostgreSQL (BENCH_PG_URL, default postgres://postgres@127.0.0.1:5432/postgres); it
 * creates a database of its own and drops it. Prints one table; see docs/performance.md.
 */
import { createPrivateKey, generateKeyPairSync, randomBytes, sign } from 'node:crypto'
import { createWriteStream } from 'node:fs'
import { mkdtemp, rm } from 'node:fs/promises'
import { once } from 'node:events'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import { Kysely, PostgresDialect, sql } from 'kysely'
import pg from 'pg'
import { buildApp } from '../src/app.js'
import { loadConfig } from '../src/config.js'
import { systemClock } from '../src/lib/clock.js'
import { createLogger } from '../src/lib/logger.js'
import { generateEd25519Key, issueLocalUserToken, signPartnerToken } from '../src/signing/index.js'
import { wireServices } from '../src/wiring.js'
import { runLoad, runUpload } from './lib/load.js'
import { sampleDecisions } from './lib/sample-decisions.js'

const { values: args } = parseArgs({
  options: {
    single: { type: 'string', default: '2000' },
    bulk: { type: 'string', default: '20000' },
    seconds: { type: 'string', default: '8' },
    concurrency: { type: 'string', default: '8' }
  }
})
const SINGLE = Number(args.single)
const BULK = Number(args.bulk)
const SECONDS = Number(args.seconds)
const CONCURRENCY = Number(args.concurrency)
const PAGE = 500
const ADMIN_URL = process.env.BENCH_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres'

function rawSignRate (seconds: number): number {
  const { privateKey } = generateKeyPairSync('ed25519')
  const message = randomBytes(600)
  let n = 0
  const end = performance.now() + seconds * 1000
  while (performance.now() < end) {
    for (let i = 0; i < 200; i++) sign(null, message, privateKey)
    n += 200
  }
  return n / seconds
}

async function withAdmin<T> (fn: (db: Kysely<unknown>) => Promise<T>): Promise<T> {
  const db = new Kysely<unknown>({ dialect: new PostgresDialect({ pool: new pg.Pool({ connectionString: ADMIN_URL, max: 1 }) }) })
  try { return await fn(db) } finally { await db.destroy() }
}

const dbName = `bench_publish_${process.pid}`
const dataDir = await mkdtemp(join(tmpdir(), 'bench-publish-'))
await withAdmin((db) => sql`create database ${sql.id(dbName)}`.execute(db))
const dbUrl = new URL(ADMIN_URL)
dbUrl.pathname = `/${dbName}`
// throughput, not the rate limits (bench/soak runs with them): one officer and one partner send far more than a minute's allowance
const unlimited = { RATE_LIMIT_API: '0', RATE_LIMIT_IMPORT: '0', RATE_LIMIT_FEED: '0', RATE_LIMIT_PUBLIC: '0' }
const config = loadConfig({ AGENCY_ID: 'bench-agency', DATABASE_URL: dbUrl.toString(), DATA_DIR: dataDir, LOG_LEVEL: 'silent', KEY_ENCRYPTION_KEY: randomBytes(32).toString('base64url'), ...unlimited })
const deps = await wireServices(config, createLogger({ level: 'silent' }), systemClock)
const app = await buildApp(deps)
const feedPageText = { value: '' }
app.get('/bench/ceiling', async (_request, reply) => reply.type('application/json; charset=utf-8').send(feedPageText.value))
await app.listen({ host: '127.0.0.1', port: 0 })
const urlOf = (server: typeof app.server) => {
  const address = server.address()
  return `http://127.0.0.1:${typeof address === 'object' && address !== null ? address.port : 0}`
}
const base = urlOf(app.server)
// the same agency with its page cache off: every page read from the database, as a page's first reader gets it
const uncached = await buildApp({ ...deps, config: { ...config, feedCacheBytes: 0 } })
await uncached.listen({ host: '127.0.0.1', port: 0 })
const officer = `Bearer ${await issueLocalUserToken(dataDir, config.idp, { subject: 'bench', roles: ['officer', 'admin'] }, systemClock)}`

try {
  process.stderr.write('raw Ed25519 sign rate…\n')
  const signRate = rawSignRate(3)

  process.stderr.write(`${SINGLE} decisions one by one through POST /v1/decisions (${CONCURRENCY} in flight)…\n`)
  const singles = sampleDecisions(SINGLE, 'single')
  const t0 = performance.now()
  await Promise.all(Array.from({ length: CONCURRENCY }, async () => {
    for (;;) {
      const next = await singles.next()
      if (next.done === true) return
      const res = await fetch(`${base}/v1/decisions`, { method: 'POST', headers: { authorization: officer, 'content-type': 'application/json' }, body: JSON.stringify(next.value) })
      if (res.status !== 201) throw new Error(`POST /v1/decisions: ${res.status} ${await res.text()}`)
    }
  }))
  const singleRate = SINGLE / ((performance.now() - t0) / 1000)

  process.stderr.write(`${BULK} decisions through POST /v1/decisions/import (NDJSON, streamed)…\n`)
  // the file is written before the clock starts and sent from a worker thread, so the figure
  // is the server's, not the generator's or the client's
  const file = join(dataDir, 'bulk.ndjson')
  const out = createWriteStream(file)
  for await (const decision of sampleDecisions(BULK, 'bulk')) {
    if (!out.write(JSON.stringify(decision) + '\n')) await once(out, 'drain')
  }
  await new Promise<void>((resolve, reject) => out.end((err?: Error | null) => err == null ? resolve() : reject(err)))
  const imported = await runUpload({ url: `${base}/v1/decisions/import`, path: file, headers: { authorization: officer, 'content-type': 'application/x-ndjson' } })
  if (imported.status !== 201) throw new Error(`import: ${imported.status} ${imported.body}`)
  const bulkRate = BULK / imported.seconds

  process.stderr.write(`feed pages of ${PAGE} for ${SECONDS} s, then the same bytes from memory…\n`)
  const peerKey = await generateEd25519Key()
  const peerSigning = { kid: peerKey.kid, privateKey: createPrivateKey({ key: peerKey.privateJwk as never, format: 'jwk' }) }
  const enrolled = await fetch(`${base}/v1/peers`, {
    method: 'POST',
    headers: { authorization: officer, 'content-type': 'application/json' },
    body: JSON.stringify({ agencyId: 'bench-peer', name: 'Bench peer', country: 'FR', baseUrl: 'http://127.0.0.1:9', jwks: { keys: [peerKey.publicJwk] } })
  })
  if (enrolled.status !== 201) throw new Error(`enrol: ${enrolled.status} ${await enrolled.text()}`)
  const tokens = await Promise.all(Array.from({ length: 30_000 }, async () =>
    `Bearer ${await signPartnerToken(peerSigning, { issuer: 'bench-peer', audience: config.agency.id }, systemClock)}`))
  const total = SINGLE + BULK
  const pages = Array.from({ length: Math.floor(total / PAGE) }, (_, i) => `${base}/v1/feed?after=${i * PAGE}&limit=${PAGE}`)
  const sample = await fetch(pages[0] as string, { headers: { authorization: tokens.pop() as string } })
  feedPageText.value = await sample.text()
  const cold = await runLoad({ urls: pages.map((url) => url.replace(base, urlOf(uncached.server))), authorizations: tokens.splice(0, 15_000), concurrency: 4, durationMs: SECONDS * 1000 })
  const feed = await runLoad({ urls: pages, authorizations: tokens, concurrency: 4, durationMs: SECONDS * 1000 })
  const ceiling = await runLoad({ urls: [`${base}/bench/ceiling`], authorizations: null, concurrency: 4, durationMs: SECONDS * 1000 })
  const coldRate = cold.requests * PAGE / cold.seconds
  const feedRate = feed.requests * PAGE / feed.seconds
  const ceilingRate = ceiling.requests * PAGE / ceiling.seconds

  const rows = [
    ['raw Ed25519 sign (node:crypto, 600 B)', signRate, '1.00 (baseline)'],
    ['publish one by one (POST /v1/decisions)', singleRate, (singleRate / signRate).toFixed(3)],
    ['bulk import (NDJSON, one transaction)', bulkRate, (bulkRate / signRate).toFixed(3)],
    [`feed, pages of ${PAGE}, each read from the database (entries/s)`, coldRate, (coldRate / ceilingRate).toFixed(3)],
    [`feed, pages of ${PAGE}, already served to a peer (entries/s)`, feedRate, (feedRate / ceilingRate).toFixed(3)],
    ['same bytes from memory, same process (entries/s)', ceilingRate, '1.00 (baseline)']
  ] as const
  process.stdout.write(`\nbench/publish  ${new Date().toISOString()}  node ${process.version}  page ${(feedPageText.value.length / 1024).toFixed(0)} KiB\n`)
  for (const [name, rate, ratio] of rows) process.stdout.write(`${name.padEnd(62)} ${rate.toFixed(0).padStart(10)}  ${ratio}\n`)
  if (cold.failures + feed.failures + ceiling.failures > 0) process.stdout.write(`failures: ${cold.failures + feed.failures + ceiling.failures}\n`)
} finally {
  await uncached.close()
  await app.close()
  await deps.db.destroy()
  await withAdmin((db) => sql`drop database if exists ${sql.id(dbName)} with (force)`.execute(db))
  await rm(dataDir, { recursive: true, force: true })
}
