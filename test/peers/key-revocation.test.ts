import { randomUUID } from 'node:crypto'
import t from 'tap'
import { signMessage, type MessagePayload } from '../../src/consultations/messages.js'
import { systemClock } from '../../src/lib/clock.js'
import { sha256Base64url } from '../../src/lib/hash.js'
import { ENTRY_TYP, signCompact, signPartnerToken, type SigningKey } from '../../src/signing/index.js'
import { startAgency, type TestAgency } from '../helpers/agency.js'
import { enrolByUrl, heldEntries, peerHealth, publishDecision, startFederation, syncRound } from '../helpers/federation.js'
import { until } from '../helpers/until.js'

// docs/federation.md section 1: retired and revoked keys, as peers see them

const feedHead = async (at: TestAgency, key: SigningKey, issuer: string) => {
  const token = await signPartnerToken(key, { issuer, audience: at.id, lifetimeSeconds: 60 }, systemClock)
  return at.app.inject({ url: '/v1/feed/head', headers: { authorization: `Bearer ${token}` } })
}

/** What a thief holding `key` would sign: the next entry of `issuer`'s feed, dated now, stored as if published. */
async function forgeNextEntry (agency: TestAgency, key: SigningKey) {
  const head = await agency.db.selectFrom('feed_heads').select(['seq', 'hash']).where('issuer', '=', agency.id).executeTakeFirstOrThrow()
  const recordId = randomUUID()
  const payload = { v: 1, iss: agency.id, seq: head.seq + 1, id: randomUUID(), kind: 'decision', time: new Date().toISOString(), aud: ['*'], prev: head.hash, body: { recordId, version: 1, forged: true } }
  const jws = signCompact(payload, key, ENTRY_TYP)
  await agency.db.insertInto('feed_entries').values({ issuer: agency.id, seq: payload.seq, entry_id: payload.id, kind: 'decision', record_id: recordId, audience: null, jws, hash: sha256Base64url(jws), prev: head.hash, published_at: new Date(payload.time) }).execute()
  await agency.db.updateTable('feed_heads').set({ seq: payload.seq, hash: sha256Base64url(jws) }).where('issuer', '=', agency.id).execute()
  return jws
}

const revoke = async (agency: TestAgency, kid: string, body: Record<string, unknown>) =>
  agency.app.inject({ method: 'POST', url: `/v1/keys/${kid}/revocation`, headers: { authorization: await agency.auth('admin') }, payload: body })

