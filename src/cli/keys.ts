import { loadConfigOrExit } from '../config.js'
import { createKeyRing, loadKeyEncryptionKey } from '../signing/index.js'
import type { Command } from './main.js'
import { note, print, usageError, withDatabase } from './services.js'

const USAGE = 'keys rotate | keys list'

/**
 * `keys rotate`: a new Ed25519 signing key becomes current and the previous one is retired
 * (it stays in the JWKS). Prints the new kid; private keys are never printed. `keys list`:
 * kid, status, created and retired times, newest first.
 */
export const keysCommand: Command = {
  summary: 'Rotate or list this agency\'s signing keys',
  usage: USAGE,
  options: {},
  allowPositionals: true,
  async run ({ positionals }) {
    const [action, ...extra] = positionals
    if ((action !== 'rotate' && action !== 'list') || extra.length > 0) return usageError('keys', USAGE, 'expected "rotate" or "list"')
    const config = loadConfigOrExit(process.env)
    const kek = await loadKeyEncryptionKey(config.keyEncryptionKey)
    await withDatabase(config, async (db) => {
      const keyRing = createKeyRing(db, kek)
      if (action === 'rotate') {
        const { kid, retired } = await keyRing.rotate()
        print(kid)
        note(retired === null ? `${kid} is the first signing key` : `${kid} is now current; ${retired} is retired and stays in the JWKS`)
        return
      }
      for (const key of await keyRing.list()) {
        print([key.kid, key.status, key.createdAt.toISOString(), key.retiredAt?.toISOString() ?? '-'].join('\t'))
      }
    })
    return 0
  }
}
