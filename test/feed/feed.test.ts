import { createHash, createPublicKey, verify } from 'node:crypto'
import t from 'tap'
import { appendEntries, verifyChain, ChainError, type EntryDraft } from '../../src/feed/index.js'
import { systemClock } from '../../src/lib/clock.js'
import { verifyCheckpointNote } from '../../src/signing/index.js'
import { enrol, makePeerIdentity, startAgency, type TestAgency } from '../helpers/agency.js'
import { readWholeFeed } from '../helpers/feed-client.js'

async function publish (agency: TestAgency, drafts: EntryDraft[]) {
  const key = await agency.app.keyRing.current()
  return agency.db.transaction().execute((trx) => appendEntries(trx, drafts, { issuer: agency.id, key, clock: systemClock }))
}
const draft = (n: number, audience?: string[]): EntryDraft => ({
  kind: 'decision', recordId: crypto.randomUUID(), body: { reference: `REF-${n}`, outcome: n % 2 === 0 ? 'denied' : 'granted' }, audience
})

t.test('a chain of 1,000 entries read through the API verifies end to end', async (t) => {
  const agency = await startAgency(t)
  const peer = await makePeerIdentity('peer-one')
  await enrol(agency, peer)
  for (let i = 0; i < 4; i++) await publish(agency, Array.from({ length: 250 }, (_, j) => draft(i * 250 + j)))
  const { entries, jwks } = await readWholeFeed(agency, () => peer.auth(agency.id), 300)
  t.equal(entries.length, 1000)
  const verified = await verifyChain(agency.id, entries, jwks, { seq: 0, hash: null })
  t.same(verified.map((e) => e.seq), Array.from({ length: 1000 }, (_, i) => i + 1), 'seqs 1..1000 without gaps')
  t.equal(verified[999]?.payload?.body.reference, 'REF-999')

  const tampered = entries.map((e) => ({ ...e }))
  const victim = tampered[500] as { seq: number, jws: string }
  const [h, p, s] = victim.jws.split('.')
  const body = JSON.parse(Buffer.from(p as string, 'base64url').toString())
  body.body.outcome = 'granted'
  victim.jws = `${h}.${Buffer.from(JSON.stringify(body)).toString('base64url')}.${s}`
  t.match(await verifyChain(agency.id, tampered, jwks, { seq: 0, hash: null }).catch((e: unknown) => e), { reason: 'bad-signature', seq: 501 })
  const removed = entries.filter((e) => e.seq !== 700)
  await t.rejects(verifyChain(agency.id, removed, jwks, { seq: 0, hash: null }), ChainError)
})

t.test('one append of more entries than one statement stores them all and moves the head to the last', async (t) => {
  const agency = await startAgency(t)
  const entries = await publish(agency, Array.from({ length: 1001 }, (_, i) => draft(i)))
  const head = await agency.db.selectFrom('feed_heads').select(['seq', 'hash']).where('issuer', '=', agency.id).executeTakeFirstOrThrow()
  t.same(head, { seq: 1001, hash: entries.at(-1)?.hash }, 'the head is the last entry')
  const stored = await agency.db.selectFrom('feed_entries').select((eb) => eb.fn.countAll<number>().as('n')).where('issuer', '=', agency.id).executeTakeFirstOrThrow()
  t.equal(Number(stored.n), 1001)
})

t.test('an entry verifies by an independent path: node:crypto Ed25519 over the signing input', async (t) => {
  const agency = await startAgency(t)
  const peer = await makePeerIdentity('peer-two')
  await enrol(agency, peer)
  await publish(agency, [draft(1), draft(2)])
  const { entries, jwks } = await readWholeFeed(agency, () => peer.auth(agency.id))
  const second = entries[1] as { jws: string }
  const first = entries[0] as { jws: string }
  const [header, payload, signature] = second.jws.split('.') as [string, string, string]
  const { kid, alg, typ } = JSON.parse(Buffer.from(header, 'base64url').toString())
  t.same({ alg, typ }, { alg: 'EdDSA', typ: 'reciprocity-entry+jws' })
  const jwk = jwks.keys.find((k) => k.kid === kid)
  t.ok(jwk, 'the kid is in the JWKS')
  const publicKey = createPublicKey({ key: jwk as never, format: 'jwk' })
  t.ok(verify(null, Buffer.from(`${header}.${payload}`), publicKey, Buffer.from(signature, 'base64url')), 'signature verifies')
  const claims = JSON.parse(Buffer.from(payload, 'base64url').toString())
  t.equal(claims.prev, createHash('sha256').update(first.jws).digest('base64url'), 'prev is SHA-256 of the previous JWS')
  t.match(claims, { v: 1, iss: agency.id, seq: 2, kind: 'decision', aud: ['*'] })
  const thumbprint = createHash('sha256').update(JSON.stringify({ crv: jwk?.crv, kty: jwk?.kty, x: jwk?.x })).digest('base64url')
  t.equal(kid, thumbprint, 'kid is the RFC 7638 thumbprint')
})

t.test('50 concurrent publishes give gap-free seqs and a valid chain', async (t) => {
  const agency = await startAgency(t)
  const peer = await makePeerIdentity('peer-three')
  await enrol(agency, peer)
  await Promise.all(Array.from({ length: 50 }, (_, i) => publish(agency, [draft(i)])))
  const { entries, jwks } = await readWholeFeed(agency, () => peer.auth(agency.id))
  const verified = await verifyChain(agency.id, entries, jwks, { seq: 0, hash: null })
  t.equal(verified.length, 50)
  t.same(new Set(verified.map((e) => e.payload?.body.reference)).size, 50, 'every publish landed once')
})

