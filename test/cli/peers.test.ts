import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import t from 'tap'
import { buildApp } from '../../src/app.js'
import { loadConfig } from '../../src/config.js'
import { createDb } from '../../src/db/create-db.js'
import { systemClock } from '../../src/lib/clock.js'
import { createLogger } from '../../src/lib/logger.js'
import { signPartnerToken } from '../../src/signing/index.js'
import { wireServices } from '../../src/wiring.js'
import { makePeerIdentity, startAgency } from '../helpers/agency.js'
import { runCli } from '../helpers/processes.js'
import { createEmptyDatabase } from '../helpers/test-database.js'

t.test('peers add (JWKS URL of a listening agency), list, disable, enable', async (t) => {
  const fr = await startAgency(t, 'fr-sbdu', { listen: true })
  const dataDir = await mkdtemp(join(tmpdir(), 'reciprocity-cli-peers-'))
  t.teardown(() => rm(dataDir, { recursive: true, force: true }))
  const env = { AGENCY_ID: 'uk-ecju', DATABASE_URL: await createEmptyDatabase(t), DATA_DIR: dataDir }
  const frKid = (await fr.app.keyRing.current()).kid
  const add = ['peers', 'add', '--id', 'fr-sbdu', '--name', 'Service des biens à double usage', '--country', 'FR',
    '--base-url', fr.url, '--jwks-url', `${fr.url}/.well-known/jwks.json`]

  const added = await runCli(add, env)
  t.equal(added.code, 0, added.stderr)
  t.same(added.stdout.trim().split('\t'), ['fr-sbdu', 'active', 'FR', fr.url, frKid, 'Service des biens à double usage'], 'the keys were fetched from the JWKS URL')

  const again = await runCli(add, env)
  t.equal(again.code, 1, 'enrolling twice fails')
  t.match(again.stderr, /already enrolled/)
  const idempotent = await runCli([...add, '--if-absent'], env)
  t.equal(idempotent.code, 0, '--if-absent makes it a no-op')
  t.match(idempotent.stderr, /already enrolled; nothing changed/)

  const disabled = await runCli(['peers', 'disable', 'fr-sbdu', '--reason', 'key compromise reported'], env)
  t.equal(disabled.code, 0, disabled.stderr)
  t.match(disabled.stdout, /^fr-sbdu\tdisabled\t/)
  t.match((await runCli(['peers', 'list'], env)).stdout, /^fr-sbdu\tdisabled\t/m)

  const config = loadConfig({ ...env, LOG_LEVEL: 'silent' })
  const db = await createDb(config)
  t.teardown(() => db.destroy())
  const uk = await buildApp(await wireServices(config, createLogger({ level: 'silent' }), systemClock, db))
  t.teardown(() => uk.close())
  const frKey = await fr.app.keyRing.current()
  const readFeed = async () => uk.inject({
    url: '/v1/feed',
    headers: { authorization: `Bearer ${await signPartnerToken(frKey, { issuer: 'fr-sbdu', audience: 'uk-ecju' }, systemClock)}` }
  })
  t.match((await readFeed()).json(), { status: 403, code: 'PEER_INACTIVE' }, 'a disabled peer cannot read the feed')

  const enabled = await runCli(['peers', 'enable', 'fr-sbdu'], env)
  t.equal(enabled.code, 0, enabled.stderr)
  t.match(enabled.stdout, /^fr-sbdu\tactive\t/)
  t.equal((await readFeed()).statusCode, 200, 'the enrolled peer reads the feed with a token signed by its own key')

  t.equal((await runCli(['peers', 'disable', 'nobody-here'], env)).code, 1, 'an unknown peer')
})