t.test('a key revoked at alpha: bravo and charlie refuse its tokens, messages and new entries at once, and older entries still verify', async (t) => {
  const agencies = await startFederation(t, ['alpha', 'bravo', 'charlie'], { env: { PUSH_ON_PUBLISH: 'true' } })
  const [alpha, bravo, charlie] = agencies as [TestAgency, TestAgency, TestAgency]
  await publishDecision(alpha)
  await publishDecision(alpha)
  // denials are pushed: both peers hold them at once
  for (const peer of [bravo, charlie]) await until(async () => (await heldEntries(peer, 'alpha')).length === 2)
  const stolen = await alpha.app.keyRing.current()
  t.equal((await feedHead(bravo, stolen, 'alpha')).statusCode, 200, 'before: the key authenticates alpha')

  const res = await revoke(alpha, stolen.kid, { reason: 'The key was on a laptop stolen on 1 December' })
  t.equal(res.statusCode, 201, res.body)
  const revoked = res.json()
  t.match(revoked, { kid: stolen.kid, rotatedTo: /^[\w-]{43}$/, seq: 4 }, 'the current key is rotated out first (entry 3), then revoked (entry 4)')
  const keys = (await alpha.app.inject({ url: '/v1/keys', headers: { authorization: await alpha.auth('admin') } })).json().keys
  t.match(keys, [{ kid: revoked.rotatedTo, status: 'current' }, { kid: stolen.kid, status: 'revoked', revokedFrom: revoked.revokedFrom, revocationReason: /stolen/ }])
  const jwks = (await alpha.app.inject({ url: '/.well-known/jwks.json' })).json()
  t.match(jwks.keys, [{ kid: revoked.rotatedTo, status: 'current' }, { kid: stolen.kid, status: 'revoked', revokedFrom: revoked.revokedFrom }], 'the JWKS marks the key revoked')
  const audit = await alpha.db.selectFrom('audit_events').select(['action', 'subject_id', 'detail']).where('action', 'in', ['key-rotated', 'key-revoked']).execute()
  t.match(audit, [{ action: 'key-revoked', subject_id: stolen.kid, detail: { reason: /stolen/, seq: 4 } }])

  // pushed at once: both peers take the two key-status entries into their copies
  for (const peer of [bravo, charlie]) {
    await until(async () => (await heldEntries(peer, 'alpha')).length === 4)
    t.match(await peer.db.selectFrom('peer_key_status').select(['status', 'entry_seq', 'learned_from']).where('agency_id', '=', 'alpha').where('kid', '=', stolen.kid).executeTakeFirst(),
      { status: 'revoked', entry_seq: 3, learned_from: 'feed' }, `${peer.id} holds the revocation (bound by the rotation entry 3, the first to limit the key)`)
    t.match((await feedHead(peer, stolen, 'alpha')).json(), { status: 401, code: 'TOKEN_INVALID' }, `${peer.id} refuses a token signed with the revoked key`)
    t.equal((await feedHead(peer, await alpha.app.keyRing.current(), 'alpha')).statusCode, 200, `${peer.id} takes the new key`)
  }
  const message: MessagePayload = {
    iss: 'alpha', aud: 'bravo', consultation: randomUUID(), message: randomUUID(), kind: 'information', sentAt: new Date().toISOString(), text: 'Please call us'
  } as MessagePayload
  const token = await signPartnerToken(await alpha.app.keyRing.current(), { issuer: 'alpha', audience: 'bravo', lifetimeSeconds: 60 }, systemClock)
  const pushed = await bravo.app.inject({ method: 'POST', url: '/v1/inbox/consultations', headers: { authorization: `Bearer ${token}` }, payload: { jws: signMessage(message, stolen) } })
  t.match(pushed.json(), { status: 422, code: 'MESSAGE_REFUSED', detail: /signed with key .* alpha revoked/ }, 'a consultation message signed with the revoked key is refused')

  // a newcomer syncing alpha's whole feed now: everything signed with the key before its revocation verifies
  const delta = await startAgency(t, 'delta', { listen: true, env: { PEER_JWKS_COOLDOWN_SECONDS: '0' } })
  await enrolByUrl(delta, alpha)
  await enrolByUrl(alpha, delta)
  t.match(await syncRound(delta, 'alpha'), { status: 'synced', result: { cursor: 4 } }, 'entries signed before the revocation keep verifying')

  // the thief signs a new entry with the stolen key: pushed to bravo, pulled by charlie
  const forged = await forgeNextEntry(alpha, stolen)
  const push = await bravo.app.inject({ method: 'POST', url: '/v1/inbox', headers: { authorization: `Bearer ${await signPartnerToken(await alpha.app.keyRing.current(), { issuer: 'alpha', audience: 'bravo', lifetimeSeconds: 60 }, systemClock)}` }, payload: { jws: forged } })
  t.match(push.json(), { status: 422, code: 'ENTRY_INVALID', detail: /KEY_REVOKED/ }, 'bravo refuses the pushed entry')
  t.match(await peerHealth(bravo, 'alpha'), { status: 'quarantined', statusReason: /^KEY_REVOKED/ })
  t.match(await syncRound(charlie, 'alpha'), { status: 'quarantined', code: 'KEY_REVOKED' }, 'charlie quarantines alpha on pulling it')
  const evidence = await charlie.db.selectFrom('peer_sync').select('quarantine_evidence').where('agency_id', '=', 'alpha').executeTakeFirstOrThrow()
  t.match(evidence.quarantine_evidence, { seq: 5, entry: { jws: forged } }, 'the forged entry is kept as evidence')
  t.equal((await heldEntries(charlie, 'alpha')).length, 4, 'nothing of it is stored')
})

