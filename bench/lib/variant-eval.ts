/**
 * bench/matching-eval's second evaluation: perturbed variants of real listed names, screened
 * through the service's own API against the listed entries stored as an ally's denials
 * (docs/matching.md, "Second evaluation: perturbed variants").
 *
 * For each kind of variant (bench/lib/perturb.ts) up to `perKind` list entries are chosen in a
 * seeded order (a quarter of them, at most, among entries with a numbered or place sibling, so
 * that those hard negatives are measured), and one variant made of each. The sources, their hard
 * negatives (bench/lib/hard-negatives.ts), namesakes in another country for some sources, the
 * script copies the from-Cyrillic and from-Arabic variants look for, and other entries up to
 * `stored` are loaded as denials of one ally into a fresh PostgreSQL database, as
 * bench/screening loads its decisions, with the signed feed entries sync would have stored
 * with them (bench/lib/ally-feed.ts). Then for every variant:
 *
 * - retrieval: records' `findPartyCandidates`, called as screening calls it, in a transaction
 *   of its own: is the source's record among the candidates?
 * - end to end: `POST /v1/screenings` (the app as bench/screening builds it, in process), the
 *   variant as the application's one party, at the service's default threshold: is the source's
 *   record reported (a true positive), and which hard negatives are (false positives)?
 *
 * The application's item and destination match no stored decision, so every hit is a party match.
 */
import { Kysely, PostgresDialect, sql } from 'kysely'
import pg from 'pg'
import { installTypeParsers, type Db } from '../../src/db/create-db.js'
import { migrateToLatest } from '../../src/db/migrate.js'
import type { Database } from '../../src/db/schema.js'
import { prepareParty, scoreParty } from '../../src/matching/index.js'
import type { DecisionContent } from '../../src/records/index.js'
import { allyKey, storeAllyEntries } from './ally-feed.js'
import { HardNegatives, NEGATIVE_CLASSES, type NegativeClass } from './hard-negatives.js'
import { loadListEntries, LISTS, type ListEntry } from './list-entries.js'
import { isRetrieved, partyRetrieval } from './retrieval.js'
import { perturb, pick, seeded, shuffled, STORED_KINDS, VARIANT_KINDS, type VariantKind } from './perturb.js'
import { startBenchApp } from './bench-app.js'
import { mulberry32 } from './random.js'
import { analyseLoadedTables, ISSUERS, NOW, seqCounter, storeDecisions, type StoredDecision } from './stored-decisions.js'

export interface VariantOptions {
  /** The shared data folder. */
  data: string
  /** Variants per kind (at most). */
  perKind: number
  /** List entries stored at least (sources, their negatives, then others in a seeded order). */
  stored: number
  /** Sources given a namesake in another country. */
  twins: number
  seed: number
  /** Applications per POST /v1/screenings. */
  batch: number
  /** The party threshold asked for; undefined: the service's default. */
  threshold: number | undefined
  worst: number
  /** Leave the database in place (and print its name). */
  keep: boolean
}

/** A class of negative: the hard negatives, and namesakes in another country (reported apart, outside precision). */
type NegativeKind = NegativeClass | 'same-name-elsewhere'

interface Variant {
  kind: VariantKind
  source: ListEntry
  /** The name screened. */
  query: string
  /** The reference of the stored decision that must be reported: the source's, or for from-script kinds its copy in that script. */
  target: string
  negatives: Array<{ negativeClass: NegativeKind, reference: string }>
  retrieved: boolean
  rank: number | null
  reported: boolean
  score: number | null
  note: string
  negativesReported: Array<{ negativeClass: NegativeKind, reference: string, score: number, note: string }>
  /** Other stored decisions reported (not the source's, not a negative): the same party on another list, or a namesake. */
  others: Array<{ reference: string, score: number }>
}

interface StoredParty { entry: ListEntry, name: string, aliases: string[], country: string }

/** For a party whose list gives no country: the same on both sides (user-assigned code). */
const NO_COUNTRY = 'ZZ'
/** The application's destination, which no stored decision has, and an item code none carries: every hit is a party match. */
const DESTINATION = 'AQ'
const TWIN_COUNTRIES = ['AE', 'TR', 'MY', 'SG', 'DE', 'GB', 'IN', 'HK', 'CN', 'RU', 'KZ', 'TH']
const ADMIN_URL = process.env.BENCH_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres'
const AIM = { recall: 0.95, precision: 0.98 }

