import t, { type Test } from 'tap'
import { makePeerIdentity, enrol, startAgency, type AgencyOptions } from '../helpers/agency.js'
import { captureLogs } from '../helpers/capture-logs.js'
import { publishDecision, syncRound } from '../helpers/federation.js'
import { startHostileServer } from '../helpers/hostile-server.js'

// The pull and the push go through the one outbound client: its byte cap holds while a body
// streams in, and OUTBOUND_PRIVATE_ADDRESSES=refuse refuses the peer's address before any
// connection. Every server listens on 127.0.0.1.

const ENV = { SYNC_MAX_RESPONSE_BYTES: '150000', SYNC_BACKOFF_BASE_MS: '1', SYNC_BACKOFF_CAP_MS: '2', PUSH_ATTEMPTS: '1' }

/** An agency that enrolled peers at these base URLs, with their keys given (no JWKS fetch). */
async function agencyWithPeers (t: Test, peers: Record<string, string>, options: AgencyOptions = {}) {
  const agency = await startAgency(t, undefined, { ...options, env: { ...ENV, PUSH_ON_PUBLISH: 'true', ...options.env } })
  for (const [id, baseUrl] of Object.entries(peers)) await enrol(agency, await makePeerIdentity(id), baseUrl)
  return agency
}

t.test('a peer that answers without end: the pull and the push are cut at their caps', async (t) => {
  const server = await startHostileServer(t, 'endless')
  const logs = captureLogs('debug')
  const agency = await agencyWithPeers(t, { peer: server.url }, { logger: logs.logger })

  await publishDecision(agency)
  await agency.app.pusher?.idle()
  t.match(server.requests, [{ method: 'POST', url: '/v1/inbox', body: /"jws":"ey/ }], 'the denial was pushed')
  await server.cut()
  t.match(logs.lines.filter((l) => l.msg === 'push failed'), [{ peer: 'peer', outcome: /exceeds the cap of 65536 bytes/ }], 'the push was cut at its cap')
  t.match(logs.lines.filter((l) => l.msg === 'push gave up; the pull will deliver the entry'), [{ peer: 'peer' }])

  t.match(await syncRound(agency, 'peer'), { status: 'backing-off', code: 'PEER_RESPONSE_TOO_LARGE', message: /exceeds the cap of 150000 bytes/ }, 'the pull was cut at SYNC_MAX_RESPONSE_BYTES')
})

t.test('OUTBOUND_PRIVATE_ADDRESSES=refuse: neither the pull nor the push reaches a peer on a loopback address', async (t) => {
  const server = await startHostileServer(t, { status: 201, body: '{}' })
  const logs = captureLogs('debug')
  const peers = { 'by-address': server.url, 'by-name': `http://localhost:${server.port}` }
  const agency = await agencyWithPeers(t, peers, { logger: logs.logger, env: { OUTBOUND_PRIVATE_ADDRESSES: 'refuse' } })

  await publishDecision(agency)
  await agency.app.pusher?.idle()
  const refused = logs.lines.filter((l) => l.msg === 'push not sent: the peer\'s address is refused')
  t.match(refused.map((l) => l.peer).sort(), ['by-address', 'by-name'], 'no push was sent')
  for (const id of Object.keys(peers)) {
    t.match(await syncRound(agency, id), { status: 'backing-off', code: 'PEER_URL_REFUSED', message: /is a loopback, link-local or private address/ }, `${id}: no pull was made`)
  }
  t.equal(server.connections, 0, 'the server never got a connection')
})