t.test('a rotated-out key no longer authenticates its agency; a peer enrolled with inline keys learns the new key from the feed', async (t) => {
  const alpha = await startAgency(t, 'alpha', { listen: true })
  const bravo = await startAgency(t, 'bravo', { listen: true, env: { PEER_JWKS_COOLDOWN_SECONDS: '0' } })
  const jwks = (await alpha.app.inject({ url: '/.well-known/jwks.json' })).json()
  const enrolled = await bravo.app.inject({ method: 'POST', url: '/v1/peers', headers: { authorization: await bravo.auth('admin') }, payload: { agencyId: 'alpha', name: 'Alpha', country: 'FR', baseUrl: alpha.url, jwks } })
  t.equal(enrolled.statusCode, 201, 'bravo holds alpha\'s keys inline: no JWKS URL to refresh them from')
  await enrolByUrl(alpha, bravo)
  await publishDecision(alpha)
  t.match(await syncRound(bravo, 'alpha'), { status: 'synced', result: { cursor: 1 } })
  const old = await alpha.app.keyRing.current()

  const rotated = await alpha.app.inject({ method: 'POST', url: '/v1/keys/rotate', headers: { authorization: await alpha.auth('admin') } })
  t.match(rotated.json(), { retired: old.kid, seq: 2 })
  await publishDecision(alpha)
  t.equal((await feedHead(bravo, old, 'alpha')).statusCode, 200, 'until bravo learns of the rotation, the old key still counts')
  t.match(await syncRound(bravo, 'alpha'), { status: 'synced', result: { cursor: 3, headSeq: 3 } }, 'the checkpoint, signed with the new key, is verified once the rotation entry announced it')
  const peer = (await bravo.app.inject({ url: '/v1/peers/alpha', headers: { authorization: await bravo.auth('admin') } })).json()
  t.match(peer, { keyIds: [old.kid, rotated.json().kid], keyStatuses: [{ kid: old.kid, status: 'retired', seq: 2 }] })
  t.match((await feedHead(bravo, old, 'alpha')).json(), { status: 401, code: 'TOKEN_INVALID' }, 'a token signed with the rotated-out key is refused (it was accepted before this issue)')
  t.equal((await feedHead(bravo, await alpha.app.keyRing.current(), 'alpha')).statusCode, 200)

  // an entry signed with the retired key after its retirement
  await forgeNextEntry(alpha, old)
  t.match(await syncRound(bravo, 'alpha'), { status: 'quarantined', code: 'KEY_RETIRED' })
})

t.test('revocation is refused for a key we do not have, one revoked already, or from a time to come', async (t) => {
  const alpha = await startAgency(t, 'alpha')
  await publishDecision(alpha)
  const key = await alpha.app.keyRing.current()
  t.match((await revoke(alpha, 'A'.repeat(43), { reason: 'x' })).json(), { status: 404, code: 'KEY_NOT_FOUND' })
  t.match((await revoke(alpha, key.kid, {})).json(), { status: 400, code: 'INVALID_REQUEST' }, 'a reason is needed')
  t.match((await revoke(alpha, key.kid, { reason: 'x', from: '2999-01-01T00:00:00Z' })).json(), { status: 400, code: 'INVALID_REQUEST', errors: [{ pointer: '/body/from' }] })
  t.match((await revoke(alpha, key.kid, { reason: 'compromised', from: '2026-01-01T00:00:00Z' })).json(), { revokedFrom: '2026-01-01T00:00:00.000Z' }, 'from a past time: our own entries since stay ours')
  t.match((await revoke(alpha, key.kid, { reason: 'again' })).json(), { status: 409, code: 'KEY_ALREADY_REVOKED' })
  t.not((await alpha.app.keyRing.current()).kid, key.kid, 'a new key signs from now on')
  t.equal((await publishDecision(alpha)).entry.seq, 4, 'publishing goes on with it')
})

t.test('an administrator changes a peer\'s base URL and keys; each change is audited', async (t) => {
  const alpha = await startAgency(t, 'alpha', { listen: true })
  const bravo = await startAgency(t, 'bravo', { listen: true })
  await enrolByUrl(bravo, alpha)
  const patch = async (payload: Record<string, unknown>) =>
    bravo.app.inject({ method: 'PATCH', url: '/v1/peers/alpha', headers: { authorization: await bravo.auth('admin') }, payload })
  const other = await startAgency(t, 'other-alpha', { listen: true })
  const otherJwks = (await other.app.inject({ url: '/.well-known/jwks.json' })).json()
  const moved = await patch({ baseUrl: `${other.url}/` })
  t.match(moved.json(), { baseUrl: other.url })
  const rekeyed = await patch({ jwks: otherJwks })
  t.match(rekeyed.json(), { jwksUrl: `${alpha.url}/.well-known/jwks.json`, keyIds: [otherJwks.keys[0].kid] })
  t.match((await patch({ jwksUrl: null })).json(), { jwksUrl: null })
  t.match((await patch({ baseUrl: 'ftp://x' })).json(), { status: 400 })
  t.match((await patch({ jwks: otherJwks, jwksUrl: `${alpha.url}/.well-known/jwks.json` })).json(), { status: 400, detail: /not both/ })
  t.match((await patch({})).json(), { status: 400 })
  const events = await bravo.db.selectFrom('audit_events').select(['action', 'detail']).where('action', '=', 'peer-updated').orderBy('seq').execute()
  t.match(events, [
    { detail: { baseUrl: { from: alpha.url, to: other.url } } },
    { detail: { keyIds: { to: [otherJwks.keys[0].kid] } } },
    { detail: { jwksUrl: { from: `${alpha.url}/.well-known/jwks.json`, to: null } } }
  ])
})
