import { generateKeyPairSync, randomUUID, sign } from 'node:crypto'
import t from 'tap'
import { appendEntries } from '../../src/feed/index.js'
import { systemClock } from '../../src/lib/clock.js'
import type { Fault } from '../helpers/faulty-proxy.js'
import { expectRecovered, expectUntouched, pair } from '../helpers/faulty-pair.js'
import { heldEntries, peerHealth, syncRound } from '../helpers/federation.js'

// What a peer sends that must never be stored: the peer is quarantined until an administrator
// acts, and what we held is kept untouched.

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
  t.match(evidence.quarantine_evidence, { earlier: /^alpha\n7\n.*\n\n— alpha /, later: /^alpha\n7\n.*\n\n— alpha / }, 'both signed checkpoints for seq 7 are kept as proof')
  t.equal((await heldEntries(bravo, 'alpha')).length, 7, 'what we held is kept, untouched')
})
