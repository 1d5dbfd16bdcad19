import { loadConfigOrExit } from '../config.js'
import { systemClock } from '../lib/clock.js'
import { createKeyRing, loadKeyEncryptionKey } from '../signing/index.js'
import { revokeKey, rotateKey } from '../use-cases/index.js'
import type { Command } from './main.js'
import { cliActor, note, print, usageError, withDatabase } from './services.js'

const USAGE = 'keys rotate | keys list | keys revoke KID --reason TEXT [--from TIME]'

/**
 * `keys rotate`: a new Ed25519 signing key becomes current and the previous one is retired
 * (it stays in the JWKS, marked retired; a key-status entry of our feed announces the new key).
 * Prints the new kid; private keys are never printed. `keys revoke KID --reason TEXT [--from
 * TIME]`: the key is revoked (a current key is rotated out first), from TIME (default now).
 * `keys list`: kid, status, created, retired and revoked-from times, newest first.
 */
export const keysCommand: Command = {
  summary: 'Rotate, revoke or list this agency\'s signing keys',
  usage: USAGE,
  options: { reason: { type: 'string' }, from: { type: 'string' } },
  allowPositionals: true,
  async run ({ positionals, values }) {
    const [action, ...extra] = positionals
    const wanted = action === 'revoke' ? 1 : 0
    if ((action !== 'rotate' && action !== 'list' && action !== 'revoke') || extra.length !== wanted) return usageError('keys', USAGE, 'expected "rotate", "list" or "revoke KID"')
    const reason = typeof values.reason === 'string' ? values.reason.trim() : ''
    const from = typeof values.from === 'string' ? values.from : undefined
    if (action === 'revoke' && reason === '') return usageError('keys', USAGE, 'revoke needs --reason TEXT: the peers and the audit trail read it')
    if (from !== undefined && (action !== 'revoke' || Number.isNaN(Date.parse(from)))) return usageError('keys', USAGE, '--from takes a date and time (ISO 8601), with revoke only')
    const config = loadConfigOrExit(process.env)
    const kek = await loadKeyEncryptionKey(config.keyEncryptionKey)
    await withDatabase(config, async (db) => {
      const ctx = { db, config, clock: systemClock, keyRing: createKeyRing(db, kek) }
      if (action === 'list') {
        for (const key of await ctx.keyRing.list()) {
          const columns = [key.kid, key.status, key.createdAt.toISOString(), key.retiredAt?.toISOString() ?? '-']
          if (key.revokedFrom !== null) columns.push(`revoked from ${key.revokedFrom.toISOString()}`)
          print(columns.join('\t'))
        }
        return
      }
      if (action === 'revoke') {
        const revoked = await revokeKey(ctx, cliActor(), extra[0] as string, { from: from === undefined ? undefined : new Date(from).toISOString(), reason })
        print(revoked.kid)
        note(`${revoked.kid} is revoked from ${revoked.revokedFrom} (entry ${revoked.entry.seq} of our feed)${revoked.rotatedTo === null ? '' : `; ${revoked.rotatedTo} is the new current key: back up the database now`}`)
        return
      }
      if ((await ctx.keyRing.list()).every((k) => k.status !== 'current')) {
        const kid = await ctx.keyRing.ensure()
        print(kid)
        note(`${kid} is the first signing key`)
        return
      }
      const { kid, retired } = await rotateKey(ctx, cliActor())
      print(kid)
      note(`${kid} is now current; ${String(retired)} is retired and stays in the JWKS; back up the database now: a backup taken before holds the old key only`)
    })
    return 0
  }
}
