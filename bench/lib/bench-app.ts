import { randomBytes } from 'node:crypto'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { buildApp } from '../../src/app.js'
import { loadConfig } from '../../src/config.js'
import { fixedClock } from '../../src/lib/clock.js'
import { createLogger } from '../../src/lib/logger.js'
import { issueLocalUserToken } from '../../src/signing/index.js'
import { wireServices } from '../../src/wiring.js'
import { ISSUERS, NOW } from './stored-decisions.js'

/**
 * Our agency's app over a loaded database, in process, with the rate limits lifted (a bench
 * sends one request after another as fast as it can) and an officer's bearer token; `close`
 * stops it and removes its data directory.
 */
export async function startBenchApp (url: string, prefix: string): Promise<{ app: Awaited<ReturnType<typeof buildApp>>, deps: Awaited<ReturnType<typeof wireServices>>, authorization: string, close: () => Promise<void> }> {
  const dataDir = await mkdtemp(join(tmpdir(), prefix))
  const unlimited = { RATE_LIMIT_SCREENING: '0', RATE_LIMIT_API: '0', RATE_LIMIT_IMPORT: '0', RATE_LIMIT_FEED: '0', RATE_LIMIT_PUBLIC: '0' }
  const config = loadConfig({ AGENCY_ID: ISSUERS[0], DATABASE_URL: url, DATA_DIR: dataDir, LOG_LEVEL: 'silent', KEY_ENCRYPTION_KEY: randomBytes(32).toString('base64url'), ...unlimited })
  const clock = fixedClock(NOW)
  const deps = await wireServices(config, createLogger({ level: 'silent' }), clock)
  const app = await buildApp(deps)
  const authorization = `Bearer ${await issueLocalUserToken(dataDir, config.idp, { subject: 'bench', roles: ['officer'] }, clock)}`
  return {
    app,
    deps,
    authorization,
    close: async () => {
      await app.close()
      await deps.db.destroy()
      await rm(dataDir, { recursive: true, force: true })
    }
  }
}