t.test('entries outside the caller\'s audience are placeholders and the chain still verifies', async (t) => {
  const agency = await startAgency(t)
  const b = await makePeerIdentity('bravo')
  const c = await makePeerIdentity('charlie')
  await enrol(agency, b)
  await enrol(agency, c)
  await publish(agency, [draft(1), draft(2, ['bravo']), draft(3), draft(4, ['bravo', 'delta'])])
  const forC = await readWholeFeed(agency, () => c.auth(agency.id))
  t.same(forC.entries.map((e) => 'jws' in e), [true, false, true, false], 'charlie sees placeholders for bravo-only entries')
  t.same(Object.keys(forC.entries[1] as object).sort(), ['hash', 'prev', 'seq'], 'a placeholder carries seq, hash and prev only')
  t.equal((await verifyChain(agency.id, forC.entries, forC.jwks, { seq: 0, hash: null })).length, 4)
  const forB = await readWholeFeed(agency, () => b.auth(agency.id))
  t.ok(forB.entries.every((e) => 'jws' in e), 'bravo sees everything')
})

t.test('entries signed before a key rotation still verify from the JWKS after it', async (t) => {
  const agency = await startAgency(t)
  const peer = await makePeerIdentity('peer-four')
  await enrol(agency, peer)
  await publish(agency, [draft(1), draft(2)])
  const rotate = await agency.app.inject({ method: 'POST', url: '/v1/keys/rotate', headers: { authorization: await agency.auth('admin') } })
  t.equal(rotate.statusCode, 201)
  await publish(agency, [draft(3)])
  const { entries, jwks } = await readWholeFeed(agency, () => peer.auth(agency.id))
  t.match(jwks.keys, [{ kid: rotate.json().kid, status: 'current' }, { kid: rotate.json().retired, status: 'retired', retiredAt: /^\d{4}-/ }], 'current and retired keys are published, with their status')
  const verified = await verifyChain(agency.id, entries, jwks, { seq: 0, hash: null })
  t.match(verified[2]?.payload, { kind: 'key-status', body: { keys: [{ kid: rotate.json().kid, status: 'current', jwk: { x: /./ } }, { kid: rotate.json().retired, status: 'retired' }] } },
    'the rotation is an entry of the feed, announcing the new key')
  t.equal(verified[2]?.kid, verified[0]?.kid, 'signed with the old key, which peers trust')
  t.equal(rotate.json().seq, 3)
  t.not(verified[0]?.kid, verified[3]?.kid, 'the entries were signed by different keys')
  t.equal(verified[3]?.kid, rotate.json().kid)
})

t.test('the signed checkpoint names the head seq and hash', async (t) => {
  const agency = await startAgency(t)
  const peer = await makePeerIdentity('peer-five')
  await enrol(agency, peer)
  const empty = await agency.app.inject({ url: '/v1/feed/head', headers: { authorization: await peer.auth(agency.id) } })
  t.match(empty.json(), { seq: 0, hash: null })
  const [, last] = await publish(agency, [draft(1), draft(2)])
  const res = await agency.app.inject({ url: '/v1/feed/head', headers: { authorization: await peer.auth(agency.id) } })
  t.match(res.json(), { seq: 2, hash: last?.hash })
  const note = res.json().checkpoint as string
  t.equal(note.split('\n\n')[0], `${agency.id}\n2\n${Buffer.from(last?.hash ?? '', 'base64url').toString('base64')}`, 'a C2SP checkpoint: origin, size, root hash (base64)')
  const jwks = (await agency.app.inject({ url: '/.well-known/jwks.json' })).json()
  t.match(verifyCheckpointNote(note, agency.id, jwks), { seq: 2, hash: last?.hash, kid: jwks.keys[0].kid }, 'signed with our key (an Ed25519 note signature)')
  t.match(empty.json().checkpoint, new RegExp(`^${agency.id}\n0\n47DEQpj8HBSa\\+/TImW\\+5JCeuQeRkm5NMpJWZG3hSuFU=\n\n— ${agency.id} `), 'the empty feed: size 0, the hash of nothing')
})

t.test('a full, public page is served from the cache; a page with a restricted entry never is', async (t) => {
  const agency = await startAgency(t)
  const bravo = await makePeerIdentity('bravo')
  const charlie = await makePeerIdentity('charlie')
  await enrol(agency, bravo)
  await enrol(agency, charlie)
  await publish(agency, [draft(1), draft(2), draft(3, ['bravo']), draft(4)])
  const page = async (peer: typeof bravo, after: number) =>
    (await agency.app.inject({ url: `/v1/feed?after=${after}&limit=2`, headers: { authorization: await peer.auth(agency.id) } })).json()
  const first = await page(bravo, 0)
  t.same(await page(charlie, 0), first, 'the same public page for every peer')
  t.ok((await page(bravo, 2)).entries.every((e: object) => 'jws' in e), 'bravo sees the entry restricted to it')
  t.same((await page(charlie, 2)).entries.map((e: object) => 'jws' in e), [false, true], 'charlie still gets the placeholder after bravo read the page')
  await publish(agency, [draft(5)])
  t.match(await page(charlie, 0), { headSeq: 5, hasMore: true }, 'head and hasMore stay current on a cached page')
})
