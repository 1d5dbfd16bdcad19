import t from 'tap'
import type { TestAgency } from '../helpers/agency.js'
import { startAgency } from '../helpers/agency.js'
import { heldEntries, peerHealth, publishDecision, startFederation, syncRound } from '../helpers/federation.js'
import { runCli } from '../helpers/processes.js'

// docs/operations.md, "A new member joins": a fourth agency joins a running federation of three

const kidOf = async (agency: { app: TestAgency['app'] }) => (await agency.app.keyRing.current()).kid

t.test('delta joins alpha, bravo and charlie: alpha enrols and introduces it, bravo and charlie take the introduction, delta enrols the members alpha lists and catches up', async (t) => {
  const env = { ACCEPT_INTRODUCTIONS_FROM: 'alpha' }
  const [alpha, bravo, charlie] = await startFederation(t, ['alpha', 'bravo', 'charlie'], { env }) as [TestAgency, TestAgency, TestAgency]
  for (const agency of [alpha, bravo, charlie]) await publishDecision(agency)
  for (const [holder, issuer] of [[alpha, 'bravo'], [alpha, 'charlie'], [bravo, 'alpha'], [bravo, 'charlie'], [charlie, 'alpha'], [charlie, 'bravo']] as const) {
    t.match(await syncRound(holder, issuer), { status: 'synced' })
  }
  const delta = await startAgency(t, 'delta', { listen: true, env: { SYNC_BACKOFF_BASE_MS: '1', SYNC_BACKOFF_CAP_MS: '2', PEER_JWKS_COOLDOWN_SECONDS: '0' } })
  await publishDecision(delta)

  const join = async (at: TestAgency, payload: Record<string, unknown>) =>
    at.app.inject({ method: 'POST', url: '/v1/peers/join', headers: { authorization: await at.auth('admin') }, payload })
  t.match((await join(alpha, { url: delta.url, kid: await kidOf(bravo) })).json(), { status: 422, code: 'PEER_KEY_NOT_PINNED' }, 'a key the URL does not serve: refused, nothing enrolled')
  // one command at alpha: enrol delta by its URL and pinned key, and introduce it
  const atAlpha = await join(alpha, { url: delta.url, kid: await kidOf(delta), introduce: true })
  t.equal(atAlpha.statusCode, 201, atAlpha.body)
  t.match(atAlpha.json(), { enrolled: [{ agencyId: 'delta', status: 'active' }], introduced: 2 })
  for (const member of [bravo, charlie]) {
    t.match(await syncRound(member, 'alpha'), { status: 'synced', result: { cursor: 2 } }, `${member.id} syncs alpha's introduction`)
    t.match(await peerHealth(member, 'delta'), { agencyId: 'delta', status: 'active', keyIds: [await kidOf(delta)] }, `${member.id} enrolled delta with the key alpha vouched for`)
    t.match(await member.db.selectFrom('audit_events').select(['actor', 'action']).where('action', '=', 'peer-enrolled').where('subject_id', '=', 'delta').execute(), [{ actor: 'introduction:alpha' }])
  }

  // one command at delta (as an operator runs it): enrol alpha, and the members alpha lists
  const deltaEnv = { AGENCY_ID: 'delta', DATABASE_URL: delta.databaseUrl, DATA_DIR: delta.config.dataDir, KEY_ENCRYPTION_KEY: (delta.config.keyEncryptionKey as { value: string }).value }
  const joined = await runCli(['peers', 'join', alpha.url, '--kid', await kidOf(alpha), '--members'], deltaEnv)
  t.equal(joined.code, 0, joined.stderr)
  t.match(joined.stdout.split('\n').filter(Boolean).map((l) => l.split('\t')[0]), ['alpha', 'bravo', 'charlie'])
  const views = await delta.db.selectFrom('witness_views').select(['subject', 'witness', 'seq']).orderBy('subject').execute()
  t.match(views, [{ subject: 'bravo', witness: 'alpha', seq: 1 }, { subject: 'charlie', witness: 'alpha', seq: 1 }], 'delta starts from alpha\'s co-signed view of each member\'s feed')

  for (const issuer of ['alpha', 'bravo', 'charlie']) {
    t.match(await syncRound(delta, issuer), { status: 'synced' }, `delta catches up with ${issuer}`)
    t.same(await heldEntries(delta, issuer), await heldEntries(issuer === 'alpha' ? bravo : alpha, issuer), `delta's copy of ${issuer} is the federation's`)
  }
  for (const member of [alpha, bravo, charlie]) t.match(await syncRound(member, 'delta'), { status: 'synced', result: { cursor: 1 } }, `${member.id} syncs delta`)
})
