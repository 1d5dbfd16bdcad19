import type { Test } from 'tap'
import { startAgency, type TestAgency } from './agency.js'
import { startFaultyProxy } from './faulty-proxy.js'
import { enrolByUrl, heldEntries, peerHealth, publishDecision, syncRound } from './federation.js'

// No timeouts below the defaults: a busy machine may take seconds to answer a page. A test that
// needs a timeout to fire (a peer that never answers) shortens it for its round.
const SYNC_ENV = {
  SYNC_PAGE_SIZE: '2',
  SYNC_MAX_RESPONSE_BYTES: '150000',
  SYNC_BACKOFF_BASE_MS: '1',
  SYNC_BACKOFF_CAP_MS: '2',
  PEER_JWKS_COOLDOWN_SECONDS: '0'
}

/** Alpha publishes; bravo pulls alpha's feed through a faulty proxy. Bravo already holds alpha's first four entries. */
export async function pair (t: Test, env: Record<string, string> = {}) {
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

export async function expectUntouched (t: Test, bravo: TestAgency, expected: { state: string, code: string }) {
  const held = await heldEntries(bravo, 'alpha')
  t.same(held.map((e) => e.seq), [1, 2, 3, 4], 'nothing of the bad page was stored')
  const health = await peerHealth(bravo, 'alpha')
  t.match(health.sync, { cursor: 4, state: expected.state, lastErrorCode: expected.code })
  t.equal((await bravo.db.selectFrom('records').select('record_id').where('issuer', '=', 'alpha').execute()).length, 4, 'projection untouched')
  return health
}

export async function expectRecovered (t: Test, alpha: TestAgency, bravo: TestAgency) {
  const outcome = await syncRound(bravo, 'alpha')
  t.match(outcome, { status: 'synced', result: { cursor: 7 } }, 'the next round completes')
  t.same((await heldEntries(bravo, 'alpha')).map((e) => [e.seq, e.hash, e.prev]), (await source(alpha)).map((e) => [e.seq, e.hash, e.prev]), 'bravo\'s copy equals alpha\'s feed, entry for entry')
  const health = await peerHealth(bravo, 'alpha')
  t.match(health.sync, { state: 'active', cursor: 7, entriesIngested: 7, lastErrorCode: null })
}
