/**
 * bench/screening: the latency of screening and of the officers' party search, with 10,000 and
 * with 1,000,000 stored decisions (issue 12: a three-party, three-item screening at p95 under
 * 50 ms at 1,000,000), against the naive pg_trgm search of the same names in the same run.
 *
 *   npm run bench:screening [-- --small 10000 --large 1000000 --requests 500 --seconds 120]
 *   (a size of 0 is skipped; --keep leaves the loaded databases in place, for experiments, and prints their names;
 *   --use name,name measures databases kept earlier, one per size, instead of loading them)
 *
 * Each request screens one application through the API path (`POST /v1/screenings`, in
 * process: validation, candidates, scoring, storage, audit) with three parties, real listed
 * names each misspelt once, and three items with real control codes; one request at a time,
 * until `--requests` are done or `--seconds` have passed (then the count says how many). The
 * officers' search is `GET /v1/decisions?party=` with the first of those names. The baseline is
 * the naive trigram search over every stored party's names (`name_keys % name`, nearest 200,
 * over a GIN trigram index the bench builds for it) for the same three names. Needs PostgreSQL (BENCH_PG_URL); creates its databases and drops them.
 */
import { parseArgs } from 'node:util'
import { sql } from 'kysely'
import { startBenchApp } from './lib/bench-app.js'
import { loadDecisionsDatabase, measureEachSize, SIZE_OPTIONS } from './lib/loaded-database.js'
import { applications } from './lib/bench-applications.js'

const { values: args } = parseArgs({ options: { ...SIZE_OPTIONS, requests: { type: 'string', default: '500' }, seconds: { type: 'string', default: '120' } } })
const REQUESTS = Number(args.requests)
const SECONDS = Number(args.seconds)
/** A database holding `count` decisions of our agency and three allies, loaded as bench/divergence loads them, with the baseline's index. */
async function loadDatabase (name: string, count: number) {
  return loadDecisionsDatabase(name, count, {
    batch: Number(args.batch),
    // the baseline's index: the naive search over every party's names (the service searches the distinct parties, party_names)
    after: async (db) => { await sql`create index bench_naive_name_keys on record_parties using gin (name_keys gin_trgm_ops)`.execute(db) }
  })
}

interface Timing { millis: number[], failures: number }

/** Runs `fn` for each of `inputs` in turn, until all are done or SECONDS have passed. */
async function timeEach<T> (inputs: readonly T[], fn: (input: T) => Promise<boolean>): Promise<Timing> {
  const timing: Timing = { millis: [], failures: 0 }
  const end = performance.now() + SECONDS * 1000
  for (const input of inputs) {
    if (performance.now() > end) break
    const started = performance.now()
    const ok = await fn(input)
    timing.millis.push(performance.now() - started)
    if (!ok) timing.failures++
  }
  return timing
}

async function measure (url: string) {
  const { app, deps, authorization, close } = await startBenchApp(url, 'bench-screening-')
  try {
    const inputs = applications(REQUESTS)
    for (const application of inputs.slice(0, 5)) { // warm up: compiled validators, caches, plans
      await app.inject({ method: 'POST', url: '/v1/screenings', headers: { authorization }, payload: { applications: [application] } })
    }
    let hits = 0
    const screening = await timeEach(inputs, async (application) => {
      const res = await app.inject({ method: 'POST', url: '/v1/screenings', headers: { authorization }, payload: { applications: [application] } })
      if (res.statusCode !== 200) process.stderr.write(`screening: ${res.statusCode} ${res.body.slice(0, 200)}\n`)
      else hits += (res.json().results[0].hits as unknown[]).length
      return res.statusCode === 200
    })
    const search = await timeEach(inputs, async (application) =>
      (await app.inject({ method: 'GET', url: `/v1/decisions?party=${encodeURIComponent(application.parties[0]?.name ?? '')}&limit=20`, headers: { authorization } })).statusCode === 200)
    const naive = await timeEach(inputs, async (application) => {
      await deps.db.transaction().execute(async (trx) => {
        await sql`select set_config('pg_trgm.similarity_threshold', ${String(deps.config.matching.trigramThreshold)}, true)`.execute(trx)
        for (const party of application.parties) {
          await sql`select issuer, record_id, similarity(name_keys, ${party.name}) as s from record_parties
            where name_keys % ${party.name} order by s desc limit 200`.execute(trx)
        }
      })
      return true
    })
    return { screening, search, naive, hits: hits / Math.max(1, screening.millis.length) }
  } finally {
    await close()
  }
}

const quantile = (values: readonly number[], q: number) => [...values].sort((a, b) => a - b)[Math.min(values.length - 1, Math.floor(q * values.length))] ?? NaN
const fmt = (n: number) => Number.isFinite(n) ? n.toLocaleString('en-GB', { maximumFractionDigits: 1, minimumFractionDigits: 1 }) : '-'

const { sizes: SIZES, results } = await measureEachSize({ ...args, prefix: 'bench_screening' }, loadDatabase, measure)
const out = (line = '') => process.stdout.write(`${line}\n`)
out(`\nbench/screening  ${new Date().toISOString()}  node ${process.version}  up to ${REQUESTS} requests or ${SECONDS} s per measurement, one at a time`)
out(`${'measurement (ms)'.padEnd(58)} ${SIZES.map((s) => s.toLocaleString('en-GB').padStart(12)).join(' ')}`)
for (const [key, label] of [['screening', 'POST /v1/screenings, 3 parties and 3 items'], ['search', 'GET /v1/decisions?party='], ['naive', 'naive pg_trgm search of the 3 names (baseline)']] as const) {
  for (const q of [0.5, 0.95, 0.99]) {
    out(`${`${label}, p${q * 100}`.padEnd(58)} ${results.map((r) => fmt(quantile(r[key].millis, q)).padStart(12)).join(' ')}`)
  }
  out(`${'  requests done (failed)'.padEnd(58)} ${results.map((r) => `${r[key].millis.length} (${r[key].failures})`.padStart(12)).join(' ')}`)
}
out(`${'  hits per screening (mean)'.padEnd(58)} ${results.map((r) => fmt(r.hits).padStart(12)).join(' ')}`)
const p95 = (r: typeof results[number], key: 'screening' | 'naive') => quantile(r[key].millis, 0.95)
out(`${'screening p95 / naive p95'.padEnd(58)} ${results.map((r) => fmt(p95(r, 'screening') / p95(r, 'naive')).padStart(12)).join(' ')}`)
