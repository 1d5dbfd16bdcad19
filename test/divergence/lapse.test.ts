import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import t, { type Test } from 'tap'
import { reevaluateLapsed } from '../../src/divergence/index.js'
import { fixedClock } from '../../src/lib/clock.js'
import { startAgency, type TestAgency } from '../helpers/agency.js'
import { decision, enrolByUrl, publishDecision, startFederation, syncAll, syncRound } from '../helpers/federation.js'
import { runCli, spawnProcess, startServer } from '../helpers/processes.js'

const party = [{ role: 'end_user', name: 'Mahan Air', aliases: [], country: 'IR', identifiers: [] }]
const items = [{ codes: [{ regime: 'eu', code: '9A001.a' }], description: 'Aero gas turbine engines' }]

t.test('a denial that lapses ends its undercut at the next daily re-evaluation', async (t) => {
  const agencies = await startFederation(t, ['lima', 'mike'])
  const [lima, mike] = agencies as [TestAgency, TestAgency]
  await publishDecision(lima, decision({ outcome: 'denied', decisionDate: '2026-01-10', validUntil: '2027-01-10', destination: 'IR', parties: party, items }))
  await syncAll(agencies)
  await publishDecision(mike, decision({ outcome: 'granted', undercutOverride: { reason: 'recorded over the warning, for the auditors' }, decisionDate: '2026-04-01', validUntil: '2028-04-01', destination: 'IR', parties: [{ ...party[0], name: 'AIR MAHAN CO.' }], items }))
  await syncAll(agencies)
  const held = await lima.db.selectFrom('divergences').selectAll().execute()
  t.match(held, [{ kind: 'undercut', state: 'open', holds: true }])

  const before = await reevaluateLapsed({ db: lima.db, config: lima.config.divergence, clock: fixedClock(new Date('2027-01-10T12:00:00Z')) })
  t.same(before, { opened: 0, updated: 0, resolved: 0, checked: 0, resolvedDivergences: [] }, 'on its last day the denial is in force: nothing to re-evaluate')
  const after = await reevaluateLapsed({ db: lima.db, config: lima.config.divergence, clock: fixedClock(new Date('2027-01-11T06:00:00Z')) })
  t.match(after, { opened: 0, updated: 0, resolved: 1, checked: 1, resolvedDivergences: [{ id: held[0]?.id, kind: 'undercut', reason: /lima's denial .* lapsed on 2027-01-10/ }] })
  const [divergence] = await lima.db.selectFrom('divergences').selectAll().execute()
  t.match(divergence, { state: 'resolved', holds: false })
  const last = await lima.db.selectFrom('divergence_transitions').selectAll().where('divergence_id', '=', divergence?.id as string).orderBy('seq', 'desc').executeTakeFirst()
  t.match(last, { to_state: 'resolved', actor: 'system', reason: /lima's denial .* lapsed on 2027-01-10/ })
  t.same(await reevaluateLapsed({ db: lima.db, config: lima.config.divergence, clock: fixedClock(new Date('2027-01-12T06:00:00Z')) }), { opened: 0, updated: 0, resolved: 0, checked: 0, resolvedDivergences: [] }, 'once resolved, not again')
})

const DAY_MS = 86_400_000
const day = (offset: number) => new Date(Date.now() + offset * DAY_MS).toISOString().slice(0, 10)

/**
 * Lima holds an open undercut against a denial of its own that lapsed yesterday: mike granted,
 * a month ago, what lima had denied two months ago; lima recorded the denial two weeks ago (its
 * app's clock), when it was in force. Nothing has re-evaluated it since. Returns lima, the
 * divergence and the environment to run lima's entry points with (the system's clock).
 */
async function lapsedUndercut (t: Test) {
  const lima = await startAgency(t, 'lima', { listen: true, clock: fixedClock(new Date(Date.now() - 14 * DAY_MS)) })
  const mike = await startAgency(t, 'mike', { listen: true })
  await enrolByUrl(lima, mike)
  await enrolByUrl(mike, lima)
  await publishDecision(mike, decision({ outcome: 'granted', decisionDate: day(-30), validUntil: day(365), destination: 'IR', parties: party, items }))
  t.match(await syncRound(lima, 'mike'), { status: 'synced', result: { stored: 1 } })
  await publishDecision(lima, decision({ outcome: 'denied', decisionDate: day(-60), validUntil: day(-1), destination: 'IR', parties: party, items }))
  const held = await lima.db.selectFrom('divergences').select(['id', 'kind', 'state', 'holds']).execute()
  t.match(held, [{ kind: 'undercut', state: 'open', holds: true }], 'found while the denial was in force')
  const dataDir = await mkdtemp(join(tmpdir(), 'reciprocity-lapse-'))
  t.teardown(() => rm(dataDir, { recursive: true, force: true }))
  const env = { AGENCY_ID: 'lima', DATABASE_URL: lima.databaseUrl, DATA_DIR: dataDir, KEY_ENCRYPTION_KEY: (lima.config.keyEncryptionKey as { value: string }).value }
  return { lima, env, id: held[0]?.id as string }
}

async function expectResolved (t: Test, lima: TestAgency, id: string) {
  const divergence = await lima.db.selectFrom('divergences').select(['state', 'holds']).where('id', '=', id).executeTakeFirstOrThrow()
  t.match(divergence, { state: 'resolved', holds: false }, 'the divergence is resolved')
  const last = await lima.db.selectFrom('divergence_transitions').select(['to_state', 'actor', 'reason']).where('divergence_id', '=', id).orderBy('seq', 'desc').executeTakeFirstOrThrow()
  t.match(last, { to_state: 'resolved', actor: 'system', reason: new RegExp(`lima's denial .* lapsed on ${day(-1)}`) }, 'by the system, saying why')
}

/** The lapse job's first run, however it ends, so that a failure fails the test instead of a wait. */
const REEVALUATED = /"msg":"(lapsed records re-evaluated for divergences and alerts|re-evaluating lapsed records failed; retrying)"/

t.test('the server with SYNC_IN_PROCESS resolves a lapsed denial\'s divergence, without a separate worker', async (t) => {
  const { lima, env, id } = await lapsedUndercut(t)
  const server = await startServer(t, { ...env, SYNC_IN_PROCESS: 'true' })
  const run = JSON.parse(await server.line(REEVALUATED)) as { err?: { message?: string } }
  t.match(run, { component: 'lapse-reevaluation', msg: 'lapsed records re-evaluated for divergences and alerts', checked: 1, resolved: 1 }, `the re-evaluation ran at start${run.err === undefined ? '' : ` (${run.err.message ?? ''})`}`)
  await expectResolved(t, lima, id)
  t.equal(await server.stop('SIGTERM'), 0, 'and stops cleanly')
})

t.test('cli sync --follow runs the same jobs: the lapse re-evaluation too', async (t) => {
  const { lima, env, id } = await lapsedUndercut(t)
  const follow = spawnProcess(t, 'src/cli/main.ts', ['sync', '--follow'], env)
  const run = JSON.parse(await follow.line(REEVALUATED)) as { err?: { message?: string } }
  t.match(run, { msg: 'lapsed records re-evaluated for divergences and alerts', checked: 1, resolved: 1 }, `the re-evaluation ran at start${run.err === undefined ? '' : ` (${run.err.message ?? ''})`}`)
  await expectResolved(t, lima, id)
  t.equal(await follow.stop('SIGTERM'), 0, 'and stops on SIGTERM')
})

t.test('cli divergences reevaluate resolves it once, now, and prints what it resolved', async (t) => {
  const { lima, env, id } = await lapsedUndercut(t)
  const first = await runCli(['divergences', 'reevaluate'], env)
  t.equal(first.code, 0, first.stderr)
  t.match(first.stdout, new RegExp(`^${id}\\tresolved\\tundercut\\tlima's denial .* lapsed on ${day(-1)}`))
  t.equal(first.stdout.trim().split('\n').length, 1, 'one line per divergence resolved')
  t.match(first.stderr, /^re-evaluated the divergences naming a lapsed record: 1 checked, 1 resolved, 0 still hold, 0 opened; the alerts of 0 records no longer in force assessed again$/m)
  await expectResolved(t, lima, id)
  const again = await runCli(['divergences', 'reevaluate'], env)
  t.equal(again.code, 0)
  t.equal(again.stdout, '', 'nothing more to resolve')
  t.match(again.stderr, /: 0 checked, 0 resolved/)
})
