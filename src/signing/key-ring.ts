import { createPrivateKey } from 'node:crypto'
import { sql } from 'kysely'
import type { Db } from '../db/create-db.js'
import { errors } from '../lib/errors.js'
import { generateEd25519Key } from './generate-key.js'
import { decryptSecret, encryptSecret, type KeyEncryptionKey } from './key-encryption.js'
import type { Jwks, SigningKey } from './types.js'

export interface KeyInfo {
  kid: string
  status: 'current' | 'retired'
  createdAt: Date
  retiredAt: Date | null
}

/**
 * Our agency's signing keys. Private keys live encrypted in `signing_keys` (see
 * key-encryption.ts) and are decrypted into memory on first use; they are never returned,
 * exported or logged. Retired public keys stay in the JWKS forever, so entries signed before
 * a rotation keep verifying.
 */
export interface KeyRing {
  /** The current signing key; throws SIGNING_KEY_MISSING when none was generated. */
  current (db?: Db): Promise<SigningKey>
  /** Generates a new key, makes it current and retires the previous one, in one transaction. */
  rotate (): Promise<{ kid: string, retired: string | null }>
  /** Generates the first key when there is none; returns the current kid. */
  ensure (): Promise<string>
  jwks (conn?: Db): Promise<Jwks>
  list (): Promise<KeyInfo[]>
}

export function createKeyRing (db: Db, kek: KeyEncryptionKey): KeyRing {
  const cache = new Map<string, SigningKey>()

  async function current (conn: Db = db): Promise<SigningKey> {
    const row = await conn.selectFrom('signing_keys').select(['kid', 'private_jwk_enc'])
      .where('status', '=', 'current').executeTakeFirst()
    if (row === undefined) throw errors.signingKeyMissing()
    const cached = cache.get(row.kid)
    if (cached !== undefined) return cached
    const jwk = JSON.parse(decryptSecret(kek, row.private_jwk_enc, row.kid)) as Record<string, string>
    const key: SigningKey = { kid: row.kid, privateKey: createPrivateKey({ key: jwk, format: 'jwk' }) }
    cache.set(row.kid, key)
    return key
  }

  async function rotate () {
    const key = await generateEd25519Key()
    return db.transaction().execute(async (trx) => {
      await sql`select pg_advisory_xact_lock(hashtext('signing_keys'))`.execute(trx)
      const previous = await trx.updateTable('signing_keys')
        .set({ status: 'retired', retired_at: new Date() })
        .where('status', '=', 'current').returning('kid').executeTakeFirst()
      await trx.insertInto('signing_keys').values({
        kid: key.kid,
        public_jwk: JSON.stringify(key.publicJwk),
        private_jwk_enc: encryptSecret(kek, JSON.stringify(key.privateJwk), key.kid),
        status: 'current'
      }).execute()
      return { kid: key.kid, retired: previous?.kid ?? null }
    })
  }

  async function ensure () {
    const row = await db.selectFrom('signing_keys').select('kid').where('status', '=', 'current').executeTakeFirst()
    if (row !== undefined) return row.kid
    try {
      return (await rotate()).kid
    } catch (err) {
      // another process generated the first key at the same moment: use theirs
      const again = await db.selectFrom('signing_keys').select('kid').where('status', '=', 'current').executeTakeFirst()
      if (again !== undefined) return again.kid
      throw err
    }
  }

  async function jwks (conn: Db = db): Promise<Jwks> {
    const rows = await conn.selectFrom('signing_keys').select('public_jwk').orderBy('created_at', 'desc').execute()
    return { keys: rows.map((r) => r.public_jwk) }
  }

  async function list (): Promise<KeyInfo[]> {
    const rows = await db.selectFrom('signing_keys').select(['kid', 'status', 'created_at', 'retired_at'])
      .orderBy('created_at', 'desc').execute()
    return rows.map((r) => ({ kid: r.kid, status: r.status, createdAt: r.created_at, retiredAt: r.retired_at }))
  }

  return { current, rotate, ensure, jwks, list }
}