export async function runVariantEvaluation (options: VariantOptions): Promise<{ lines: string[], dump: unknown[] }> {
  const started = performance.now()
  const entries = loadListEntries(options.data)
  const negatives = new HardNegatives(entries)
  const { variants, stored } = chooseVariants(entries, negatives, options)
  const chosen = performance.now()
  const name = `bench_matching_${process.pid}`
  process.stderr.write(`variants: ${variants.length} variants of ${new Set(variants.map((v) => v.source)).size} entries; loading ${stored.size} denials into ${name}…\n`)
  const url = await loadDatabase(name, stored)
  const loaded = performance.now()
  let timing = { retrieval: 0, screening: 0 }
  try {
    timing = await measure(url, variants, stored, options)
  } finally {
    if (options.keep) process.stderr.write(`kept: ${name}\n`)
    else await admin((a) => sql`drop database if exists ${sql.id(name)} with (force)`.execute(a))
  }
  const lines = report(variants, stored, options, {
    choose: (chosen - started) / 1000, load: (loaded - chosen) / 1000, retrieval: timing.retrieval, screening: timing.screening
  })
  const dump = variants.map((v) => ({
    evaluation: 'variants',
    kind: v.kind,
    list: v.source.list,
    source: v.source.name,
    query: v.query,
    target: v.target,
    targetName: stored.get(v.target)?.name,
    retrieved: v.retrieved,
    rank: v.rank,
    reported: v.reported,
    score: v.score,
    note: v.note,
    negatives: v.negatives.map((n) => ({
      ...n, name: stored.get(n.reference)?.name, reported: v.negativesReported.find((r) => r.reference === n.reference)?.score ?? null
    })),
    others: v.others.map((o) => ({ ...o, name: stored.get(o.reference)?.name }))
  }))
  return { lines, dump }
}

// ---------------------------------------------------------------------------------------------
// Choosing variants and what is stored

function chooseVariants (entries: ListEntry[], negatives: HardNegatives, options: VariantOptions): { variants: Variant[], stored: Map<string, StoredParty> } {
  const stored = new Map<string, StoredParty>()
  const store = (reference: string, entry: ListEntry, name = entry.name, aliases = entry.aliases, country = entry.country ?? NO_COUNTRY) => {
    if (!stored.has(reference)) stored.set(reference, { entry, name, aliases, country })
  }
  const withSiblings = shuffled(mulberry32(options.seed), entries.filter((e) => negatives.hasSiblings(e)))
  // a source is used once per script, either as a query in that script or as the stored copy
  const scriptUsed = new Map<string, Set<ListEntry>>([['cyrillic', new Set()], ['arabic', new Set()]])
  const variants: Variant[] = []
  for (const kind of VARIANT_KINDS) {
    const script = kind.endsWith('cyrillic') ? 'cyrillic' : kind.endsWith('arabic') ? 'arabic' : undefined
    const seen = new Set<ListEntry>()
    let count = 0
    const consider = (source: ListEntry): void => {
      if (seen.has(source)) return
      seen.add(source)
      if (script !== undefined && scriptUsed.get(script)?.has(source) === true) return
      const text = perturb(source.name, kind, seeded(options.seed, source.key, kind), { country: source.country, type: source.type })
      if (text === undefined || text.length > 500) return
      if (script !== undefined) scriptUsed.get(script)?.add(source)
      const fromScript = STORED_KINDS.has(kind)
      const target = fromScript ? `${script ?? ''}:${source.key}` : `main:${source.key}`
      store(`main:${source.key}`, source)
      if (fromScript) store(target, source, text, [])
      const found = negatives.negativesOf(source)
      for (const n of found) store(`main:${n.entry.key}`, n.entry)
      variants.push({
        kind,
        source,
        query: fromScript ? source.name : text,
        target,
        negatives: found.map((n) => ({ negativeClass: n.negativeClass, reference: `main:${n.entry.key}` })),
        retrieved: false,
        rank: null,
        reported: false,
        score: null,
        note: '',
        negativesReported: [],
        others: []
      })
      count++
    }
    for (const source of withSiblings) {
      if (count >= Math.ceil(options.perKind / 4)) break
      consider(source)
    }
    for (const source of shuffled(seeded(options.seed, kind), entries)) {
      if (count >= options.perKind) break
      consider(source)
    }
  }
  // namesakes: the same name, another party in another country
  const random = seeded(options.seed, 'twins')
  const twinned = new Set<ListEntry>()
  for (const variant of shuffled(random, variants)) {
    const source = variant.source
    if (twinned.size >= options.twins || source.country === null || twinned.has(source)) continue
    twinned.add(source)
    const country = pick(random, TWIN_COUNTRIES.filter((c) => c !== source.country)) ?? 'AE'
    store(`twin:${source.key}`, source, source.name, [], country)
  }
  for (const variant of variants) {
    if (twinned.has(variant.source)) variant.negatives.push({ negativeClass: 'same-name-elsewhere', reference: `twin:${variant.source.key}` })
  }
  for (const entry of shuffled(seeded(options.seed, 'others'), entries)) {
    if (stored.size >= options.stored) break
    store(`main:${entry.key}`, entry)
  }
  return { variants, stored }
}

