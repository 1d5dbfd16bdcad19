import { generateKeyPairSync, randomUUID, sign } from 'node:crypto'
import { sql } from 'kysely'
import t, { type Test } from 'tap'
import type { SyncConfig } from '../../src/config.js'
import { createDb } from '../../src/db/create-db.js'
import { appendEntries } from '../../src/feed/index.js'
import { systemClock } from '../../src/lib/clock.js'
import { sleepUnlessAborted } from '../../src/lib/sleep.js'
import type { TestAgency } from '../helpers/agency.js'
import { startAgency } from '../helpers/agency.js'
import { startFaultyProxy, type Fault } from '../helpers/faulty-proxy.js'
import { enrolByUrl, heldEntries, peerHealth, publishDecision, syncRound } from '../helpers/federation.js'

// No timeouts below the defaults: a busy machine may take seconds to answer a page. The one
// test that needs a timeout to fire (a peer that never answers) shortens it for its round.
/** The application name of the connection the killer test reads through, which the killer spares. */
const SPARED = 'faults-test-reader'
const withApplicationName = (url: string, name: string) => { const u = new URL(url); u.searchParams.set('application_name', name); return u.toString() }

const SYNC_ENV = {
  SYNC_PAGE_SIZE: '2',
  SYNC_MAX_RESPONSE_BYTES: '150000',
  SYNC_BACKOFF_BASE_MS: '1',
  SYNC_BACKOFF_CAP_MS: '2',
  PEER_JWKS_COOLDOWN_SECONDS: '0'
}

/** Alpha publishes; bravo pulls alpha's feed through a faulty proxy. Bravo already holds alpha's first four entries. */
async function pair (t: Test, env: Record<string, string> = {}) {
  const alpha = await startAgency(t, 'alpha', { listen: true, env: SYNC_ENV })
  const bravo = await startAgency(t, 'bravo', { listen: true, env: { ...SYNC_ENV, ...env } })
  const proxy = await startFaultyProxy(t, alpha.url)
  await enrolByUrl(alpha, bravo)
  const res = await bravo.app.inject({
    method: 'POST',
    url: '/v1/peers',
    headers: { authorization: await bravo.auth('admin') },
    payload: { agencyId: 'alpha', name: 'Alpha', country: 'GB', baseUrl: proxy.url, jwksUrl: `${alpha.url}/.well-known/jwks.json` }
  })
  if (res.statusCode !== 201) throw new Error(res.body)
  for (let i = 0; i < 4; i++) await publishDecision(alpha)
  const first = await syncRound(bravo, 'alpha')
  if (first?.status !== 'synced') throw new Error(JSON.stringify(first))
  for (let i = 0; i < 3; i++) await publishDecision(alpha)
  return { alpha, bravo, proxy }
}

async function source (alpha: TestAgency) {
  return alpha.db.selectFrom('feed_entries').select(['seq', 'hash', 'prev']).where('issuer', '=', 'alpha').orderBy('seq').execute()
}

async function expectUntouched (t: Test, bravo: TestAgency, expected: { state: string, code: string }) {
  const held = await heldEntries(bravo, 'alpha')
  t.same(held.map((e) => e.seq), [1, 2, 3, 4], 'nothing of the bad page was stored')
  const health = await peerHealth(bravo, 'alpha')
  t.match(health.sync, { cursor: 4, state: expected.state, lastErrorCode: expected.code })
  t.equal((await bravo.db.selectFrom('records').select('record_id').where('issuer', '=', 'alpha').execute()).length, 4, 'projection untouched')
  return health
}

async function expectRecovered (t: Test, alpha: TestAgency, bravo: TestAgency) {
  const outcome = await syncRound(bravo, 'alpha')
  t.match(outcome, { status: 'synced', result: { cursor: 7 } }, 'the next round completes')
  t.same((await heldEntries(bravo, 'alpha')).map((e) => [e.seq, e.hash, e.prev]), (await source(alpha)).map((e) => [e.seq, e.hash, e.prev]), 'bravo\'s copy equals alpha\'s feed, entry for entry')
  const health = await peerHealth(bravo, 'alpha')
  t.match(health.sync, { state: 'active', cursor: 7, entriesIngested: 7, lastErrorCode: null })
}

