/**
 * The feed entries behind decisions a bench stored directly (bench/lib/stored-decisions.ts
 * writes `records` and the query tables only): what sync stores when it pulls an ally's feed,
 * one signed entry per decision, chained, at the seq the record names (`latest_seq`). Screening
 * reads a held decision only with its current entry (the signature it reports), so decisions
 * without one are never screened against.
 */
import { createPrivateKey, randomUUID } from 'node:crypto'
import { sql } from 'kysely'
import type { Db } from '../../src/db/create-db.js'
import { storeEntries, type FeedEntryRow } from '../../src/feed/index.js'
import { sha256Base64url } from '../../src/lib/hash.js'
import { ENTRY_TYP, generateEd25519Key, signCompact, type Jwks } from '../../src/signing/index.js'

/** A signing key for an ally, and its JWKS (for its `peers` row). */
export async function allyKey (): Promise<{ sign: (payload: unknown) => string, jwks: Jwks }> {
  const key = await generateEd25519Key()
  const privateKey = createPrivateKey({ key: key.privateJwk, format: 'jwk' })
  return { sign: (payload) => signCompact(payload, { kid: key.kid, privateKey }, ENTRY_TYP), jwks: { keys: [key.publicJwk] } }
}

/** Signs and stores `issuer`'s entries for every decision of its held in `records`, in seq order, 1,000 to a statement. */
export async function storeAllyEntries (db: Db, issuer: string, sign: (payload: unknown) => string, publishedAt: Date): Promise<number> {
  const { rows } = await sql<{ record_id: string, latest_seq: number, version: number, body: Record<string, unknown> }>`
    select record_id, latest_seq, version, body from records where issuer = ${issuer} order by latest_seq`.execute(db)
  let prev: string | null = null
  let stored = 0
  for (let i = 0; i < rows.length; i += 1000) {
    const entries: FeedEntryRow[] = []
    for (const row of rows.slice(i, i + 1000)) {
      const id = randomUUID()
      const jws = sign({
        v: 1,
        iss: issuer,
        seq: row.latest_seq,
        id,
        kind: 'decision',
        time: publishedAt.toISOString(),
        aud: ['*'],
        prev,
        body: { recordId: row.record_id, version: row.version, ...row.body }
      })
      const hash = sha256Base64url(jws)
      entries.push({ issuer, seq: row.latest_seq, entry_id: id, kind: 'decision', record_id: row.record_id, audience: null, jws, hash, prev, published_at: publishedAt })
      prev = hash
    }
    stored += await db.transaction().execute((trx) => storeEntries(trx, entries, { onConflict: 'fail' }))
  }
  return stored
}