// ---------------------------------------------------------------------------------------------
// The database and the app

async function admin<T> (fn: (db: Kysely<unknown>) => Promise<T>): Promise<T> {
  const db = new Kysely<unknown>({ dialect: new PostgresDialect({ pool: new pg.Pool({ connectionString: ADMIN_URL, max: 1 }) }) })
  try { return await fn(db) } finally { await db.destroy() }
}

/** Every stored party as a denial of our first ally, in force today, as bench/screening loads its decisions. */
async function loadDatabase (name: string, stored: Map<string, StoredParty>): Promise<string> {
  await admin((a) => sql`create database ${sql.id(name)}`.execute(a))
  const url = new URL(ADMIN_URL)
  url.pathname = `/${name}`
  installTypeParsers()
  const db: Db = new Kysely<Database>({ dialect: new PostgresDialect({ pool: new pg.Pool({ connectionString: url.toString(), max: 2 }) }) })
  const ally = ISSUERS[1]
  const key = await allyKey()
  try {
    await migrateToLatest(db)
    await db.insertInto('peers').values({
      agency_id: ally, name: ally, country: ally.slice(0, 2).toUpperCase(), base_url: `https://${ally}.example`, jwks: JSON.stringify(key.jwks), jwks_url: null, jwks_refreshed_at: null, status: 'active', status_reason: null
    }).execute()
    const decisions = [...stored].map(([reference, party]): StoredDecision => ({
      issuer: ally,
      content: {
        reference,
        regimeReferences: [],
        outcome: 'denied',
        decisionDate: '2015-01-15',
        destination: party.country,
        endUse: '',
        parties: [{ role: 'end_user', name: party.name, aliases: party.aliases, country: party.country, identifiers: [] }],
        items: [{ codes: [{ regime: 'uk', code: 'ML1' }], description: 'Goods rated ML1' }],
        reasons: [{ scheme: 'eu-cp-2008-944', code: '7' }]
      } satisfies DecisionContent
    }))
    await storeDecisions(db, decisions, { batch: 1000, seqOf: seqCounter() })
    await storeAllyEntries(db, ally, key.sign, NOW)
    await analyseLoadedTables(db)
  } finally {
    await db.destroy()
  }
  return url.toString()
}

interface ScreeningHit { record: { reference: string }, party: { score: number, explanation: string, features: Array<{ feature: string, note: string }> } | null }

/** The retrieval function measured (bench/lib/retrieval.ts), for the report. */
let retrievalName = ''

async function measure (url: string, variants: Variant[], stored: Map<string, StoredParty>, options: VariantOptions): Promise<{ retrieval: number, screening: number }> {
  const { app, deps, authorization, close } = await startBenchApp(url, 'bench-matching-')
  try {
    const references = new Map<string, string>()
    for (const row of await deps.db.selectFrom('records').select(['issuer', 'record_id', 'reference']).execute()) {
      references.set(`${row.issuer}/${row.record_id}`, row.reference ?? '')
    }
    // retrieval alone, as screening asks for each party
    const retrievalStarted = performance.now()
    const retrieval = partyRetrieval({ trigramThreshold: deps.config.matching.trigramThreshold, limit: deps.config.matching.candidates, self: deps.config.agency.id }, references)
    for (const variant of variants) {
      const target = stored.get(variant.target)
      const found = await deps.db.transaction().execute((trx) => retrieval.retrieve(trx, variant.query))
      const at = target === undefined ? -1 : found.findIndex((f) => isRetrieved(f, { reference: variant.target, ...target }))
      variant.retrieved = at >= 0
      variant.rank = at >= 0 ? at + 1 : null
    }
    retrievalName = retrieval.name
    const screeningStarted = performance.now()
    // end to end: the officer's screening
    for (let i = 0; i < variants.length; i += options.batch) {
      const batch = variants.slice(i, i + options.batch)
      const res = await app.inject({
        method: 'POST',
        url: '/v1/screenings',
        headers: { authorization },
        payload: {
          applications: batch.map((v) => ({
            parties: [{ role: 'end_user', name: v.query, aliases: [], country: v.source.country ?? NO_COUNTRY, identifiers: [] }],
            items: [{ codes: [{ regime: 'uk', code: 'PL9009' }], description: 'Bench item' }],
            destination: DESTINATION,
            endUse: ''
          })),
          ...(options.threshold === undefined ? {} : { options: { threshold: options.threshold } })
        }
      })
      if (res.statusCode !== 200) throw new Error(`POST /v1/screenings: ${res.statusCode} ${res.body.slice(0, 500)}`)
      const body = res.json<{ results: Array<{ position: number, hits: ScreeningHit[] }> }>()
      for (const result of body.results) {
        const variant = batch[result.position]
        if (variant !== undefined) record(variant, result.hits, stored)
      }
    }
    const finished = performance.now()
    return { retrieval: (screeningStarted - retrievalStarted) / variants.length, screening: (finished - screeningStarted) / variants.length }
  } finally {
    await close()
  }
}

