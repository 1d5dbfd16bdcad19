import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import t from 'tap'
import { runCli, runNode, startServer, type ServerProcess } from '../helpers/processes.js'

async function getJson (server: ServerProcess, path: string) {
  const res = await fetch(`${server.url}${path}`)
  return { status: res.status, body: await res.json() as Record<string, unknown> }
}

t.test('an agency on the embedded database: serves, persists its key, and holds its data folder', async (t) => {
  const dataDir = await mkdtemp(join(tmpdir(), 'reciprocity-pglite-'))
  t.teardown(() => rm(dataDir, { recursive: true, force: true }))
  const env = { AGENCY_ID: 'uk-ecju', AGENCY_NAME: 'Export Control Joint Unit', DATA_DIR: dataDir }

  const first = await startServer(t, env)
  t.match(first.stdout(), /"database":"embedded"/, 'no DATABASE_URL: the embedded database')
  t.same(await getJson(first, '/health/ready'), { status: 200, body: { status: 'ok' } })
  const agency = await getJson(first, '/.well-known/reciprocity-agency')
  t.match(agency, { status: 200, body: { agencyId: 'uk-ecju', name: 'Export Control Joint Unit', endpoints: { feed: `${first.url}/v1/feed` } } })
  const jwks = await getJson(first, '/.well-known/jwks.json')
  t.equal(jwks.status, 200)
  const keys = jwks.body.keys as Array<{ kid: string, kty: string, d?: string }>
  t.equal(keys.length, 1, 'a first signing key was generated')
  t.notOk(keys[0]?.d, 'public keys only')
  const kid = keys[0]?.kid

  const second = await runNode('src/server.ts', [], { ...env, HOST: '127.0.0.1', PORT: '0' })
  t.not(second.code, 0, 'a second server on the same data folder fails')
  t.match(second.stderr + second.stdout, /DATABASE_IN_USE|in use by process \d+/, 'and says the database is in use')
  const cli = await runCli(['keys', 'list'], env)
  t.equal(cli.code, 1, 'so does a database command of the CLI')
  t.match(cli.stderr, new RegExp(`in use by process ${first.child.pid}`), 'naming the process that holds it')
  t.equal((await fetch(`${first.url}/health/ready`)).status, 200, 'the running server is unharmed')

  t.equal(await first.stop('SIGTERM'), 0, 'SIGTERM stops it cleanly')

  const again = await startServer(t, env)
  const after = await getJson(again, '/.well-known/jwks.json')
  t.same((after.body.keys as Array<{ kid: string }>).map((k) => k.kid), [kid], 'the same signing key after a restart (persisted)')
  t.equal(await again.stop('SIGTERM'), 0)
})
