import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import t from 'tap'
import { startAgency } from '../helpers/agency.js'
import { enrolByUrl, publishDecision } from '../helpers/federation.js'
import { runCli } from '../helpers/processes.js'

t.test('cli sync pulls every active peer with progress lines and one result line per peer', async (t) => {
  const alpha = await startAgency(t, 'alpha', { listen: true })
  const bravo = await startAgency(t, 'bravo', { listen: true })
  const charlie = await startAgency(t, 'charlie', { listen: true })
  await enrolByUrl(alpha, bravo)
  await enrolByUrl(bravo, alpha)
  await enrolByUrl(bravo, charlie)
  await charlie.app.close() // charlie is enrolled at bravo but down
  for (let i = 0; i < 12; i++) await publishDecision(alpha)
  const dataDir = await mkdtemp(join(tmpdir(), 'reciprocity-cli-sync-'))
  t.teardown(() => rm(dataDir, { recursive: true, force: true }))
  const env = {
    AGENCY_ID: 'bravo',
    DATABASE_URL: bravo.databaseUrl,
    DATA_DIR: dataDir,
    SYNC_PAGE_SIZE: '5',
    KEY_ENCRYPTION_KEY: (bravo.config.keyEncryptionKey as { value: string }).value
  }
  const { code, stdout, stderr } = await runCli(['sync'], env)
  t.equal(code, 1, 'exit 1: one peer failed')
  t.match(stdout, /^alpha\tsynced\tstored 12\tcursor 12\thead 12$/m)
  t.match(stdout, /^charlie\tbacking-off\tPEER_UNREACHABLE\t/m)
  t.match(stderr, /^sync alpha {2}\[#+\] 100% {2}12\/12 entries/m, 'a plain progress line (stderr is not a terminal)')
  t.notMatch(stderr, /\r/)
  const held = await bravo.db.selectFrom('feed_entries').select('seq').where('issuer', '=', 'alpha').execute()
  t.equal(held.length, 12)

  const again = await runCli(['sync', '--peer', 'alpha'], env)
  t.equal(again.code, 0)
  t.match(again.stdout, /^alpha\tsynced\tstored 0\tcursor 12\thead 12$/m, 'nothing new the second time')
})
