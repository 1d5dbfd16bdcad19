import t from 'tap'
import { verifyCheckpointNote } from '../../src/signing/index.js'
import { watchForAlerts, witnessRound } from '../../src/use-cases/index.js'
import { startAgency, type TestAgency } from '../helpers/agency.js'
import { backUp, restoreToNewDatabase } from '../helpers/backup.js'
import { heldEntries, peerHealth, publishDecision, startFederation, syncRound } from '../helpers/federation.js'

// docs/federation.md section 4: a member showing two histories to two allies is caught by the witnesses

t.test('alpha serves one feed to bravo and another to charlie: both find the split view through the witnesses, with alpha\'s two signed checkpoints as evidence', async (t) => {
  const [alpha, bravo, charlie] = await startFederation(t, ['alpha', 'bravo', 'charlie']) as [TestAgency, TestAgency, TestAgency]
  await publishDecision(alpha)
  await publishDecision(alpha)
  for (const peer of [bravo, charlie]) t.match(await syncRound(peer, 'alpha'), { status: 'synced', result: { cursor: 2 } })

  // a second alpha: the same agency, keys and history so far, on another database and address
  const twin = await startAgency(t, 'alpha', {
    listen: true,
    databaseUrl: await restoreToNewDatabase(t, await backUp(t, alpha.databaseUrl)),
    env: { KEY_ENCRYPTION_KEY: (alpha.config.keyEncryptionKey as { value: string }).value, PEER_JWKS_COOLDOWN_SECONDS: '0' }
  })
  t.equal((await twin.app.keyRing.current()).kid, (await alpha.app.keyRing.current()).kid, 'the twin signs with alpha\'s key')
  const moved = await charlie.app.inject({ method: 'PATCH', url: '/v1/peers/alpha', headers: { authorization: await charlie.auth('admin') }, payload: { baseUrl: twin.url } })
  t.equal(moved.statusCode, 200, 'charlie now reaches "alpha" at the twin')

  await publishDecision(alpha, { reference: 'SHOWN-TO-BRAVO' })
  await publishDecision(twin, { reference: 'SHOWN-TO-CHARLIE' })
  t.match(await syncRound(bravo, 'alpha'), { status: 'synced', result: { cursor: 3 } })
  t.match(await syncRound(charlie, 'alpha'), { status: 'synced', result: { cursor: 3 } }, 'each chain verifies on its own: alone, neither ally can tell')
  const [atBravo, atCharlie] = [(await heldEntries(bravo, 'alpha'))[2], (await heldEntries(charlie, 'alpha'))[2]]
  t.not(atBravo?.hash, atCharlie?.hash, 'two histories of alpha at seq 3')

  for (const [holder, witness] of [[charlie, bravo], [bravo, charlie]] as const) {
    const round = await witnessRound(holder.app.services)
    t.same(round.witnesses.splitViews, ['alpha'], `${holder.id} finds the split view in what ${witness.id} co-signed`)
    const health = await peerHealth(holder, 'alpha')
    t.match(health, { status: 'quarantined', statusReason: new RegExp(`^SPLIT_VIEW: ${witness.id} co-signed another history of alpha's feed: at seq 3`) })
    const { quarantine_evidence: evidence } = await holder.db.selectFrom('peer_sync').select('quarantine_evidence').where('agency_id', '=', 'alpha').executeTakeFirstOrThrow() as { quarantine_evidence: { ours: string, theirs: string, witness: string } }
    t.equal(evidence.witness, witness.id)
    const jwks = (await alpha.app.inject({ url: '/.well-known/jwks.json' })).json()
    const ours = verifyCheckpointNote(evidence.ours, 'alpha', jwks)
    const theirs = verifyCheckpointNote(evidence.theirs, 'alpha', jwks)
    t.equal(ours.seq, 3)
    t.equal(theirs.seq, 3)
    t.not(ours.hash, theirs.hash, 'two checkpoints alpha signed for one size, with different hashes: proof of the split view')
    t.match(theirs.cosignatures, [{ name: witness.id }], `the other one co-signed by ${witness.id}`)
    await watchForAlerts(holder.app.services)
    const alerts = (await holder.app.inject({ url: '/v1/alerts', headers: { authorization: await holder.auth('admin') } })).json().alerts
    t.match(alerts, [{ kind: 'peer-quarantined' }], `${holder.id}'s administrators are alerted`)
  }
})

t.test('an honest federation: every checkpoint carries the co-signatures of the allies that verified it', async (t) => {
  const [alpha, bravo, charlie] = await startFederation(t, ['alpha', 'bravo', 'charlie']) as [TestAgency, TestAgency, TestAgency]
  await publishDecision(alpha)
  for (const peer of [bravo, charlie]) t.match(await syncRound(peer, 'alpha'), { status: 'synced' })
  const round = await witnessRound(alpha.app.services)
  t.same(round.witnesses.splitViews, [])
  t.match(round.witnesses.views.filter((v) => v.subject === 'alpha').map((v) => v.witness).sort(), ['bravo', 'charlie'], 'what bravo and charlie hold of our feed')
  t.match(round.recovery, undefined, 'nothing to recover')
  const head = (await alpha.app.inject({ url: '/v1/feed/head', headers: { authorization: `Bearer ${await bravoToken(bravo, 'alpha')}` } })).json()
  const jwks = (await alpha.app.inject({ url: '/.well-known/jwks.json' })).json()
  t.match(verifyCheckpointNote(head.checkpoint, 'alpha', jwks).cosignatures.map((s) => s.name).sort(), ['bravo', 'charlie'], 'alpha\'s checkpoint carries both cosignatures')
  for (const peer of [bravo, charlie]) t.match(await syncRound(peer, 'alpha'), { status: 'synced' }, 'and its peers verify it')
  const views = await charlie.db.selectFrom('witness_views').select(['subject', 'witness', 'seq']).where('subject', '=', 'alpha').execute()
  t.match(views, [{ witness: 'bravo', seq: 1 }], 'charlie keeps bravo\'s cosignature, carried on alpha\'s checkpoint, as bravo\'s view of alpha')
})

async function bravoToken (bravo: TestAgency, audience: string) {
  const { signPartnerToken } = await import('../../src/signing/index.js')
  const { systemClock } = await import('../../src/lib/clock.js')
  return signPartnerToken(await bravo.app.keyRing.current(), { issuer: bravo.id, audience, lifetimeSeconds: 60 }, systemClock)
}
