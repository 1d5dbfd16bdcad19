import type { Transaction } from 'kysely'
import { appendAuditEvents } from '../audit/index.js'
import type { Database } from '../db/schema.js'
import { appendEntries, lockFeedHead, setFeedSigningKey, type PublishedEntry } from '../feed/index.js'
import { errors } from '../lib/errors.js'
import { generateEd25519Key, KEY_STATUS_KIND, type GeneratedKey, type KeyStatement, type SigningKey } from '../signing/index.js'
import type { UseCaseContext } from './context.js'

// A change of our signing keys is an entry of our feed (docs/federation.md section 1), so that
// every peer learns it where it learns everything else, in order: written with the key change
// and its audit event in one transaction, under the feed head's lock.

type KeyAdministration = Pick<UseCaseContext, 'db' | 'clock' | 'config' | 'keyRing' | 'pusher'>

export interface RotatedKey { kid: string, retired: string | null, entry: { seq: number } | null }
export interface RevokedKey { kid: string, revokedFrom: string, rotatedTo: string | null, entry: { seq: number } }

/**
 * Makes a new key current and retires the current one: the entry announcing the new key (with
 * its public key, so that a peer enrolled with inline keys learns it) is signed with the old
 * key, which peers trust, and the head names the new key, so no publish signs with the old one
 * after. Our first key is generated without an entry (there is no key to announce it with).
 */
export async function rotateKey (ctx: KeyAdministration, admin: string): Promise<RotatedKey> {
  const key = await generateEd25519Key()
  const old = await currentKeyOrNone(ctx)
  const rotated = await ctx.db.transaction().execute(async (trx) => {
    const rotation = await rotateIn(trx, ctx, key, old)
    await appendAuditEvents(trx, [{
      actor: admin, action: 'key-rotated', subject: { type: 'signing-key', id: key.kid }, detail: { retired: rotation.retired, seq: rotation.entry?.seq ?? null }
    }], ctx.clock)
    return rotation
  })
  if (rotated.entry !== null) ctx.pusher?.published(rotated.entry)
  return { kid: key.kid, retired: rotated.retired, entry: rotated.entry === null ? null : { seq: rotated.entry.seq } }
}

/**
 * Revokes one of our keys from `from` (default: now), with the reason: the current key is first
 * rotated out (as `rotateKey`), then a key-status entry signed with the current key says it is
 * revoked, the key is marked revoked, and `key-revoked` is audited, in one transaction. Peers
 * refuse its tokens and messages at once, and any entry placed after the revocation; the
 * entries of our feed before it stay ours, whenever they are dated (docs/federation.md).
 */
export async function revokeKey (ctx: KeyAdministration, admin: string, kid: string, input: { from?: string | undefined, reason: string }): Promise<RevokedKey> {
  const fresh = await generateEd25519Key()
  const old = await currentKeyOrNone(ctx)
  const { revoked, entries } = await ctx.db.transaction().execute(async (trx) => {
    await lockFeedHead(trx, ctx.config.agency.id)
    const info = await ctx.keyRing.find(trx, kid)
    if (info === undefined) throw errors.keyNotFound(kid)
    if (info.status === 'revoked') throw errors.keyAlreadyRevoked(kid)
    const published: PublishedEntry[] = []
    let rotatedTo: string | null = null
    if (info.status === 'current') {
      const rotation = await rotateIn(trx, ctx, fresh, old)
      if (rotation.entry !== null) published.push(rotation.entry)
      rotatedTo = fresh.kid
    }
    const now = ctx.clock.now()
    const from = input.from === undefined ? now : new Date(input.from)
    if (from > now) throw errors.invalidRequest('a revocation takes effect now or from a past time, not later', [{ pointer: '/body/from', detail: 'is in the future' }])
    const signer = await ctx.keyRing.current(trx)
    const statement: KeyStatement = { kid, status: 'revoked', revokedFrom: from.toISOString(), reason: input.reason }
    const [entry] = await appendEntries(trx, [{ kind: KEY_STATUS_KIND, recordId: null, body: { keys: [statement] } }], { issuer: ctx.config.agency.id, key: signer, clock: ctx.clock }) as [PublishedEntry]
    published.push(entry)
    await ctx.keyRing.revoke(trx, kid, { from, reason: input.reason, at: now })
    await appendAuditEvents(trx, [{
      actor: admin, action: 'key-revoked', subject: { type: 'signing-key', id: kid }, detail: { revokedFrom: from.toISOString(), reason: input.reason, rotatedTo, seq: entry.seq }
    }], ctx.clock)
    return { revoked: { kid, revokedFrom: from.toISOString(), rotatedTo, entry: { seq: entry.seq } }, entries: published }
  })
  for (const entry of entries) ctx.pusher?.published(entry)
  return revoked
}

/** The current key, read before the transaction (on the embedded database, the pool is not used inside one); none before the first. */
async function currentKeyOrNone (ctx: KeyAdministration): Promise<SigningKey | undefined> {
  try {
    return await ctx.keyRing.current()
  } catch (err) {
    if ((err as { code?: string }).code === 'SIGNING_KEY_MISSING') return undefined
    throw err
  }
}

/** In the caller's transaction: announce `key` signed with the current key, install it, name it on the head. */
async function rotateIn (trx: Transaction<Database>, ctx: KeyAdministration, key: GeneratedKey, old: SigningKey | undefined): Promise<{ retired: string | null, entry: PublishedEntry | null }> {
  const issuer = ctx.config.agency.id
  await lockFeedHead(trx, issuer)
  const signer = old === undefined ? undefined : await ctx.keyRing.current(trx)
  let entry: PublishedEntry | null = null
  let at = ctx.clock.now()
  if (signer !== undefined) {
    const statements: KeyStatement[] = [
      { kid: key.kid, status: 'current', jwk: key.publicJwk },
      { kid: signer.kid, status: 'retired', retiredAt: at.toISOString() }
    ]
    ;[entry] = await appendEntries(trx, [{ kind: KEY_STATUS_KIND, recordId: null, body: { keys: statements } }], { issuer, key: signer, clock: { now: () => at } }) as [PublishedEntry]
    at = entry.publishedAt
  }
  const retired = await ctx.keyRing.install(trx, key, at)
  await setFeedSigningKey(trx, issuer, key.kid)
  return { retired, entry }
}