t.test('peers add --jwks-file: public keys only', async (t) => {
  const dataDir = await mkdtemp(join(tmpdir(), 'reciprocity-cli-peers-'))
  t.teardown(() => rm(dataDir, { recursive: true, force: true }))
  const env = { AGENCY_ID: 'uk-ecju', DATABASE_URL: await createEmptyDatabase(t), DATA_DIR: dataDir }
  const de = await makePeerIdentity('de-bafa')
  const publicFile = join(dataDir, 'de-bafa.jwks.json')
  await writeFile(publicFile, JSON.stringify(de.jwks))
  const add = (file: string, id = 'de-bafa') =>
    runCli(['peers', 'add', '--id', id, '--name', 'BAFA', '--country', 'DE', '--base-url', 'https://bafa.example', '--jwks-file', file], env)

  const ok = await add(publicFile)
  t.equal(ok.code, 0, ok.stderr)
  t.match(ok.stdout, new RegExp(`^de-bafa\\tactive\\tDE\\thttps://bafa.example\\t${de.jwks.keys[0]?.kid}\\t`))

  const privateFile = join(dataDir, 'private.jwks.json')
  await writeFile(privateFile, JSON.stringify({ keys: [{ ...de.jwks.keys[0], d: 'c2VjcmV0' }] }))
  const refused = await add(privateFile, 'xx-private')
  t.equal(refused.code, 1)
  t.match(refused.stderr, /private key/)
  t.notMatch(refused.stderr, /c2VjcmV0/, 'the private member is not echoed')

  const missing = await add(join(dataDir, 'nope.json'), 'xx-missing')
  t.equal(missing.code, 1)
  t.match(missing.stderr, /--jwks-file/)
  t.equal((await runCli(['peers', 'list'], env)).stdout.trim().split('\n').length, 1, 'only the good enrolment was stored')
})

t.test('peers remove --records keep, then --records purge', async (t) => {
  const dataDir = await mkdtemp(join(tmpdir(), 'reciprocity-cli-peers-remove-'))
  t.teardown(() => rm(dataDir, { recursive: true, force: true }))
  const env = { AGENCY_ID: 'uk-ecju', DATABASE_URL: await createEmptyDatabase(t), DATA_DIR: dataDir }
  const fr = await makePeerIdentity('fr-sbdu')
  const jwksFile = join(dataDir, 'fr.jwks.json')
  await writeFile(jwksFile, JSON.stringify(fr.jwks))
  const added = await runCli(['peers', 'add', '--id', 'fr-sbdu', '--name', 'SBDU', '--country', 'FR', '--base-url', 'http://127.0.0.1:9', '--jwks-file', jwksFile], env)
  t.equal(added.code, 0, added.stderr)

  const kept = await runCli(['peers', 'remove', 'fr-sbdu', '--records', 'keep'], env)
  t.equal(kept.code, 0, kept.stderr)
  t.same(kept.stdout.trim().split('\t'), ['fr-sbdu', 'removed (records keep)', 'records=0', 'entries=0', 'divergencesResolved=0'])
  t.match((await runCli(['peers', 'list'], env)).stdout, /^fr-sbdu\tremoved\t/m, 'listed as removed')

  const purged = await runCli(['peers', 'remove', 'fr-sbdu', '--records', 'purge'], env)
  t.equal(purged.code, 0, purged.stderr)
  t.match(purged.stdout, /^fr-sbdu\tremoved \(records purge\)\t/)
  t.equal((await runCli(['peers', 'list'], env)).stdout, '', 'no longer enrolled')
  t.equal((await runCli(['peers', 'remove', 'fr-sbdu', '--records', 'purge'], env)).code, 1, 'an unknown peer')

  const db = await createDb(loadConfig({ ...env, LOG_LEVEL: 'silent' }))
  t.teardown(() => db.destroy())
  const events = await db.selectFrom('audit_events').select(['actor', 'detail']).where('action', '=', 'peer-removed').orderBy('seq').execute()
  t.match(events, [{ actor: /^cli:/, detail: { records: 'keep' } }, { actor: /^cli:/, detail: { records: 'purge' } }], 'each removal audited, by the operator')
})