/** What a screening reported of a variant: the target, its negatives, anything else; for a missed target, the score the matcher gives it. */
function record (variant: Variant, hits: ScreeningHit[], stored: Map<string, StoredParty>): void {
  const noteOf = (hit: ScreeningHit) => hit.party?.features.find((f) => f.feature === 'name')?.note ?? ''
  for (const hit of hits) {
    if (hit.party === null) continue
    const reference = hit.record.reference
    const negative = variant.negatives.find((n) => n.reference === reference)
    if (reference === variant.target) {
      variant.reported = true
      variant.score = hit.party.score
      variant.note = noteOf(hit)
    } else if (negative !== undefined) {
      variant.negativesReported.push({ ...negative, score: hit.party.score, note: noteOf(hit) })
    } else {
      variant.others.push({ reference, score: hit.party.score })
    }
  }
  if (!variant.reported) {
    const target = stored.get(variant.target)
    if (target === undefined) return
    const match = scoreParty(prepareParty({ name: variant.query, country: variant.source.country ?? NO_COUNTRY }),
      prepareParty({ name: target.name, aliases: target.aliases, country: target.country }))
    variant.score = match.score
    variant.note = match.features.find((f) => f.feature === 'name')?.note ?? ''
  }
}

// ---------------------------------------------------------------------------------------------
// The report

interface Tally { n: number, retrieved: number, tp: number, negatives: number, fp: number }

function tally (variants: readonly Variant[]): Tally {
  const t = { n: 0, retrieved: 0, tp: 0, negatives: 0, fp: 0 }
  for (const v of variants) {
    t.n++
    if (v.retrieved) t.retrieved++
    if (v.reported) t.tp++
    t.negatives += v.negatives.filter((n) => n.negativeClass !== 'same-name-elsewhere').length
    t.fp += v.negativesReported.filter((n) => n.negativeClass !== 'same-name-elsewhere').length
  }
  return t
}

const fmt = (x: number): string => Number.isFinite(x) ? x.toFixed(3).padStart(9) : '        -'

function row (label: string, t: Tally): string {
  const recall = t.tp / t.n
  const precision = t.tp + t.fp === 0 ? NaN : t.tp / (t.tp + t.fp)
  const below = [recall < AIM.recall ? 'recall' : '', precision < AIM.precision ? 'precision' : ''].filter((s) => s !== '')
  return `${label.padEnd(24)} ${String(t.n).padStart(5)} ${fmt(t.retrieved / t.n)} ${fmt(recall)} ${fmt(precision)} ${String(t.negatives).padStart(6)} ${String(t.fp).padStart(5)}` +
    (below.length > 0 ? `   below aim: ${below.join(', ')}` : '')
}

