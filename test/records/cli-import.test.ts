import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import t, { type Test } from 'tap'
import { startAgency } from '../helpers/agency.js'
import { runCli } from '../helpers/processes.js'
import { call, headSeq, sampleDecision } from '../helpers/records.js'

const FIXTURE = fileURLToPath(new URL('../fixtures/uk-decisions-sample.csv', import.meta.url))

async function tempDir (t: Test) {
  const dir = await mkdtemp(join(tmpdir(), 'reciprocity-cli-import-'))
  t.teardown(() => rm(dir, { recursive: true, force: true }))
  return dir
}

t.test('`import FILE` streams a CSV to a listening agency, with progress on stderr', async (t) => {
  const agency = await startAgency(t, undefined, { listen: true })
  const token = (await agency.auth('officer')).replace(/^Bearer /, '')
  const run = await runCli(['import', FIXTURE, '--url', agency.url, '--token', token], { DATA_DIR: await tempDir(t) })
  t.equal(run.code, 0, run.stderr)
  t.equal(run.stdout, 'imported 27 decisions as feed entries 1 to 27\n')
  t.match(run.stderr, /^import uk-decisions-sample\.csv {2}\[#{24}\] 100% {2}\d+\/\d+ KiB/m, 'stderr is not a terminal: plain progress lines, no carriage returns')
  t.notMatch(run.stderr, /\r/)
  t.match(run.stderr, /uploaded; the agency is validating and committing/)
  t.equal(await headSeq(agency), 27)
  const stored = await call(agency, 'GET', '/v1/decisions?reference=UK-SIEL-2008-000025')
  t.equal(stored.body.records[0]?.decision.items.length, 3)
})

t.test('a file with bad rows: exit 1, every row problem printed, nothing stored', async (t) => {
  const agency = await startAgency(t, undefined, { listen: true })
  const token = (await agency.auth('officer')).replace(/^Bearer /, '')
  const dir = await tempDir(t)
  const file = join(dir, 'decisions.jsonl')
  await writeFile(file, [
    JSON.stringify(sampleDecision()),
    JSON.stringify(sampleDecision({ destination: 'Iran' })),
    JSON.stringify(sampleDecision({ items: [] }))
  ].join('\n'))
  const run = await runCli(['import', file, '--url', agency.url, '--token', token], { DATA_DIR: dir })
  t.equal(run.code, 1)
  t.equal(run.stdout, '')
  t.match(run.stderr, /import refused \(HTTP 422 IMPORT_REJECTED\): nothing was imported/)
  t.match(run.stderr, /^ {2}line 2: \/destination: must match/m)
  t.match(run.stderr, /^ {2}line 3: \/items: needs at least 1, got 0$/m)
  t.equal(await headSeq(agency), 0)
})

t.test('usage and connection errors are reported, not thrown', async (t) => {
  const dir = await tempDir(t)
  const unknown = await runCli(['import', join(dir, 'decisions.xlsx')], { DATA_DIR: dir })
  t.equal(unknown.code, 2)
  t.match(unknown.stderr, /cannot tell the format of "decisions\.xlsx"/)
  const missing = await runCli(['import', join(dir, 'nope.csv'), '--token', 'x'], { DATA_DIR: dir })
  t.equal(missing.code, 1)
  t.match(missing.stderr, /cannot read .*nope\.csv/)
  const unreachable = await runCli(['import', FIXTURE, '--url', 'http://127.0.0.1:9', '--token', 'x'], { DATA_DIR: dir })
  t.equal(unreachable.code, 1)
  t.match(unreachable.stderr, /no reply from http:\/\/127\.0\.0\.1:9/)
})

t.test('without --token, a token comes from the local development identity provider', async (t) => {
  const dir = await tempDir(t)
  const agency = await startAgency(t, 'cli-local-idp', { listen: true, env: { IDP_JWKS_URL: '', IDP_ISSUER: '', IDP_AUDIENCE: '', DATA_DIR: dir } })
  t.equal(agency.config.idp.jwksUrl, undefined, 'the agency verifies tokens of the local IdP in its DATA_DIR')
  const run = await runCli(['import', FIXTURE, '--url', agency.url], { DATA_DIR: dir, AGENCY_ID: 'cli-local-idp' })
  t.equal(run.code, 0, run.stderr)
  t.match(run.stdout, /^imported 27 decisions/)
})
