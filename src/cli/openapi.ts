import { mkdtemp, mkdir, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import { buildApp } from '../app.js'
import { loadConfig } from '../config.js'
import { systemClock } from '../lib/clock.js'
import { createLogger } from '../lib/logger.js'
import { wireServices } from '../wiring.js'
import type { Command } from './main.js'
import { note } from './services.js'

export const OPENAPI_FILE = 'openapi/openapi.json'

/**
 * The OpenAPI document of the app as built with the default configuration, on a throwaway
 * embedded database: the operator's environment must not change the committed document.
 */
export async function renderOpenApi (): Promise<string> {
  const dataDir = await mkdtemp(join(tmpdir(), 'reciprocity-openapi-'))
  try {
    const config = loadConfig({ DATA_DIR: dataDir, LOG_LEVEL: 'silent' })
    const deps = await wireServices(config, createLogger({ level: 'silent' }), systemClock)
    try {
      const app = await buildApp(deps)
      await app.ready()
      const text = `${JSON.stringify(app.swagger(), null, 2)}\n`
      await app.close()
      return text
    } finally {
      await deps.db.destroy()
    }
  } finally {
    await rm(dataDir, { recursive: true, force: true })
  }
}

/** `openapi`: writes openapi/openapi.json from the route schemas; `--check` exits 1 when the file is stale. */
export const openapiCommand: Command = {
  summary: `Write ${OPENAPI_FILE} from the route schemas (--check: exit 1 if it is stale)`,
  usage: 'openapi [--check] [--out FILE]',
  options: { check: { type: 'boolean' }, out: { type: 'string' } },
  async run ({ values }) {
    const file = resolve(typeof values.out === 'string' ? values.out : OPENAPI_FILE)
    const text = await renderOpenApi()
    if (values.check === true) {
      const committed = await readFile(file, 'utf8').catch(() => '')
      if (committed === text) return 0
      note(`${file} is stale: run \`npm run openapi\` and commit it`)
      return 1
    }
    await mkdir(dirname(file), { recursive: true })
    await writeFile(file, text)
    note(`wrote ${file}`)
    return 0
  }
}
