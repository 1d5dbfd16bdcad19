import t, { type Test } from 'tap'
import { verifyChain } from '../../src/feed/index.js'
import { systemClock } from '../../src/lib/clock.js'
import { signPartnerToken } from '../../src/signing/index.js'
import type { TestAgency } from '../helpers/agency.js'
import { readWholeFeed } from '../helpers/feed-client.js'
import { heldEntries, peerHealth, publishDecision, startFederation, syncAll, syncRound } from '../helpers/federation.js'

async function sourceEntries (agency: TestAgency) {
  return agency.db.selectFrom('feed_entries').select(['seq', 'hash', 'prev', 'jws']).where('issuer', '=', agency.id).orderBy('seq').execute()
}

async function peerRecord (holder: TestAgency, issuer: string, recordId: string) {
  return holder.db.selectFrom('records').selectAll().where('issuer', '=', issuer).where('record_id', '=', recordId).executeTakeFirst()
}

/** Every agency holds every other's feed entry for entry, with content exactly where the audience allows. */
async function assertCopiesEqual (t: Test, agencies: TestAgency[]) {
  for (const source of agencies) {
    const original = await sourceEntries(source)
    for (const holder of agencies) {
      if (holder === source) continue
      const copy = await heldEntries(holder, source.id)
      t.same(copy.map((e) => [e.seq, e.hash, e.prev]), original.map((e) => [e.seq, e.hash, e.prev]), `${holder.id} holds ${source.id}'s chain exactly`)
    }
  }
}