const transient: Array<[string, Fault, string, Partial<SyncConfig>?]> = [
  ['the peer dies in the middle of a page', 'die-mid-page', 'PEER_UNREACHABLE'],
  ['a truncated body (Content-Length not honoured)', 'truncate', 'PEER_UNREACHABLE'],
  ['malformed JSON', 'malformed-json', 'PEER_RESPONSE_MALFORMED'],
  // the page never comes, so the timeout fires however busy the machine is (if the checkpoint is slower still, the code is the same)
  ['a peer that accepts the connection and never answers', 'hang', 'PEER_RESPONSE_TIMEOUT', { responseTimeoutMs: 700 }],
  ['an oversized response', 'oversize', 'PEER_RESPONSE_TOO_LARGE']
]
for (const [name, fault, code, sync] of transient) {
  t.test(`${name}: back off (${code}), store nothing, recover`, async (t) => {
    const { alpha, bravo, proxy } = await pair(t)
    proxy.fault = fault
    t.match(await syncRound(bravo, 'alpha', { sync }), { status: 'backing-off', code })
    await expectUntouched(t, bravo, { state: 'backing_off', code })
    proxy.fault = 'pass'
    await expectRecovered(t, alpha, bravo)
  })
}

function reSign (jws: string): string {
  const [, payload] = jws.split('.')
  const { privateKey, publicKey } = generateKeyPairSync('ed25519')
  const kid = (publicKey.export({ format: 'jwk' }) as { x: string }).x
  const header = Buffer.from(JSON.stringify({ alg: 'EdDSA', kid, typ: 'reciprocity-entry+jws' })).toString('base64url')
  return `${header}.${payload}.${sign(null, Buffer.from(`${header}.${payload}`), privateKey).toString('base64url')}`
}

const quarantine: Array<[string, Fault, string]> = [
  ['one tampered entry', {
    rewrite: (page) => {
      const entry = page.entries[0] as { jws: string }
      const [h, p, s] = entry.jws.split('.') as [string, string, string]
      const body = JSON.parse(Buffer.from(p, 'base64url').toString())
      body.body.outcome = body.body.outcome === 'denied' ? 'granted' : 'denied'
      entry.jws = `${h}.${Buffer.from(JSON.stringify(body)).toString('base64url')}.${s}`
      return page
    }
  }, 'BAD_SIGNATURE'],
  ['an entry signed by a key the peer never published', {
    rewrite: (page) => { (page.entries[0] as { jws: string }).jws = reSign((page.entries[0] as { jws: string }).jws); return page }
  }, 'UNKNOWN_KEY'],
  ['a reordered page', { rewrite: (page) => ({ ...page, entries: [page.entries[1], page.entries[0]] }) }, 'WRONG_SEQ'],
  ['a duplicated page (entries we already hold, served again)', {
    rewrite: (_page, served) => JSON.parse(served.at(-1) as string) // the last page of the first sync: entries 3 and 4
  }, 'WRONG_SEQ'],
  ['a link that does not chain (an entry dropped from the page)', {
    rewrite: (page) => ({ ...page, entries: page.entries.slice(1) })
  }, 'WRONG_SEQ']
]
for (const [name, fault, code] of quarantine) {
  t.test(`${name}: quarantine (${code}), store nothing of the page, resume after an administrator acts`, async (t) => {
    const { alpha, bravo, proxy } = await pair(t)
    proxy.fault = fault
    t.match(await syncRound(bravo, 'alpha'), { status: 'quarantined', code })
    const health = await expectUntouched(t, bravo, { state: 'quarantined', code })
    t.match(health, { status: 'quarantined', statusReason: new RegExp(`^${code}: `) }, 'the status says exactly why')
    t.equal(health.sync.verificationFailures, 1)
    const metrics = (await bravo.app.inject({ url: '/metrics' })).body.split('\n')
    t.ok(metrics.includes('reciprocity_peer_state{peer="alpha",state="quarantined"} 1'), 'metrics show the quarantine')
    t.ok(metrics.includes('reciprocity_peer_verification_failures_total{peer="alpha"} 1'))
    t.equal(await syncRound(bravo, 'alpha'), undefined, 'a quarantined peer is not synced again')
    proxy.fault = 'pass'
    const resume = await bravo.app.inject({ method: 'POST', url: '/v1/peers/alpha/resume', headers: { authorization: await bravo.auth('admin') } })
    t.match(resume.json(), { status: 'active', sync: { state: 'active', cursor: 4 } })
    await expectRecovered(t, alpha, bravo)
  })
}

