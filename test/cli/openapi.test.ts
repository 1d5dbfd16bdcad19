import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import t from 'tap'
import { runCli } from '../helpers/processes.js'

t.test('openapi writes the document; --check tells fresh from stale', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'reciprocity-cli-openapi-'))
  t.teardown(() => rm(dir, { recursive: true, force: true }))
  const stale = join(dir, 'stale.json')
  await writeFile(stale, '{"openapi": "3.1.0"}\n')
  const out = join(dir, 'openapi.json')
  // the command does not depend on the environment: no DATABASE_URL, no DATA_DIR needed
  const [written, staleCheck] = await Promise.all([
    runCli(['openapi', '--out', out], {}),
    runCli(['openapi', '--check', '--out', stale], {})
  ])
  t.equal(written.code, 0, written.stderr)
  const text = await readFile(out, 'utf8')
  t.ok(text.startsWith('{\n  "openapi": "3.1.0"') && text.endsWith('}\n'), 'pretty-printed with two spaces and a final newline')
  t.equal(staleCheck.code, 1, 'a stale document fails the check')
  t.match(staleCheck.stderr, /stale: run `npm run openapi`/)
  t.equal(await readFile(stale, 'utf8'), '{"openapi": "3.1.0"}\n', '--check does not write')
  const fresh = await runCli(['openapi', '--check', '--out', out], {})
  t.equal(fresh.code, 0, `a fresh document passes the check (${fresh.stderr.trim()})`)
})
