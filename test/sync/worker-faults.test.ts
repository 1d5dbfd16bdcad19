import { randomUUID } from 'node:crypto'
import { sql } from 'kysely'
import t from 'tap'
import { createDb } from '../../src/db/create-db.js'
import { appendEntries, setFeedSigningKey } from '../../src/feed/index.js'
import { generateEd25519Key } from '../../src/signing/index.js'
import { systemClock } from '../../src/lib/clock.js'
import { sleepUnlessAborted } from '../../src/lib/sleep.js'
import { expectRecovered, pair } from '../helpers/faulty-pair.js'
import { heldEntries, peerHealth, publishDecision, syncRound } from '../helpers/federation.js'

// The sync worker's own faults: its database connections killed, two workers at once, a
// crashed worker's lease, a key it may not fetch yet, a peer's reused reference.

/** The application name of the connection the killer test reads through, which the killer spares. */
const SPARED = 'faults-test-reader'
const withApplicationName = (url: string, name: string) => { const u = new URL(url); u.searchParams.set('application_name', name); return u.toString() }

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
  // a key changed out of band: nothing in the feed announces it
  await alpha.db.transaction().execute(async (trx) => {
    const key = await generateEd25519Key()
    await alpha.app.keyRing.install(trx, key, new Date())
    await setFeedSigningKey(trx, 'alpha', key.kid)
  })
  await publishDecision(alpha)
  const outcome = await syncRound(bravo, 'alpha')
  t.match(outcome, { status: 'backing-off', code: 'UNKNOWN_KEY_COOLDOWN' })
  t.match((await peerHealth(bravo, 'alpha')).sync, { state: 'backing_off', cursor: 6 }, 'what came before the unknown key is stored')
})

t.test('a rotation announced in the feed needs no JWKS refresh: the round completes inside the cooldown', async (t) => {
  const { alpha, bravo } = await pair(t, { PEER_JWKS_COOLDOWN_SECONDS: '3600' })
  await alpha.app.inject({ method: 'POST', url: '/v1/keys/rotate', headers: { authorization: await alpha.auth('admin') } })
  await publishDecision(alpha)
  t.match(await syncRound(bravo, 'alpha'), { status: 'synced', result: { cursor: 9, headSeq: 9 } })
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