t.test('a fork (a different entry for a seq we hold) quarantines the peer with both sides as evidence', async (t) => {
  const { alpha, bravo, proxy } = await pair(t)
  t.match(await syncRound(bravo, 'alpha'), { status: 'synced', result: { cursor: 7 } })
  // alpha rewrites history: drops entry 7 and signs a different one in its place
  const key = await alpha.app.keyRing.current()
  await alpha.db.transaction().execute(async (trx) => {
    await trx.deleteFrom('feed_entries').where('issuer', '=', 'alpha').where('seq', '=', 7).execute()
    const six = await trx.selectFrom('feed_entries').select('hash').where('issuer', '=', 'alpha').where('seq', '=', 6).executeTakeFirstOrThrow()
    await trx.updateTable('feed_heads').set({ seq: 6, hash: six.hash }).where('issuer', '=', 'alpha').execute()
    await appendEntries(trx, [{ kind: 'decision', recordId: randomUUID(), body: { recordId: randomUUID(), version: 1, forged: true } }], { issuer: 'alpha', key, clock: systemClock })
  })
  proxy.fault = 'pass'
  t.match(await syncRound(bravo, 'alpha'), { status: 'quarantined', code: 'FORK_DETECTED' })
  const health = await peerHealth(bravo, 'alpha')
  t.match(health, { status: 'quarantined', statusReason: /^FORK_DETECTED: .*seq 7/ })
  const evidence = await bravo.db.selectFrom('peer_sync').select('quarantine_evidence').where('agency_id', '=', 'alpha').executeTakeFirstOrThrow()
  t.match(evidence.quarantine_evidence, { earlier: /^eyJ/, later: /^eyJ/ }, 'both signed checkpoints for seq 7 are kept as proof')
  t.equal((await heldEntries(bravo, 'alpha')).length, 7, 'what we held is kept, untouched')
})

t.test('database connections killed again and again during a sync: entries and cursor move together, and the copy ends equal', async (t) => {
  const { alpha, bravo, proxy } = await pair(t)
  const dbName = new URL(bravo.databaseUrl).pathname.slice(1)
  // the test reads bravo's state through a connection of its own, which the killer spares
  const reader = await createDb({ databaseUrl: withApplicationName(bravo.databaseUrl, SPARED), dataDir: '/nonexistent' })
  t.teardown(() => reader.destroy())
  let killed = 0
  const stopKilling = new AbortController()
  const killer = (async () => {
    while (!stopKilling.signal.aborted) {
      // every connection to bravo's database but the reader's; each kill waits until that backend has exited
      const { rows } = await sql<{ killed: boolean }>`select pg_terminate_backend(pid, 10000) as killed from pg_stat_activity
        where datname = ${dbName} and pid <> pg_backend_pid() and application_name <> ${SPARED}`.execute(alpha.db)
      killed += rows.filter((r) => r.killed).length
      await sleepUnlessAborted(5, stopKilling.signal)
    }
  })()
  const stopKiller = async () => { stopKilling.abort(); await killer }
  t.teardown(stopKiller) // before alpha's database is destroyed, whatever happens

  proxy.fault = { delayMs: 50 }
  for (let round = 0; round < 5; round++) {
    // one owner: a round killed while it held the lease does not keep the next one out
    await syncRound(bravo, 'alpha', { owner: 'worker-killed-again-and-again' }).catch(() => undefined)
    const { held, sync } = await reader.transaction().setIsolationLevel('repeatable read').execute(async (trx) => ({
      held: await trx.selectFrom('feed_entries').select(['seq', 'hash']).where('issuer', '=', 'alpha').orderBy('seq').execute(),
      sync: await trx.selectFrom('peer_sync').select(['cursor_seq', 'cursor_hash']).where('agency_id', '=', 'alpha').executeTakeFirstOrThrow()
    }))
    t.equal(sync.cursor_seq, held.length, `round ${round}: the cursor is exactly the last entry held`)
    t.equal(sync.cursor_hash, held.at(-1)?.hash ?? null, `round ${round}: and its hash`)
  }
  await stopKiller()
  t.ok(killed > 0, `connections were killed (${killed})`)
  // Connections killed while idle in bravo's pool fail their next query, once each, and are
  // dropped; with the killer stopped, bravo's database answers once they are gone.
  for (let answered = false; !answered;) answered = await sql`select 1`.execute(bravo.db).then(() => true, () => false)
  proxy.fault = 'pass'
  await bravo.db.updateTable('peer_sync').set({ lease_owner: null, lease_expires_at: null }).where('agency_id', '=', 'alpha').execute()
  await expectRecovered(t, alpha, bravo)
})

