import type { Transaction } from 'kysely'
import type { Db } from '../db/create-db.js'
import type { Database } from '../db/schema.js'
import type { Jwks, PublicJwk } from '../lib/jwk.js'
import { KeyPolicy, mergeKeyStatus, readKeyStatements, statusOf, type KnownKeyStatus } from '../signing/index.js'
import type { Peer } from './types.js'

// What a peer said of its own keys (docs/federation.md section 1), kept in `peer_key_status`:
// from the `key-status` entries of its feed, as they are stored, and from the status members
// of its JWKS, as it is fetched. A status only escalates (`mergeKeyStatus`): a JWKS that later
// leaves it out, or says less, does not lift it.

/** The limiting statuses (retired with when, revoked from when) a JWKS's status members give its keys. */
export function statusesOfJwks (jwks: Jwks): Array<{ kid: string, status: KnownKeyStatus }> {
  const found: Array<{ kid: string, status: KnownKeyStatus }> = []
  for (const key of jwks.keys) {
    const status = statusOfJwk(key)
    if (key.kid !== undefined && status !== undefined) found.push({ kid: key.kid, status })
  }
  return found
}

function statusOfJwk (key: PublicJwk): KnownKeyStatus | undefined {
  if (key.status === 'revoked' && key.revokedFrom !== undefined) return { status: 'revoked', since: new Date(key.revokedFrom), seq: null }
  if (key.status === 'retired' && key.retiredAt !== undefined) return { status: 'retired', since: new Date(key.retiredAt), seq: null }
  return undefined
}

/** Records statuses of `agencyId`'s keys, each merged with what we held of it; returns the kids whose status changed. */
export async function recordKeyStatuses (db: Db | Transaction<Database>, agencyId: string, incoming: ReadonlyArray<{ kid: string, status: KnownKeyStatus }>, learnedFrom: 'feed' | 'jwks'): Promise<string[]> {
  if (incoming.length === 0) return []
  const held = new Map((await db.selectFrom('peer_key_status').select(['kid', 'status', 'since', 'entry_seq', 'reason'])
    .where('agency_id', '=', agencyId).where('kid', 'in', incoming.map((s) => s.kid)).execute())
    .map((r): [string, KnownKeyStatus] => [r.kid, { status: r.status, since: r.since, seq: r.entry_seq, reason: r.reason }]))
  const changed: string[] = []
  for (const { kid, status } of incoming) {
    const merged = mergeKeyStatus(held.get(kid), status)
    if (merged === undefined) continue
    held.set(kid, merged)
    changed.push(kid)
    const row = { status: merged.status, since: merged.since, entry_seq: merged.seq, reason: merged.reason ?? null, learned_from: learnedFrom }
    await db.insertInto('peer_key_status').values({ agency_id: agencyId, kid, ...row })
      .onConflict((oc) => oc.columns(['agency_id', 'kid']).doUpdateSet({ ...row, learned_at: new Date() })).execute()
  }
  return changed
}

/**
 * Takes in the `key-status` entries of `agencyId`'s feed just stored, in seq order, in the
 * storing transaction: keys announced current join the peer's key set (a peer enrolled with
 * inline keys learns a rotation this way), retirements and revocations are recorded. The
 * entries were verified (`verifyChain` with the peer's `KeyPolicy`), so their bodies read.
 */
export async function applyKeyStatusEntries (trx: Transaction<Database>, agencyId: string, entries: ReadonlyArray<{ seq: number, body: unknown }>): Promise<void> {
  if (entries.length === 0) return
  const statuses: Array<{ kid: string, status: KnownKeyStatus }> = []
  const announced: PublicJwk[] = []
  for (const entry of entries) {
    const statements = readKeyStatements(entry.body)
    if (typeof statements === 'string') continue
    for (const statement of statements) {
      if (statement.jwk !== undefined) announced.push(statement.jwk)
      const status = statusOf(statement, entry.seq)
      if (status !== undefined) statuses.push({ kid: statement.kid, status })
    }
  }
  if (announced.length > 0) {
    const row = await trx.selectFrom('peers').select('jwks').where('agency_id', '=', agencyId).forUpdate().executeTakeFirst()
    if (row !== undefined) {
      const known = new Set(row.jwks.keys.map((k) => k.kid))
      const added = announced.filter((k) => !known.has(k.kid) && known.add(k.kid))
      if (added.length > 0) {
        await trx.updateTable('peers').set({ jwks: JSON.stringify({ keys: [...row.jwks.keys, ...added] }), updated_at: new Date() })
          .where('agency_id', '=', agencyId).execute()
      }
    }
  }
  await recordKeyStatuses(trx, agencyId, statuses, 'feed')
}

/** Everything we know limits the peer's key `kid`: its recorded status merged with its JWKS's status member. */
export function keyStatusOf (peer: Pick<Peer, 'jwks' | 'keyStatuses'>, kid: string): KnownKeyStatus | undefined {
  const recorded = peer.keyStatuses.get(kid)
  const key = peer.jwks.keys.find((k) => k.kid === kid)
  const fromJwks = key === undefined ? undefined : statusOfJwk(key)
  if (fromJwks === undefined) return recorded
  return mergeKeyStatus(recorded, fromJwks) ?? recorded
}

/** The peer's key statuses as a policy for verifying a run of its entries (`verifyChain`). */
export function keyPolicyOf (peer: Pick<Peer, 'jwks' | 'keyStatuses'>): KeyPolicy {
  const statuses = new Map(peer.keyStatuses)
  for (const { kid, status } of statusesOfJwks(peer.jwks)) statuses.set(kid, mergeKeyStatus(statuses.get(kid), status) ?? statuses.get(kid) ?? status)
  return new KeyPolicy(statuses)
}

/** The keys that may sign what the peer sends now (partner tokens): those neither retired nor revoked. */
export function currentKeysOf (peer: Pick<Peer, 'jwks' | 'keyStatuses'>): Jwks {
  return { keys: peer.jwks.keys.filter((k) => k.kid === undefined || keyStatusOf(peer, k.kid) === undefined) }
}
