import { createPrivateKey } from 'node:crypto'
import { sql, type Transaction } from 'kysely'
import type { Db } from '../db/create-db.js'
import type { Database } from '../db/schema.js'
import { errors } from '../lib/errors.js'
import { generateEd25519Key, type GeneratedKey } from './generate-key.js'
import { decryptSecret, encryptSecret, type KeyEncryptionKey } from './key-encryption.js'
import type { Jwks, PublicJwk, SigningKey } from './types.js'

export type KeyStatus = 'current' | 'retired' | 'revoked'

export interface KeyInfo {
  kid: string
  status: KeyStatus
  createdAt: Date
  retiredAt: Date | null
  /** A revoked key: from when it is no longer trusted, when we said so, and why. */
  revokedFrom: Date | null
  revokedAt: Date | null
  revocationReason: string | null
}

/**
 * Our agency's signing keys. Private keys live encrypted in `signing_keys` (see
 * key-encryption.ts) and are decrypted into memory on first use; they are never returned,
 * exported or logged. Retired and revoked public keys stay in the JWKS, marked with their
 * status, so entries signed before keep verifying and peers learn what not to trust.
 *
 * A change of key is also an entry of our feed (docs/federation.md section 1): the use cases
 * (`rotateKey`, `revokeKey`) generate the key, then `install` or `revoke` it in the
 * transaction that appends that entry.
 */
export interface KeyRing {
  /** The current signing key; throws SIGNING_KEY_MISSING when none was generated. */
  current (db?: Db): Promise<SigningKey>
  /** Makes `key` current and retires the current key (at `at`), in the caller's transaction; returns the retired kid. */
  install (trx: Transaction<Database>, key: GeneratedKey, at: Date): Promise<string | null>
  /** Marks `kid` revoked from `from`, in the caller's transaction. */
  revoke (trx: Transaction<Database>, kid: string, revocation: { from: Date, reason: string, at: Date }): Promise<void>
  /** Generates the first key when there is none; returns the current kid. */
  ensure (): Promise<string>
  jwks (conn?: Db): Promise<Jwks>
  list (conn?: Db): Promise<KeyInfo[]>
  find (conn: Db, kid: string): Promise<KeyInfo | undefined>
}

/** Serialises changes of our keys (one current key at a time). */
const lockKeys = (trx: Transaction<Database>) => sql`select pg_advisory_xact_lock(hashtext('signing_keys'))`.execute(trx)

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

  async function install (trx: Transaction<Database>, key: GeneratedKey, at: Date) {
    await lockKeys(trx)
    const previous = await trx.updateTable('signing_keys')
      .set({ status: 'retired', retired_at: at })
      .where('status', '=', 'current').returning('kid').executeTakeFirst()
    await trx.insertInto('signing_keys').values({
      kid: key.kid,
      public_jwk: JSON.stringify(key.publicJwk),
      private_jwk_enc: encryptSecret(kek, JSON.stringify(key.privateJwk), key.kid),
      status: 'current'
    }).execute()
    return previous?.kid ?? null
  }

  async function revoke (trx: Transaction<Database>, kid: string, revocation: { from: Date, reason: string, at: Date }) {
    await lockKeys(trx)
    await trx.updateTable('signing_keys')
      .set({ status: 'revoked', revoked_from: revocation.from, revoked_at: revocation.at, revocation_reason: revocation.reason })
      .where('kid', '=', kid).execute()
  }

  async function ensure () {
    const row = await db.selectFrom('signing_keys').select('kid').where('status', '=', 'current').executeTakeFirst()
    if (row !== undefined) return row.kid
    const key = await generateEd25519Key()
    try {
      await db.transaction().execute(async (trx) => {
        await lockKeys(trx)
        // another process may have generated the first key while we waited for the lock: use theirs
        if (await trx.selectFrom('signing_keys').select('kid').executeTakeFirst() !== undefined) return
        await install(trx, key, new Date())
      })
    } catch (err) {
      const again = await db.selectFrom('signing_keys').select('kid').where('status', '=', 'current').executeTakeFirst()
      if (again !== undefined) return again.kid
      throw err
    }
    return (await db.selectFrom('signing_keys').select('kid').where('status', '=', 'current').executeTakeFirstOrThrow()).kid
  }

  const columns = ['kid', 'public_jwk', 'status', 'created_at', 'retired_at', 'revoked_from', 'revoked_at', 'revocation_reason'] as const
  type Row = { kid: string, public_jwk: PublicJwk, status: KeyStatus, created_at: Date, retired_at: Date | null, revoked_from: Date | null, revoked_at: Date | null, revocation_reason: string | null }
  const toInfo = (r: Row): KeyInfo => ({
    kid: r.kid, status: r.status, createdAt: r.created_at, retiredAt: r.retired_at, revokedFrom: r.revoked_from, revokedAt: r.revoked_at, revocationReason: r.revocation_reason
  })

  async function jwks (conn: Db = db): Promise<Jwks> {
    const rows = await conn.selectFrom('signing_keys').select(columns).orderBy('created_at', 'desc').execute()
    return { keys: rows.map(publishedJwk) }
  }

  async function list (conn: Db = db): Promise<KeyInfo[]> {
    return (await conn.selectFrom('signing_keys').select(columns).orderBy('created_at', 'desc').execute()).map(toInfo)
  }

  async function find (conn: Db, kid: string): Promise<KeyInfo | undefined> {
    const row = await conn.selectFrom('signing_keys').select(columns).where('kid', '=', kid).executeTakeFirst()
    return row === undefined ? undefined : toInfo(row)
  }

  return { current, install, revoke, ensure, jwks, list, find }
}

/** A key as our JWKS publishes it: the public JWK with its status (and when it was retired, or from when it is revoked). */
function publishedJwk (row: { public_jwk: PublicJwk, status: KeyStatus, retired_at: Date | null, revoked_from: Date | null }): PublicJwk {
  const jwk: PublicJwk = { ...row.public_jwk, status: row.status }
  if (row.retired_at !== null) jwk.retiredAt = row.retired_at.toISOString()
  if (row.status === 'revoked' && row.revoked_from !== null) jwk.revokedFrom = row.revoked_from.toISOString()
  return jwk
}