t.test('three agencies: full initial sync, incremental sync, revocation, audience, rotation, inbox push', async (t) => {
  const [alpha, bravo, charlie] = await startFederation(t, ['alpha', 'bravo', 'charlie']) as [TestAgency, TestAgency, TestAgency]
  const agencies = [alpha, bravo, charlie]
  const denial = await publishDecision(alpha, { parties: [{ role: 'end_user', name: 'Mahan Air', aliases: ['Mahan Airlines'], country: 'IR', identifiers: [] }], destination: 'IR' })
  await publishDecision(alpha, { outcome: 'granted' })
  await publishDecision(bravo)
  await publishDecision(bravo, { outcome: 'granted', destination: 'IN' })
  await publishDecision(charlie)

  await t.test('full initial sync', async (t) => {
    await syncAll(agencies)
    await assertCopiesEqual(t, agencies)
    const atBravo = await peerRecord(bravo, 'alpha', denial.record.id)
    t.match(atBravo, { kind: 'decision', outcome: 'denied', destination: 'IR', version: 1, status: 'active' }, 'projected at bravo')
    const parties = await bravo.db.selectFrom('record_parties').select(['role', 'name', 'aliases', 'country']).where('issuer', '=', 'alpha').where('record_id', '=', denial.record.id).execute()
    t.same(parties, [{ role: 'end_user', name: 'Mahan Air', aliases: ['Mahan Airlines'], country: 'IR' }], 'its parties are in the query tables')
    const codes = await bravo.db.selectFrom('record_codes').select(['regime', 'code']).where('issuer', '=', 'alpha').where('record_id', '=', denial.record.id).orderBy('regime').execute()
    t.same(codes, [{ regime: 'eu', code: '7A003.a' }, { regime: 'us-eccn', code: '7A003.a' }], 'and its control codes')
    t.match(await peerHealth(bravo, 'alpha'), { status: 'active', sync: { state: 'active', cursor: 2, headSeq: 2, lag: 0, entriesIngested: 2, verificationFailures: 0 } })
    const metrics = await bravo.app.inject({ url: '/metrics' })
    t.equal(metrics.statusCode, 200)
    t.match(metrics.headers['content-type'], /^text\/plain; version=0\.0\.4/)
    for (const line of [
      'reciprocity_peer_state{peer="alpha",state="active"} 1', 'reciprocity_peer_state{peer="alpha",state="quarantined"} 0',
      'reciprocity_peer_cursor_seq{peer="alpha"} 2', 'reciprocity_peer_head_seq{peer="alpha"} 2', 'reciprocity_peer_lag_entries{peer="alpha"} 0',
      'reciprocity_peer_entries_ingested_total{peer="alpha"} 2', 'reciprocity_peer_verification_failures_total{peer="alpha"} 0'
    ]) t.ok(metrics.body.split('\n').includes(line), line)
    t.match(metrics.body, /^# TYPE reciprocity_peer_entries_ingested_total counter$/m)
  })

  await t.test('incremental sync after new publishes', async (t) => {
    await publishDecision(alpha)
    await publishDecision(alpha)
    const outcome = await syncRound(bravo, 'alpha')
    t.match(outcome, { status: 'synced', result: { stored: 2, cursor: 4, headSeq: 4 } })
    t.match(await syncRound(bravo, 'alpha'), { status: 'synced', result: { stored: 0, cursor: 4 } }, 'nothing new: nothing stored')
    t.equal((await heldEntries(bravo, 'alpha')).length, 4)
  })

  await t.test('a revocation at alpha reaches bravo and charlie and changes their projections', async (t) => {
    const res = await alpha.app.inject({
      method: 'POST',
      url: `/v1/decisions/${denial.record.id}/revocations`,
      headers: { authorization: await alpha.auth('officer') },
      payload: { version: 1, reason: 'end user divested the business', effectiveDate: '2026-06-01' }
    })
    t.equal(res.statusCode, 201, res.body)
    await syncAll(agencies)
    for (const holder of [bravo, charlie]) {
      t.match(await peerRecord(holder, 'alpha', denial.record.id), { version: 2, status: 'revoked', revoked_from: '2026-06-01' }, `revoked at ${holder.id}`)
    }
    await assertCopiesEqual(t, agencies)
  })

  await t.test('an entry outside charlie\'s audience reaches charlie as a placeholder and the chain verifies', async (t) => {
    const secret = await publishDecision(alpha, { audience: ['bravo'] })
    await syncAll(agencies)
    const atCharlie = (await heldEntries(charlie, 'alpha')).find((e) => e.seq === secret.entry.seq)
    t.match(atCharlie, { jws: null, hash: secret.entry.hash }, 'placeholder: hash without content')
    t.notOk(await peerRecord(charlie, 'alpha', secret.record.id), 'nothing projected at charlie')
    t.match(await peerRecord(bravo, 'alpha', secret.record.id), { audience: ['bravo'] }, 'bravo has it')
    const next = await publishDecision(alpha)
    t.match(await syncRound(charlie, 'alpha'), { status: 'synced', result: { cursor: next.entry.seq } }, 'charlie continues past the placeholder')
    const feedForCharlie = await readWholeFeed(alpha, async () => `Bearer ${await signPartnerToken(await charlie.app.keyRing.current(), { issuer: 'charlie', audience: 'alpha' }, systemClock)}`)
    t.ok((await verifyChain('alpha', feedForCharlie.entries, feedForCharlie.jwks, { seq: 0, hash: null })).length > 0)
  })

  await t.test('key rotation at alpha between two pages of a sync', async (t) => {
    await publishDecision(alpha)
    await publishDecision(alpha)
    const rotate = await alpha.app.inject({ method: 'POST', url: '/v1/keys/rotate', headers: { authorization: await alpha.auth('admin') } })
    t.equal(rotate.statusCode, 201)
    await publishDecision(alpha)
    const outcome = await syncRound(bravo, 'alpha')
    t.match(outcome, { status: 'synced' }, 'bravo fetched alpha\'s new key and kept going')
    const copy = await heldEntries(bravo, 'alpha')
    const kids = new Set(copy.filter((e) => e.jws !== null).map((e) => JSON.parse(Buffer.from((e.jws as string).split('.')[0] as string, 'base64url').toString()).kid))
    t.equal(kids.size, 2, 'entries signed by both keys are held')
    await assertCopiesEqual(t, [alpha, bravo])
  })

  await t.test('inbox push delivers a denial before the next pull, and the pull does not duplicate it', async (t) => {
    await syncAll(agencies)
    const urgent = await publishDecision(alpha, { parties: [{ role: 'end_user', name: 'Shahid Bakeri Industrial Group', aliases: ['SBIG'], country: 'IR', identifiers: [] }] })
    const jws = (await sourceEntries(alpha)).find((e) => e.seq === urgent.entry.seq)?.jws as string
    const token = await signPartnerToken(await alpha.app.keyRing.current(), { issuer: 'alpha', audience: 'charlie' }, systemClock)
    const push = await charlie.app.inject({ method: 'POST', url: '/v1/inbox', headers: { authorization: `Bearer ${token}` }, payload: { jws } })
    t.equal(push.statusCode, 201, push.body)
    t.match(push.json(), { status: 'stored', seq: urgent.entry.seq, cursor: urgent.entry.seq })
    t.match(await peerRecord(charlie, 'alpha', urgent.record.id), { outcome: 'denied' }, 'the denial is visible at charlie before any pull')
    t.match(await syncRound(charlie, 'alpha'), { status: 'synced', result: { stored: 0, cursor: urgent.entry.seq } }, 'the pull finds nothing new')
    const again = await charlie.app.inject({
      method: 'POST', url: '/v1/inbox', headers: { authorization: `Bearer ${await signPartnerToken(await alpha.app.keyRing.current(), { issuer: 'alpha', audience: 'charlie' }, systemClock)}` }, payload: { jws }
    })
    t.match(again.json(), { status: 'duplicate' }, 'pushing it again is a no-op')
    await syncAll(agencies)
    await assertCopiesEqual(t, agencies)
  })

  await t.test('an entry pushed ahead of the chain waits until the pull fills the gap', async (t) => {
    await syncAll(agencies)
    await publishDecision(alpha)
    const ahead = await publishDecision(alpha)
    const jws = (await sourceEntries(alpha)).find((e) => e.seq === ahead.entry.seq)?.jws as string
    const token = await signPartnerToken(await alpha.app.keyRing.current(), { issuer: 'alpha', audience: 'bravo' }, systemClock)
    const push = await bravo.app.inject({ method: 'POST', url: '/v1/inbox', headers: { authorization: `Bearer ${token}` }, payload: { jws } })
    t.equal(push.statusCode, 202)
    t.match(push.json(), { status: 'pending', seq: ahead.entry.seq, cursor: ahead.entry.seq - 2 })
    t.notOk(await peerRecord(bravo, 'alpha', ahead.record.id), 'not stored yet: the gap is not filled')
    t.match(await syncRound(bravo, 'alpha'), { status: 'synced', result: { cursor: ahead.entry.seq } })
    t.ok(await peerRecord(bravo, 'alpha', ahead.record.id))
    t.equal((await bravo.db.selectFrom('inbox_pending').selectAll().where('issuer', '=', 'alpha').execute()).length, 0, 'the inbox is drained')
    await assertCopiesEqual(t, [alpha, bravo])
  })
})

t.test('urgent entries are pushed to the peers that may see them as soon as they are published', async (t) => {
  const [alpha, bravo, charlie] = await startFederation(t, ['alpha', 'bravo', 'charlie'], { env: { PUSH_ON_PUBLISH: 'true' } }) as [TestAgency, TestAgency, TestAgency]
  const denial = await publishDecision(alpha)
  const grant = await publishDecision(alpha, { outcome: 'granted' })
  const forBravo = await publishDecision(alpha, { audience: ['bravo'] })
  await alpha.app.pusher?.idle()
  t.match(await peerRecord(charlie, 'alpha', denial.record.id), { outcome: 'denied', version: 1 }, 'the denial reached charlie without a pull')
  t.notOk(await peerRecord(charlie, 'alpha', grant.record.id), 'a grant is not urgent: it waits for the pull')
  const waiting = await bravo.db.selectFrom('inbox_pending').select('seq').where('issuer', '=', 'alpha').execute()
  t.same(waiting, [{ seq: forBravo.entry.seq }], 'a denial for bravo only reached bravo, ahead of the grant it has not pulled: it waits in the inbox')
  t.match(await syncRound(bravo, 'alpha'), { status: 'synced', result: { cursor: 3 } })
  t.ok(await peerRecord(bravo, 'alpha', forBravo.record.id), 'and is stored once the pull fills the gap')
  t.notOk(await peerRecord(charlie, 'alpha', forBravo.record.id), 'and was not pushed to charlie, outside its audience')
  t.match(await syncRound(charlie, 'alpha'), { status: 'synced', result: { stored: 2, cursor: 3 } }, 'the pull brings the rest, not the pushed denial again')
  const revoked = await alpha.app.inject({
    method: 'POST', url: `/v1/decisions/${denial.record.id}/revocations`, headers: { authorization: await alpha.auth('officer') }, payload: { version: 1, reason: 'licence regime changed' }
  })
  t.equal(revoked.statusCode, 201)
  await alpha.app.pusher?.idle()
  t.match(await peerRecord(charlie, 'alpha', denial.record.id), { status: 'revoked', version: 2 }, 'the revocation was pushed too')
  const overridden = await publishDecision(alpha, { outcome: 'granted', undercutOverride: { reason: 'Ministerial direction' } })
  await alpha.app.pusher?.idle()
  t.match(await peerRecord(charlie, 'alpha', overridden.record.id), { outcome: 'granted' }, 'a grant recorded over the undercut warning is pushed: allies learn of it at once')
  await assertCopiesEqual(t, [alpha, charlie])
})
