import t from 'tap'
import { drainDetectionBacklog, witnessRound } from '../../src/use-cases/index.js'
import { startAgency, type TestAgency } from '../helpers/agency.js'
import { enrolByUrl, publishDecision, syncRound } from '../helpers/federation.js'

// docs/federation.md section 4: WITNESS_QUORUM

t.test('with WITNESS_QUORUM=1, a peer\'s entries count for detection only once another ally co-signed its feed up to them', async (t) => {
  const fast = { SYNC_BACKOFF_BASE_MS: '1', SYNC_BACKOFF_CAP_MS: '2', PEER_JWKS_COOLDOWN_SECONDS: '0' }
  const alpha = await startAgency(t, 'alpha', { listen: true, env: fast })
  const bravo = await startAgency(t, 'bravo', { listen: true, env: fast })
  const charlie = await startAgency(t, 'charlie', { listen: true, env: { ...fast, WITNESS_QUORUM: '1' } })
  for (const a of [alpha, bravo, charlie]) for (const b of [alpha, bravo, charlie]) if (a !== b) await enrolByUrl(a, b)
  await publishDecision(alpha)
  await publishDecision(bravo, { outcome: 'granted', decisionDate: '2026-04-01', validUntil: '2028-01-01' })
  for (const issuer of ['alpha', 'bravo']) t.match(await syncRound(charlie, issuer), { status: 'synced', result: { cursor: 1 } })
  const divergences = async (at: TestAgency) => (await at.app.inject({ url: '/v1/divergences', headers: { authorization: await at.auth('auditor') } })).json().divergences as unknown[]
  t.equal((await divergences(charlie)).length, 0, 'alpha\'s denial and bravo\'s grant are stored, but no ally has co-signed them yet: no divergence')
  t.equal((await charlie.db.selectFrom('unwitnessed_records').select('issuer').execute()).length, 2, 'both wait')
  const screening = await charlie.app.inject({ method: 'POST', url: '/v1/screenings', headers: { authorization: await charlie.auth('officer') }, payload: { applications: [{ reference: 'APP-Q', destination: 'AE', date: '2026-06-01', parties: [{ role: 'end_user', name: 'Aeroguide Trading LLC', aliases: [], country: 'AE', identifiers: [] }], items: [{ codes: [{ regime: 'eu', code: '7A003.a' }], description: 'Inertial measurement unit' }] }] } })
  t.equal(screening.statusCode, 200)
  t.match(JSON.stringify(screening.json()), /"alpha"/, 'screening shows them all the same')

  // bravo verifies alpha's feed (and alpha bravo's): each can co-sign the other's
  t.match(await syncRound(bravo, 'alpha'), { status: 'synced' })
  t.match(await syncRound(alpha, 'bravo'), { status: 'synced' })
  await witnessRound(charlie.app.services)
  t.equal((await charlie.db.selectFrom('unwitnessed_records').select('issuer').execute()).length, 0, 'both are witnessed now, and released to detection')
  t.match(await charlie.db.selectFrom('peer_sync').select(['agency_id', 'witnessed_seq']).orderBy('agency_id').execute(), [{ agency_id: 'alpha', witnessed_seq: 1 }, { agency_id: 'bravo', witnessed_seq: 1 }])
  await drainDetectionBacklog(charlie.app.services)
  t.match(await divergences(charlie), [{ kind: 'undercut' }], 'the undercut is found once witnessed')
})