t.test('two workers syncing the same peer at once: one holds the lease, nothing is duplicated', async (t) => {
  const { alpha, bravo, proxy } = await pair(t)
  // feed pages wait at the proxy until the loser has answered, so the winner holds the lease meanwhile however slow the machine
  let release = () => {}
  const gate = new Promise<void>((resolve) => { release = resolve })
  proxy.fault = { delayMs: 0, before: () => gate }
  const rounds = [syncRound(bravo, 'alpha', { owner: 'worker-one' }), syncRound(bravo, 'alpha', { owner: 'worker-two' })]
  t.equal(await Promise.race(rounds), undefined, 'the first to answer found the peer leased')
  release()
  const outcomes = await Promise.all(rounds)
  t.equal(outcomes.filter((o) => o?.status === 'synced').length, 1, 'exactly one worker ran the round')
  t.equal(outcomes.filter((o) => o === undefined).length, 1, 'the other found the peer leased')
  proxy.fault = 'pass'
  await expectRecovered(t, alpha, bravo)
})

t.test('a crashed worker\'s lease blocks others until it expires', async (t) => {
  const { alpha, bravo } = await pair(t)
  await bravo.db.updateTable('peer_sync').set({ lease_owner: 'crashed-worker', lease_expires_at: new Date(Date.now() + 60_000) }).where('agency_id', '=', 'alpha').execute()
  t.equal(await syncRound(bravo, 'alpha'), undefined, 'a live lease is respected')
  await bravo.db.updateTable('peer_sync').set({ lease_expires_at: new Date(Date.now() - 1000) }).where('agency_id', '=', 'alpha').execute()
  await expectRecovered(t, alpha, bravo)
})

t.test('an unknown kid inside the JWKS refresh cooldown backs off instead of quarantining', async (t) => {
  const { alpha, bravo } = await pair(t, { PEER_JWKS_COOLDOWN_SECONDS: '3600' })
  await alpha.app.inject({ method: 'POST', url: '/v1/keys/rotate', headers: { authorization: await alpha.auth('admin') } })
  await publishDecision(alpha)
  const outcome = await syncRound(bravo, 'alpha')
  t.match(outcome, { status: 'backing-off', code: 'UNKNOWN_KEY_COOLDOWN' })
  t.match((await peerHealth(bravo, 'alpha')).sync, { state: 'backing_off', cursor: 4 })
})

t.test('a peer that reuses a decision reference does not wedge the sync: the clashing entry is stored, not projected', async (t) => {
  const { alpha, bravo } = await pair(t)
  t.match(await syncRound(bravo, 'alpha'), { status: 'synced', result: { cursor: 7 } })
  const taken = await bravo.db.selectFrom('records').select(['reference', 'body']).where('issuer', '=', 'alpha').executeTakeFirstOrThrow()
  const key = await alpha.app.keyRing.current()
  const clashing = randomUUID()
  await alpha.db.transaction().execute((trx) => appendEntries(trx, [
    { kind: 'decision', recordId: clashing, body: { ...taken.body, recordId: clashing, version: 1 } }
  ], { issuer: 'alpha', key, clock: systemClock }))
  await publishDecision(alpha)
  t.match(await syncRound(bravo, 'alpha'), { status: 'synced', result: { cursor: 9, stored: 2 } }, 'the round completes')
  t.notOk(await bravo.db.selectFrom('records').select('record_id').where('issuer', '=', 'alpha').where('record_id', '=', clashing).executeTakeFirst(), 'the clash is not projected')
  t.equal((await bravo.db.selectFrom('records').select('record_id').where('issuer', '=', 'alpha').execute()).length, 8, 'the entry after it is')
  t.equal((await heldEntries(bravo, 'alpha')).length, 9, 'every entry is stored')
})
