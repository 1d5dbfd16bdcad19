import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import t from 'tap'
import { freePort, runCli } from '../helpers/processes.js'

t.test('npm run demo: three agencies, real data, full sync, a readable summary', async (t) => {
  const dataDir = await mkdtemp(join(tmpdir(), 'reciprocity-demo-'))
  t.teardown(() => rm(dataDir, { recursive: true, force: true }))
  const portBase = await freePort()
  const { code, stdout, stderr } = await runCli(['demo', '--exit', '--port-base', String(portBase)], { DATA_DIR: dataDir }, 110_000)
  t.equal(code, 0, stderr)
  t.match(stderr, /done: 6 of 6 peer feeds synced and verified/)
  t.match(stderr, /^sync .*100%/m, 'the sync progress reached 100% (plain lines: stderr is not a terminal)')
  t.notMatch(stderr, /\r/, 'no carriage returns when not on a terminal')
  const rows = stdout.split('\n').filter((line) => /^(uk-ecju|fr-sbdu|de-bafa) /.test(line))
  t.equal(rows.length, 3, 'one summary row per agency')
  for (const row of rows) {
    const [, published] = row.split(/\s+/)
    t.ok(Number(published) > 900, `${row.slice(0, 8)} published its share of the data`)
    t.match(row, /lag 0 active 0 failed; .* lag 0 active 0 failed$/, 'both peers held to their head, verified')
  }
})
