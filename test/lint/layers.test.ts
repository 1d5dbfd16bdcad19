import { spawn } from 'node:child_process'
import { once } from 'node:events'
import { join } from 'node:path'
import t from 'tap'
import { ROOT } from '../helpers/processes.js'

/** The rules eslint.config.js reports for `source` as if it were the file `file` (no file is written). */
async function lintRules (file: string, source: string): Promise<string[]> {
  const eslint = spawn(process.execPath, [join(ROOT, 'node_modules/eslint/bin/eslint.js'), '--format', 'json', '--stdin', '--stdin-filename', file], { cwd: ROOT, stdio: ['pipe', 'pipe', 'inherit'] })
  let out = ''
  eslint.stdout.setEncoding('utf8').on('data', (chunk: string) => { out += chunk })
  eslint.stdin.end(`${source}\n`)
  await once(eslint, 'close')
  const [result] = JSON.parse(out) as Array<{ messages: Array<{ ruleId: string | null }> }>
  return (result?.messages ?? []).map((m) => m.ruleId ?? 'fatal')
}

/**
 * The layer rules of eslint.config.js (STYLE section 5) name folders by glob: a misspelt or
 * missing folder makes a rule do nothing, silently. Each import goes the wrong way from a file
 * in a real folder, and must be refused.
 */
const WRONG_WAY: Array<[file: string, source: string]> = [
  ['src/sync/fixture.ts', "import { runBackgroundJobs } from '../jobs/run-background-jobs.js'"],
  ['src/divergence/fixture.ts', "import { runBackgroundJobs } from '../jobs/run-background-jobs.js'"],
  ['src/consultations/fixture.ts', "import Fastify from 'fastify'"],
  ['src/feed/fixture.ts', "import { consultationDeps } from '../consultations/index.js'"],
  ['src/jobs/fixture.ts', "import { buildApp } from '../app.js'"],
  ['src/jobs/fixture.ts', "import { jwtVerify } from 'jose'"],
  ['src/lib/fixture.ts', "import { runBackgroundJobs } from '../jobs/run-background-jobs.js'"]
]

t.test('imports against the layers are lint errors', async (t) => {
  const results = await Promise.all(WRONG_WAY.map(([file, source]) => lintRules(file, source)))
  WRONG_WAY.forEach(([file, source], i) => t.ok(results[i]?.includes('no-restricted-imports'), `${file}: ${source}`))
})

t.test('the jobs may use the capabilities, and the entry points the jobs', async (t) => {
  t.notOk((await lintRules('src/jobs/fixture.ts', "import { runWorker } from '../sync/index.js'")).includes('no-restricted-imports'))
  t.notOk((await lintRules('src/worker-fixture.ts', "import { runBackgroundJobs } from './jobs/run-background-jobs.js'")).includes('no-restricted-imports'))
})
