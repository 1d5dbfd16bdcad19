import { spawn } from 'node:child_process'
import { once } from 'node:events'
import { readdirSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { delimiter, dirname, join, relative } from 'node:path'
import { pathToFileURL } from 'node:url'
import t from 'tap'
import { ROOT } from '../helpers/processes.js'

/** Runs `command` in the project root, with our node first on PATH and `input` on stdin; its exit code and output. */
async function run (command: string, args: string[], input = '') {
  const child = spawn(command, args, { cwd: ROOT, env: { ...process.env, PATH: `${dirname(process.execPath)}${delimiter}${process.env.PATH ?? ''}` } })
  let stdout = ''
  let stderr = ''
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => { stdout += chunk })
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => { stderr += chunk })
  child.stdin.end(input)
  const [code] = await once(child, 'close') as [number | null]
  return { code, stdout, stderr }
}

interface Layer { name: string, folders?: string[], files?: string[] }

/**
 * The layer list of eslint.config.js (LAYERS and OPEN_FOLDERS) and, for each `[file, source]`,
 * the rules it reports for `source` as if it were the file `file` (no file is written). One
 * plain node process for all of them: ESLint's plugins do not load under the test's tsx loader,
 * and an eslint process per fixture would take minutes.
 */
async function lintRules (fixtures: ReadonlyArray<readonly [file: string, source: string]>) {
  const script = `
    import { ESLint } from 'eslint'
    import { LAYERS, OPEN_FOLDERS } from ${JSON.stringify(pathToFileURL(join(ROOT, 'eslint.config.js')).href)}
    let input = ''
    for await (const chunk of process.stdin) input += chunk
    const eslint = new ESLint({ cwd: process.cwd() })
    const rules = []
    for (const [file, source] of JSON.parse(input)) {
      const [result] = await eslint.lintText(source + '\\n', { filePath: file })
      rules.push(result.messages.map((m) => m.ruleId ?? 'fatal'))
    }
    process.stdout.write(JSON.stringify({ LAYERS, OPEN_FOLDERS: [...OPEN_FOLDERS], rules }))
  `
  const { code, stdout, stderr } = await run(process.execPath, ['--input-type=module', '-e', script], JSON.stringify(fixtures))
  if (code !== 0) throw new Error(`the linter failed: ${stderr}`)
  return JSON.parse(stdout) as { LAYERS: Layer[], OPEN_FOLDERS: string[], rules: string[][] }
}

/** The one list of layers, top to bottom, that eslint.config.js generates its rules from. */
const { LAYERS, OPEN_FOLDERS } = await lintRules([])

/** A folder of src/ or a top-level file (without .ts), as a layer names it. */
interface Unit { layer: number, folder?: string, file?: string }
const units: Unit[] = LAYERS.flatMap((l, layer) => [
  ...(l.folders ?? []).map((folder) => ({ layer, folder })),
  ...(l.files ?? []).map((file) => ({ layer, file }))
])
const unitName = (u: Unit) => u.folder !== undefined ? `${u.folder}/` : `${u.file}.ts`
const inLayer = (layer: number) => units.filter((u) => u.layer === layer)
/** Where a fixture of `u` sits: a new file in the folder, or the top-level file itself. */
const fixtureIn = (u: Unit) => u.folder !== undefined ? `src/${u.folder}/fixture.ts` : `src/${u.file}.ts`
/** An import of `to` from a file of `from`, the right way: a folder through its index.ts, an open folder file by file. */
function importOf (from: Unit, to: Unit): string {
  const up = from.folder !== undefined ? '../' : './'
  if (to.file !== undefined) return `import * as other from '${up}${to.file}.js'`
  const module = OPEN_FOLDERS.includes(to.folder as string)
    ? readdirSync(join(ROOT, 'src', to.folder as string)).filter((n) => n.endsWith('.ts')).sort()[0]?.replace(/\.ts$/, '.js')
    : 'index.js'
  return `import * as other from '${up}${to.folder}/${module}'`
}

/** Each folder and top-level file of a layer importing each of the layer directly above it. */
const ABOVE = units.filter((u) => u.layer > 0).flatMap((from) => inLayer(from.layer - 1).map((to) => ({ from, to })))
/** Every folder and top-level file importing every other of another layer. */
const PAIRS = units.flatMap((from) => units.filter((to) => to.layer !== from.layer).map((to) => ({ from, to })))

