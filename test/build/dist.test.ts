import { randomBytes } from 'node:crypto'
import { spawn } from 'node:child_process'
import { once } from 'node:events'
import { access, mkdtemp, readFile, readdir, rm } from 'node:fs/promises'
import { builtinModules } from 'node:module'
import { tmpdir } from 'node:os'
import { join, relative } from 'node:path'
import t from 'tap'
import ts from 'typescript'
import { childEnv, ROOT, runNode, spawnProcess, startServer } from '../helpers/processes.js'
import { createEmptyDatabase } from '../helpers/test-database.js'

/**
 * What the container image runs (docker/Dockerfile): `npm run build`, then plain node on the
 * emitted JavaScript, with production dependencies only. Built into a folder of its own under
 * dist/ so that a developer's dist/ is left alone.
 */
const OUT = join(ROOT, 'dist', `.test-${process.pid}-${randomBytes(3).toString('hex')}`)
const rel = (path: string) => relative(ROOT, join(OUT, path))

async function filesUnder (dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true, recursive: true })
  return entries.filter((e) => e.isFile() && e.name.endsWith('.js')).map((e) => join(e.parentPath, e.name))
}

t.before(async () => {
  const tsc = spawn(process.execPath, [join(ROOT, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.build.json', '--outDir', OUT], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] })
  let output = ''
  tsc.stdout.on('data', (chunk) => { output += chunk })
  const [code] = await once(tsc, 'exit')
  if (code !== 0) throw new Error(`npm run build failed:\n${output}`)
})
t.teardown(() => rm(OUT, { recursive: true, force: true }))

t.test('the build emits the entry points and the migrations as JavaScript', async (t) => {
  for (const entry of ['src/server.js', 'src/worker.js', 'src/cli/main.js']) await t.resolves(access(join(OUT, entry)), entry)
  const migrations = (await readdir(join(ROOT, 'migrations'))).filter((f) => f.endsWith('.ts'))
  const emitted = (await readdir(join(OUT, 'migrations'))).filter((f) => f.endsWith('.js'))
  t.same(emitted, migrations.map((f) => f.replace(/\.ts$/, '.js')), 'every migration, as .js')

  const dockerfile = await readFile(join(ROOT, 'docker/Dockerfile'), 'utf8')
  t.match(dockerfile, /^CMD \["node", "dist\/src\/server\.js"\]$/m, 'the image runs the built server')
})

t.test('the built code imports production dependencies only', async (t) => {
  const pkg = JSON.parse(await readFile(join(ROOT, 'package.json'), 'utf8')) as { dependencies: Record<string, string> }
  const allowed = new Set([...Object.keys(pkg.dependencies), ...builtinModules])
  for (const file of await filesUnder(OUT)) {
    const text = await readFile(file, 'utf8')
    for (const { fileName: spec } of ts.preProcessFile(text, true, true).importedFiles) {
      if (spec.startsWith('.')) continue
      const name = spec.replace(/^node:/, '').split('/').slice(0, spec.startsWith('@') ? 2 : 1).join('/')
      if (!allowed.has(name)) t.fail(`${relative(OUT, file)} imports ${spec}, which \`npm ci --omit=dev\` does not install`)
    }
  }
  t.pass('checked every emitted file')
})

t.test('the built CLI migrates and enrols a peer; the built server serves, passes its health check and stops', async (t) => {
  const dataDir = await mkdtemp(join(tmpdir(), 'reciprocity-dist-'))
  t.teardown(() => rm(dataDir, { recursive: true, force: true }))
  const uk = { AGENCY_ID: 'uk-ecju', DATABASE_URL: await createEmptyDatabase(t), DATA_DIR: join(dataDir, 'uk'), KEY_ENCRYPTION_KEY: randomBytes(32).toString('base64url') }
  const fr = { AGENCY_ID: 'fr-sbdu', DATABASE_URL: await createEmptyDatabase(t), DATA_DIR: join(dataDir, 'fr'), KEY_ENCRYPTION_KEY: randomBytes(32).toString('base64url') }

  const migrate = await runNode(rel('src/cli/main.js'), ['migrate'], uk)
  t.equal(migrate.code, 0, migrate.stderr)
  t.match(migrate.stdout, /^applied \d{12}_/m, 'migrations load from the built folder')

  const server = await startServer(t, uk, rel('src/server.js'))
  const jwks = await (await fetch(`${server.url}/.well-known/jwks.json`)).json() as { keys: Array<{ kid: string }> }
  t.equal(jwks.keys.length, 1)

  // the image's HEALTHCHECK command, run as Docker would run it
  const dockerfile = await readFile(join(ROOT, 'docker/Dockerfile'), 'utf8')
  const healthcheck = JSON.parse(/^HEALTHCHECK .*CMD (\[.*\])$/m.exec(dockerfile)?.[1] ?? '[]') as string[]
  t.equal(healthcheck[0], 'node', 'the health check needs nothing but node')
  const probe = spawn(process.execPath, healthcheck.slice(1), { env: childEnv({ PORT: new URL(server.url).port }), stdio: 'ignore' })
  t.equal((await once(probe, 'exit'))[0], 0, 'HEALTHCHECK passes against the running server')

  const enrol = await runNode(rel('src/cli/main.js'), ['peers', 'add', '--if-absent', '--id', 'uk-ecju', '--name', 'ECJU', '--country', 'GB',
    '--base-url', server.url, '--jwks-url', `${server.url}/.well-known/jwks.json`], fr)
  t.equal(enrol.code, 0, enrol.stderr)
  t.match(enrol.stdout, new RegExp(`^uk-ecju\\tactive\\tGB\\t.*${jwks.keys[0]?.kid}`), 'the compose enrol job works')

  // SIGTERM as soon as the jobs start, while their first runs are under way: they finish those runs and the worker exits
  const worker = spawnProcess(t, rel('src/worker.js'), [], fr)
  await t.resolves(worker.line(/"msg":"background jobs started"/), 'the built worker starts its jobs')
  t.equal(await worker.stop('SIGTERM'), 0, 'and stops on SIGTERM')
  t.match(worker.stdout(), /"msg":"background jobs stopped"/)

  t.equal(await server.stop('SIGTERM'), 0, 'the built server stops cleanly on SIGTERM')
})
