import type { Logger } from 'pino'
import type { AppDeps } from './app.js'
import type { Config } from './config.js'
import { createDb, type Db } from './db/create-db.js'
import { migrateToLatest } from './db/migrate.js'
import type { Clock } from './lib/clock.js'
import { refreshWatchKeys } from './alerts/index.js'
import { refreshMatchKeys } from './records/index.js'
import { createKeyRing, createUserTokenVerifier, deriveSessionKey, loadKeyEncryptionKey } from './signing/index.js'

/**
 * What every entry point shares: the database (migrated), the key ring (with a first key
 * generated when there is none), the user-token verifier and the web session key. The caller owns `db` and
 * destroys it when done.
 */
export async function wireServices (config: Config, logger: Logger, clock: Clock, existingDb?: Db): Promise<AppDeps> {
  const db = existingDb ?? await createDb(config)
  try {
    await migrateToLatest(db)
    const rekeyed = await refreshMatchKeys(db)
    if (rekeyed > 0) logger.info({ rows: rekeyed }, 'match keys recomputed for the current matchers')
    const rewatched = await refreshWatchKeys(db)
    if (rewatched > 0) logger.info({ subjects: rewatched }, 'watched parties indexed again for the current matchers')
    const kek = await loadKeyEncryptionKey(config.keyEncryptionKey)
    const keyRing = createKeyRing(db, kek)
    const kid = await keyRing.ensure()
    logger.info({ agency: config.agency.id, kid, database: config.databaseUrl === undefined ? 'embedded' : 'postgresql' }, 'agency services ready')
    const verifyUserToken = await createUserTokenVerifier(config.idp, config.dataDir, clock)
    return { config, db, logger, clock, keyRing, verifyUserToken, sessionKey: deriveSessionKey(kek) }
  } catch (err) {
    if (existingDb === undefined) await db.destroy()
    throw err
  }
}