const REFUSED: Array<[file: string, source: string, why: string]> = [
  ['src/screening/fixture.ts', "import { insertRecords } from '../records/queries.js'", 'a deep import into a folder below'],
  ['src/http/routes/fixture.ts', "import { detectDivergences } from '../../divergence/detect.js'", 'a deep import from a face'],
  ['src/cli/fixture.ts', "import { readDemoSlice } from '../demo/demo-data.js'", 'a deep import into a sibling folder of the same layer'],
  ['src/records/fixture.ts', "import Fastify from 'fastify'", 'fastify from a capability'],
  ['src/use-cases/fixture.ts', "import fp from 'fastify-plugin'", 'a fastify plugin from the use cases'],
  ['src/jobs/fixture.ts', "import helmet from '@fastify/helmet'", 'a @fastify package from the jobs'],
  ['src/feed/fixture.ts', "import { jwtVerify } from 'jose'", 'jose outside signing'],
  ['src/http/plugins/fixture.ts', "import { jwtVerify } from 'jose'", 'jose in a face'],
  ['src/server.ts', "import { jwtVerify } from 'jose'", 'jose in an entry point'],
  ['src/http/plugins/fixture.ts', "import { Registry } from 'prom-client'", 'prom-client in a face'],
  ['src/jobs/fixture.ts', "import { Counter } from 'prom-client'", 'prom-client below the metrics'],
  ['src/metrics/fixture.ts', "import fp from 'fastify-plugin'", 'fastify in the metrics']
]
const ALLOWED: Array<[file: string, source: string, why: string]> = [
  ['src/screening/fixture.ts', "import { findHeldRecord } from '../records/index.js'", 'a folder below through its index.ts'],
  ['src/records/fixture.ts', "import { todayOf } from './dates.js'", "a sibling file of the folder's own"],
  ['src/http/routes/fixture.ts', "import { problemPlugin } from '../plugins/problem.js'", "a face's own files"],
  ['src/sync/fixture.ts', "import { backoffDelayMs } from '../lib/backoff.js'", 'lib/, file by file'],
  ['src/cli/fixture.ts', "import { readDemoSlice } from '../demo/index.js'", 'a sibling folder of the same layer through its index.ts'],
  ['src/http/fixture.ts', "import Fastify from 'fastify'", 'fastify in a face'],
  ['src/app.ts', "import fp from 'fastify-plugin'", 'fastify in an entry point'],
  ['src/signing/fixture.ts', "import { jwtVerify } from 'jose'", 'jose in signing'],
  ['src/metrics/fixture.ts', "import { Registry } from 'prom-client'", 'prom-client in the metrics'],
  ['src/http/plugins/fixture.ts', "import { createMetrics } from '../../metrics/index.js'", 'the metrics from a face, through the index']
]

const fixtures = [
  ...[...ABOVE, ...PAIRS].map(({ from, to }) => [fixtureIn(from), importOf(from, to)] as const),
  ...[...REFUSED, ...ALLOWED].map(([file, source]) => [file, source] as const)
]
const results = new Map((await lintRules(fixtures)).rules.map((rules, i) => [fixtures[i]?.join('\n'), rules]))
const refused = (file: string, source: string) => results.get(`${file}\n${source}`)?.includes('no-restricted-imports') === true

t.test('the layers name every folder and top-level file of src/, and nothing else', async (t) => {
  const src = join(ROOT, 'src')
  const present = readdirSync(src).map((n) => statSync(join(src, n)).isDirectory() ? `${n}/` : n).sort()
  t.same(units.map(unitName).sort(), present, 'a misspelt or missing name would make its rules do nothing, silently')
  // nothing imports the entry points; below them, a folder is imported through its index.ts
  for (const folder of LAYERS.slice(1).flatMap((l) => l.folders ?? []).filter((f) => !OPEN_FOLDERS.includes(f))) {
    t.ok(readdirSync(join(src, folder)).includes('index.ts'), `${folder}/ has an index.ts, its public surface`)
  }
})

t.test('each layer is refused the layer directly above it', async (t) => {
  for (const { from, to } of ABOVE) {
    const source = importOf(from, to)
    t.ok(refused(fixtureIn(from), source), `${LAYERS[from.layer]?.name} below ${LAYERS[to.layer]?.name}: ${fixtureIn(from)}: ${source}`)
  }
})

t.test('every layer is refused every layer above it, and allowed every layer below it through the index', async (t) => {
  const wrong = (up: boolean) => PAIRS.filter(({ from, to }) => (to.layer < from.layer) === up && refused(fixtureIn(from), importOf(from, to)) !== up)
    .map(({ from, to }) => `${fixtureIn(from)}: ${importOf(from, to)}`)
  t.same(wrong(true), [], 'upward imports not refused')
  t.same(wrong(false), [], 'downward imports refused')
})

t.test('other folders only through their index.ts; packages only where they belong', async (t) => {
  for (const [file, source, why] of REFUSED) t.ok(refused(file, source), `${why}: ${file}: ${source}`)
})

t.test('what the layers allow', async (t) => {
  for (const [file, source, why] of ALLOWED) t.notOk(refused(file, source), `${why}: ${file}: ${source}`)
})

t.test('npm run lint fails on a wrong-way file in the tree, and on nothing else', async (t) => {
  // a real file, linted by the project's script over the whole repository: one run, in which
  // the fixture must be refused and every other file must pass
  const fixture = join(ROOT, 'src/feed', `__lint_fixture_${process.pid}__.ts`)
  t.teardown(() => rmSync(fixture, { force: true }))
  writeFileSync(fixture, "// written and deleted by test/lint/layers.test.ts\nimport { runWorker } from '../sync/index.js'\n\nexport const wrongWay = runWorker\n")
  let result
  try {
    result = await run('npm', ['run', '--silent', 'lint', '--', '--format', 'json'])
  } finally {
    rmSync(fixture, { force: true })
  }
  t.not(result.code, 0, 'the script exits non-zero')
  const files = JSON.parse(result.stdout) as Array<{ filePath: string, messages: Array<{ ruleId: string | null, line: number, message: string }> }>
  t.same(files.find((f) => f.filePath === fixture)?.messages.map((m) => m.ruleId), ['no-restricted-imports'], 'the fixture is refused for importing sync/')
  const others = files.filter((f) => f.filePath !== fixture)
    .flatMap((f) => f.messages.map((m) => `${relative(ROOT, f.filePath)}:${m.line} ${m.ruleId ?? 'fatal'}: ${m.message}`))
  t.same(others, [], 'the rest of the repository passes')
  t.ok(files.length > 100, `the whole repository was linted (${files.length} files)`)
})
