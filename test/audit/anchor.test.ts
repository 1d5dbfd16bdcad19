import t from 'tap'
import { anchorAuditTrail } from '../../src/use-cases/index.js'
import { heldEntries, publishDecision, startFederation, syncRound } from '../helpers/federation.js'
import type { TestAgency } from '../helpers/agency.js'
import { runCli } from '../helpers/processes.js'

// docs/federation.md section 5, docs/operations.md "A cut audit trail"

t.test('the audit trail\'s head is anchored in our feed, held by our peers; a trail cut in the database is found by `audit verify`', async (t) => {
  const [alpha, bravo] = await startFederation(t, ['alpha', 'bravo']) as [TestAgency, TestAgency]
  const env = { AGENCY_ID: 'alpha', DATABASE_URL: alpha.databaseUrl, DATA_DIR: alpha.config.dataDir, KEY_ENCRYPTION_KEY: (alpha.config.keyEncryptionKey as { value: string }).value }
  await publishDecision(alpha)
  await publishDecision(alpha)
  const first = await anchorAuditTrail(alpha.app.services)
  t.match(first, { auditSeq: Number, auditHash: /^[\w-]{43}$/ })
  t.equal(await anchorAuditTrail(alpha.app.services), undefined, 'nothing new to anchor while the trail has not moved')
  await publishDecision(alpha)
  const second = await anchorAuditTrail(alpha.app.services)
  t.ok((second?.auditSeq ?? 0) > (first?.auditSeq ?? 0))

  t.match(await syncRound(bravo, 'alpha'), { status: 'synced', result: { cursor: 5 } }, 'bravo holds both anchors (entries 3 and 5)')
  t.match((await heldEntries(bravo, 'alpha')).filter((e) => e.jws !== null).length, 5)
  t.equal((await bravo.db.selectFrom('records').select('record_id').where('issuer', '=', 'alpha').execute()).length, 3, 'an anchor is no record')

  const intact = await runCli(['audit', 'verify'], env)
  t.equal(intact.code, 0, intact.stderr)
  t.match(intact.stdout, /^audit trail intact: \d+ events checked from seq 1, .*; 2 anchors in our feed checked, the last \(entry 5\) at seq \d+\n$/)

  // someone with write access to the database removes the trail's last events (the third publication's)
  await alpha.db.deleteFrom('audit_events').where('seq', '>', first?.auditSeq ?? 0).execute()
  const chainOnly = await runCli(['audit', 'verify', '--from-seq', '1'], env)
  t.equal(chainOnly.code, 1, 'the chain alone would not tell (what is left is intact), the anchor does')
  t.match(chainOnly.stdout, new RegExp(`^audit trail cut after seq ${first?.auditSeq ?? 0}: our feed's entry 5 anchored audit event ${second?.auditSeq ?? 0} at .*, but the trail ends at ${first?.auditSeq ?? 0}: events were cut from its end`))
})
