import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import t from 'tap'
import { createDb } from '../../src/db/create-db.js'
import type { TestAgency } from '../helpers/agency.js'
import { backUp, restoreToNewDatabase } from '../helpers/backup.js'
import { decision, heldEntries, peerHealth, publishDecision, startFederation, syncRound } from '../helpers/federation.js'
import { runCli, startServer } from '../helpers/processes.js'

// docs/operations.md, "Backup and restore": back up, publish more, lose the disk, restore, recover

t.test('back up alpha, publish more, restore the backup: the restarted server holds publishing, `feed recover` takes the lost tail back from the peers, and no peer is quarantined', async (t) => {
  const [alpha, bravo, charlie] = await startFederation(t, ['alpha', 'bravo', 'charlie']) as [TestAgency, TestAgency, TestAgency]
  for (let i = 0; i < 3; i++) await publishDecision(alpha)
  const backup = await backUp(t, alpha.databaseUrl)
  await publishDecision(alpha, { reference: 'AFTER-THE-BACKUP-1' })
  await publishDecision(alpha, { outcome: 'granted', reference: 'AFTER-THE-BACKUP-2', validUntil: '2028-01-01' })
  for (const peer of [bravo, charlie]) t.match(await syncRound(peer, 'alpha'), { status: 'synced', result: { cursor: 5 } })
  const before = await heldEntries(alpha, 'alpha')

  // the disk is lost: the server stops, the backup is restored on a new database, the server starts again at its address
  const port = Number(new URL(alpha.url).port)
  await alpha.app.close()
  const restored = await restoreToNewDatabase(t, backup)
  const dataDir = await mkdtemp(join(tmpdir(), 'reciprocity-restored-'))
  t.teardown(() => rm(dataDir, { recursive: true, force: true }))
  const env = {
    AGENCY_ID: 'alpha',
    AGENCY_NAME: 'Agency alpha',
    DATABASE_URL: restored,
    DATA_DIR: dataDir,
    KEY_ENCRYPTION_KEY: (alpha.config.keyEncryptionKey as { value: string }).value,
    IDP_JWKS_URL: alpha.config.idp.jwksUrl as string,
    IDP_ISSUER: alpha.config.idp.issuer,
    IDP_AUDIENCE: alpha.config.idp.audience,
    PUSH_ON_PUBLISH: 'false',
    RATE_LIMIT_API: '0',
    RATE_LIMIT_FEED: '0',
    RATE_LIMIT_PUBLIC: '0'
  }
  const server = await startServer(t, { ...env, PORT: String(port) })
  const publish = async (reference: string) => fetch(`${server.url}/v1/decisions`, {
    method: 'POST', headers: { authorization: await alpha.auth('officer'), 'content-type': 'application/json' }, body: JSON.stringify(decision({ reference }))
  })
  const held = await publish('WHILE-HELD')
  t.equal(held.status, 503, 'publishing is held at start (FEED_RECOVERY_ON_START)')
  t.match(await held.json(), { code: 'FEED_RECOVERY_PENDING' })
  t.ok(held.headers.get('retry-after'))

  const recovered = await runCli(['feed', 'recover'], env)
  t.equal(recovered.code, 0, recovered.stderr)
  t.match(recovered.stdout, /^recovered\tfrom 3\tto 5\tfrom (bravo|charlie)\n$/, 'entries 4 and 5 are back, from a peer')

  const after = await publish('AFTER-THE-RESTORE')
  t.equal(after.status, 201, 'publishing goes on')
  t.match(await after.json(), { entry: { seq: 6 } }, 'at the seq after the recovered tail: no seq is signed twice')
  for (const peer of [bravo, charlie]) {
    t.match(await syncRound(peer, 'alpha'), { status: 'synced', result: { cursor: 6 } })
    t.match(await peerHealth(peer, 'alpha'), { status: 'active', sync: { state: 'active', verificationFailures: 0 } }, `${peer.id} keeps alpha active`)
  }
  const db = await createDb({ databaseUrl: restored, dataDir })
  t.teardown(() => db.destroy())
  const source = await db.selectFrom('feed_entries').select(['seq', 'hash', 'prev', 'jws']).where('issuer', '=', 'alpha').orderBy('seq').execute()
  t.same(source.slice(0, 5), before, 'the restored feed is the one published before the disk was lost, entry for entry')
  for (const peer of [bravo, charlie]) t.same(await heldEntries(peer, 'alpha'), source, `${peer.id}'s copy equals the source`)
  t.equal((await db.selectFrom('records').select('reference').where('issuer', '=', 'alpha').where('reference', 'like', 'AFTER-THE-%').execute()).length, 3, 'the recovered decisions are our records again')
  t.match(await db.selectFrom('audit_events').select(['action', 'detail']).where('action', '=', 'feed-recovered').execute(), [{ detail: { from: 3, to: 5 } }])
  await server.stop()
})