function report (variants: Variant[], stored: Map<string, StoredParty>, options: VariantOptions, seconds: { choose: number, load: number, retrieval: number, screening: number }): string[] {
  const out: string[] = []
  const roles = (prefix: string) => [...stored.keys()].filter((k) => k.startsWith(prefix)).length
  const sources = new Set(variants.map((v) => v.source))
  const perList = LISTS.map((list) => `${list} ${[...stored].filter(([k, p]) => k.startsWith('main:') && p.entry.list === list).length}`).join(', ')
  out.push(`Second evaluation: perturbed variants ${new Date().toISOString().slice(0, 10)}, seed ${options.seed}, up to ${options.perKind} variants a kind`)
  out.push(`${stored.size} denials of ${ISSUERS[1]} stored: ${roles('main:')} list entries (${perList}; ${sources.size} sources of variants, their hard negatives, others), ` +
    `${roles('cyrillic:') + roles('arabic:')} script copies, ${roles('twin:')} namesakes in another country`)
  out.push(`${variants.length} variants; retrieval: records' ${retrievalName}, ${seconds.retrieval.toFixed(1)} ms a variant; ` +
    `recall and precision: POST /v1/screenings at threshold ${options.threshold ?? 'the default'}, ${seconds.screening.toFixed(1)} ms a variant (batches of ${options.batch}); ` +
    `chosen in ${seconds.choose.toFixed(1)} s, loaded in ${seconds.load.toFixed(1)} s`)
  out.push(`aims: recall >= ${AIM.recall} with precision >= ${AIM.precision}`)
  out.push('')
  out.push(`${'kind'.padEnd(24)} ${'n'.padStart(5)} ${'retrieval'.padStart(9)} ${'recall'.padStart(9)} ${'precision'.padStart(9)} ${'neg'.padStart(6)} ${'FP'.padStart(5)}`)
  for (const kind of VARIANT_KINDS) {
    const of = variants.filter((v) => v.kind === kind)
    if (of.length > 0) out.push(row(kind, tally(of)))
  }
  out.push(row('= all variants', tally(variants)))
  out.push(row('= all but Arabic script', tally(variants.filter((v) => !v.kind.endsWith('arabic')))))
  out.push('')
  for (const list of LISTS) {
    const of = variants.filter((v) => v.source.list === list)
    if (of.length > 0) out.push(row(`list ${list}`, tally(of)))
  }
  for (const type of ['individual', 'entity'] as const) {
    const of = variants.filter((v) => v.source.type === type)
    if (of.length > 0) out.push(row(`${type === 'entity' ? 'entities' : 'individuals'} (UN, OFAC)`, tally(of)))
  }
  out.push('')
  out.push(`${'hard negatives'.padEnd(24)} ${'pairs'.padStart(6)} ${'reported'.padStart(9)} ${'rate'.padStart(7)}`)
  for (const negativeClass of [...NEGATIVE_CLASSES, 'same-name-elsewhere'] as const) {
    const pairs = variants.reduce((n, v) => n + v.negatives.filter((x) => x.negativeClass === negativeClass).length, 0)
    const reported = variants.reduce((n, v) => n + v.negativesReported.filter((x) => x.negativeClass === negativeClass).length, 0)
    const label = negativeClass === 'same-name-elsewhere' ? 'same-name-elsewhere *' : negativeClass
    out.push(`${label.padEnd(24)} ${String(pairs).padStart(6)} ${String(reported).padStart(9)} ${(pairs === 0 ? '-' : (reported / pairs).toFixed(3)).padStart(7)}`)
  }
  out.push('  * the source\'s exact name given to another party in another country; not counted in precision (a name scoring 1.00 ' +
    'in another country scores 0.95: country only nudges, by design)')
  const others = variants.reduce((n, v) => n + v.others.length, 0)
  out.push(`other stored decisions reported (neither the source nor a negative: the same party on another list, namesakes): ${others} ` +
    `for ${variants.filter((v) => v.others.length > 0).length} variants`)
  out.push('')
  out.push('Worst misses (source not reported; the score the matcher gives the source\'s party, "not retrieved" when retrieval missed it):')
  for (const v of variants.filter((v) => !v.reported).sort((a, b) => (a.score ?? 0) - (b.score ?? 0)).slice(0, options.worst)) {
    out.push(`  ${(v.score ?? 0).toFixed(2)} ${v.kind} ${v.source.list}: "${v.query}" for "${stored.get(v.target)?.name ?? ''}"` +
      `${v.retrieved ? '' : ' (not retrieved)'} [${v.note}]`)
  }
  const missedRetrieved = variants.filter((v) => !v.retrieved && v.reported === false).length
  out.push(`  (${variants.filter((v) => !v.reported).length} missed, ${missedRetrieved} of them not retrieved; ` +
    `${variants.filter((v) => !v.retrieved && v.reported).length} reported though not retrieved by the direct call)`)
  out.push('')
  out.push('False positives (hard negatives reported, highest scores):')
  const fps = variants.flatMap((v) => v.negativesReported.filter((n) => n.negativeClass !== 'same-name-elsewhere').map((n) => ({ v, n })))
  for (const { v, n } of fps.sort((a, b) => b.n.score - a.n.score).slice(0, options.worst)) {
    out.push(`  ${n.score.toFixed(2)} ${n.negativeClass} ${v.source.list}: "${v.query}" (${v.kind} of "${v.source.name}") reported "${stored.get(n.reference)?.name ?? ''}" [${n.note}]`)
  }
  return out
}
