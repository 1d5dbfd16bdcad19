import { execFile } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import t from 'tap'
import type { TestAgency } from '../helpers/agency.js'
import { decision, enrolByUrl, heldEntries, peerHealth, startFederation, syncRound } from '../helpers/federation.js'
import { freePort, startServer } from '../helpers/processes.js'
import { until } from '../helpers/until.js'

const run = promisify(execFile)

// docs/operations.md, "Backup and restore", the embedded database: stop, copy DATA_DIR, restore the copy, start

t.test('an agency on the embedded database: its DATA_DIR copied, more published, the copy put back: at start it holds publishing, recovers the lost tail from its peers by itself, and goes on', async (t) => {
  const [bravo, charlie] = await startFederation(t, ['bravo', 'charlie']) as [TestAgency, TestAgency]
  const root = await mkdtemp(join(tmpdir(), 'reciprocity-embedded-'))
  t.teardown(() => rm(root, { recursive: true, force: true }))
  const dataDir = join(root, 'data')
  const backup = join(root, 'backup')
  const port = await freePort()
  const env = {
    AGENCY_ID: 'alpha',
    AGENCY_NAME: 'Agency alpha',
    DATA_DIR: dataDir,
    PORT: String(port),
    KEY_ENCRYPTION_KEY: randomBytes(32).toString('base64url'),
    IDP_JWKS_URL: bravo.config.idp.jwksUrl as string,
    IDP_ISSUER: bravo.config.idp.issuer,
    IDP_AUDIENCE: bravo.config.idp.audience,
    PUSH_ON_PUBLISH: 'false',
    SYNC_IN_PROCESS: 'true',
    PEER_JWKS_COOLDOWN_SECONDS: '0',
    RATE_LIMIT_API: '0',
    RATE_LIMIT_FEED: '0',
    RATE_LIMIT_PUBLIC: '0'
  }
  let server = await startServer(t, env)
  const alpha = { id: 'alpha', url: server.url }
  for (const peer of [bravo, charlie]) {
    const res = await fetch(`${server.url}/v1/peers`, {
      method: 'POST',
      headers: { authorization: await bravo.auth('admin'), 'content-type': 'application/json' },
      body: JSON.stringify({ agencyId: peer.id, name: `Agency ${peer.id}`, country: 'FR', baseUrl: peer.url, jwksUrl: `${peer.url}/.well-known/jwks.json` })
    })
    t.equal(res.status, 201)
    await enrolByUrl(peer, alpha)
  }
  /** Publishes at alpha once it takes publications (503 FEED_RECOVERY_PENDING while it holds them); returns the seq. */
  const publish = async (reference: string) => {
    let seq = 0
    await until(async () => {
      const res = await fetch(`${server.url}/v1/decisions`, { method: 'POST', headers: { authorization: await bravo.auth('officer'), 'content-type': 'application/json' }, body: JSON.stringify(decision({ reference })) })
      if (res.status === 201) seq = (await res.json() as { entry: { seq: number } }).entry.seq
      else if (res.status !== 503) throw new Error(`publish: ${res.status} ${await res.text()}`)
      return res.status === 201
    })
    return seq
  }
  const syncBoth = async (cursor: number) => {
    for (const peer of [bravo, charlie]) t.match(await syncRound(peer, 'alpha'), { status: 'synced', result: { cursor } }, `${peer.id} holds alpha up to ${cursor}`)
  }
  t.equal(await publish('EMBEDDED-1'), 1)
  t.equal(await publish('EMBEDDED-2'), 2)
  await syncBoth(2)

  // the backup: stop the agency, copy DATA_DIR
  await server.stop()
  await run('cp', ['-a', dataDir, backup])
  server = await startServer(t, env)
  t.equal(await publish('EMBEDDED-3'), 3, 'started again with its peers there: it compares, finds nothing missing, publishes')
  t.equal(await publish('EMBEDDED-4'), 4)
  await syncBoth(4)

  // the disk is lost: the copy is put back
  await server.stop()
  await rm(dataDir, { recursive: true, force: true })
  await run('cp', ['-a', backup, dataDir])
  server = await startServer(t, env)
  t.equal(await publish('EMBEDDED-5'), 5, 'entries 3 and 4 were recovered from the peers before anything was published: the next is 5')
  await syncBoth(5)
  for (const peer of [bravo, charlie]) t.match(await peerHealth(peer, 'alpha'), { status: 'active', sync: { verificationFailures: 0 } }, `${peer.id} keeps alpha active`)
  t.same(await heldEntries(bravo, 'alpha'), await heldEntries(charlie, 'alpha'), 'both copies are one history')
  const audit = await fetch(`${server.url}/v1/audit-events?action=feed-recovered`, { headers: { authorization: await bravo.auth('auditor') } })
  t.match(await audit.json(), { events: [{ actor: 'witness-job', detail: { from: 2, to: 4 } }] }, 'the recovery is in the audit trail')
  await server.stop()
})
