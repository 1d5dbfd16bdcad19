import { readdir } from 'node:fs/promises'
import { sql } from 'kysely'
import t from 'tap'
import { systemClock } from '../../src/lib/clock.js'
import { importCandidates, importStagingDir, type ImportCandidate, type RecordsContext } from '../../src/records/index.js'
import { startAgency } from '../helpers/agency.js'
import { headSeq } from '../helpers/records.js'

const ROWS = 100_000
const BATCH = 500

function decision (i: number) {
  return {
    reference: `STREAM-${String(i).padStart(6, '0')}`,
    outcome: i % 7 === 0 ? 'denied' : 'granted',
    decisionDate: '2014-03-31',
    destination: 'AE',
    licenceType: 'SIEL',
    parties: [{ role: 'end_user', name: `Al Naser Airlines ${i}`, aliases: ['Al-Naser Wings'], country: 'IQ', address: 'Baghdad International Airport, Baghdad, Iraq' }],
    items: [{ codes: [{ regime: 'uk', code: 'ML10' }, { regime: 'wassenaar', code: 'ML10.a' }], description: 'aircraft components and spares', quantity: 12, value: { amount: 94050, currency: 'GBP' } }]
  }
}

t.test('100,000 decisions are staged, then stream from the staging file in bounded memory, and all land in the feed', async (t) => {
  const agency = await startAgency(t)
  const ctx: RecordsContext = { db: agency.app.db, issuer: agency.id, actor: 'test', clock: systemClock, keyRing: agency.app.keyRing, denialReviewYears: 3 }
  let produced = 0
  let producedAtFirstBatch: number | undefined
  let batches = 0
  let furthestAhead = 0
  async function * producer (): AsyncGenerator<ImportCandidate> {
    for (let i = 0; i < ROWS; i++) {
      produced++
      yield { line: i + 1, value: decision(i) }
    }
  }

  const stagingDir = importStagingDir(agency.config)
  const started = performance.now()
  const result = await importCandidates(ctx, producer(), {
    batchSize: BATCH,
    stagingDir,
    onBatch: (progress) => {
      producedAtFirstBatch ??= produced
      furthestAhead = Math.max(furthestAhead, progress.read - progress.imported)
      batches++
    }
  })
  const seconds = (performance.now() - started) / 1000
  t.comment(`imported ${ROWS} decisions in ${seconds.toFixed(1)} s: ${Math.round(ROWS / seconds)} decisions/s`)

  t.same(result, { imported: ROWS, firstSeq: 1, lastSeq: ROWS })
  t.equal(batches, ROWS / BATCH, 'published in batches of 500')
  t.equal(producedAtFirstBatch, ROWS, 'the whole input was read and staged before anything was published')
  t.ok(furthestAhead <= 2 * BATCH, `the staged file was never read more than 2 batches ahead of what was written (furthest: ${furthestAhead} decisions)`)
  t.same(await readdir(stagingDir), [], 'the staging file is gone')
  t.equal(await headSeq(agency), ROWS)
  const { rows } = await sql<{ n: number }>`select count(*)::int as n from records where issuer = ${agency.id} and reference like 'STREAM-%'`.execute(agency.db)
  t.equal(rows[0]?.n, ROWS, 'every decision has its record row')
  const { rows: kinds } = await sql<{ n: number }>`select count(*)::int as n from feed_entries where issuer = ${agency.id} and kind = 'decision' and seq between 1 and ${ROWS}`.execute(agency.db)
  t.equal(kinds[0]?.n, ROWS, 'and its signed entry')
})
