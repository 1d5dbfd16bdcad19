import t from 'tap'
import type { SyncConfig } from '../../src/config.js'
import type { Fault } from '../helpers/faulty-proxy.js'
import { expectRecovered, expectUntouched, pair } from '../helpers/faulty-pair.js'
import { syncRound } from '../helpers/federation.js'

// What a peer answers (or does not) that the worker backs off from and recovers. What it
// quarantines is in quarantine.test.ts, the worker's own faults (its database, leases,
// concurrency) in worker-faults.test.ts: three files, which tap runs side by side.

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
