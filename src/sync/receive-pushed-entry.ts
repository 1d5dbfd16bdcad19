import type { Db } from '../db/create-db.js'
import { findEntryHash, verifyChain, ChainError, type EntryPayload, type VerifiedEntry } from '../feed/index.js'
import type { Clock } from '../lib/clock.js'
import { errors } from '../lib/errors.js'
import { findPeer, keyPolicyOf, peerKeysFor, type KeyRefresh } from '../peers/index.js'
import { peekJws, type KeyCache } from '../signing/index.js'
import { ingestEntries, prepareEntries, type Projector } from './ingest.js'
import { ensureSyncRows, quarantinePeer } from './queries.js'
import { CHAIN_FAILURES, SyncFailure } from './sync-failure.js'

export type PushOutcome = { status: 'stored' | 'duplicate' | 'pending', seq: number, cursor: number }

/**
 * Takes an entry pushed by `caller` (an authenticated, active peer) to our inbox. It is verified
 * as a pulled entry is: the caller's own entry, a valid signature under its keys. If it
 * continues our copy of the chain it is stored at once (and projected); if it is ahead, it
 * waits in the inbox until the pull fills the gap; if we hold it already, nothing happens.
 * A different entry for a seq we hold, or a broken link, quarantines the peer (FORK_DETECTED),
 * as does an entry signed with a key the peer retired or revoked before it. An entry signed with
 * a key we do not know is refused without more: a rotation announced in the peer's feed that we
 * have not pulled yet looks the same, and the pull verifies it through the chain.
 */
export async function receivePushedEntry (ctx: KeyRefresh & { db: Db, project: Projector, keyCache?: KeyCache }, caller: string, jws: string): Promise<PushOutcome> {
  const peer = await findPeer(ctx.db, caller)
  if (peer === undefined) throw errors.peerNotEnrolled(caller)
  const { payload: claimed, kid } = decodePayload(jws)
  if (claimed.iss !== caller) throw errors.inboxWrongIssuer(caller, String(claimed.iss))
  if (!Number.isSafeInteger(claimed.seq) || claimed.seq < 1) throw errors.entryInvalid('WRONG_SEQ', 'the payload carries no valid seq (an integer from 1 to 2^53 - 1)')
  const { jwks } = await peerKeysFor(ctx.db, peer, kid, ctx)
  let entry: VerifiedEntry
  try {
    // verified as the only entry of a chain that starts where it claims to: signature, issuer, seq, the key's status
    ;[entry] = await verifyChain(caller, [{ seq: claimed.seq, jws }], jwks, { seq: claimed.seq - 1, hash: claimed.prev }, ctx.keyCache, keyPolicyOf(peer)) as [VerifiedEntry]
  } catch (err) {
    if (!(err instanceof ChainError)) throw err
    if (err.reason === 'unknown-kid') throw errors.entryInvalid('UNKNOWN_KEY', `${err.message}; the pull will verify it through your feed`)
    const code = CHAIN_FAILURES[err.reason]
    await quarantine(ctx, caller, new SyncFailure(code, `pushed entry ${claimed.seq}: ${err.message}`, { evidence: { seq: claimed.seq, entry: jws } }))
    throw errors.entryInvalid(code, err.message)
  }
  await ensureSyncRows(ctx.db)
  const prepared = await prepareEntries(caller, [entry], ctx.project)
  try {
    return await ctx.db.transaction().execute(async (trx) => {
      const sync = await trx.selectFrom('peer_sync').select(['cursor_seq', 'cursor_hash']).where('agency_id', '=', caller).forUpdate().executeTakeFirstOrThrow()
      const cursor = { seq: sync.cursor_seq, hash: sync.cursor_hash }
      if (entry.seq <= cursor.seq) {
        const held = await findEntryHash(trx, caller, entry.seq)
        if (held !== entry.hash) throw new SyncFailure('FORK_DETECTED', `pushed entry ${entry.seq} differs from the one we hold`, { evidence: { seq: entry.seq, heldHash: held ?? null, pushed: jws } })
        return { status: 'duplicate' as const, seq: entry.seq, cursor: cursor.seq }
      }
      if (entry.seq === cursor.seq + 1) {
        if (entry.prev !== cursor.hash) throw new SyncFailure('CHAIN_BROKEN', `pushed entry ${entry.seq}: prev does not match the hash of entry ${cursor.seq}`, { evidence: { seq: entry.seq, pushed: jws } })
        const outcome = await ingestEntries(trx, cursor, prepared, { leaseOwner: null, project: ctx.project })
        if (outcome === 'cursor-moved') throw new Error('cursor moved under a row lock')
        return { status: 'stored' as const, seq: entry.seq, cursor: outcome.cursor.seq }
      }
      const waiting = await trx.insertInto('inbox_pending').values({ issuer: caller, seq: entry.seq, jws, hash: entry.hash })
        .onConflict((oc) => oc.columns(['issuer', 'seq']).doNothing()).returning('hash').executeTakeFirst()
      if (waiting === undefined) {
        const other = await trx.selectFrom('inbox_pending').select('hash').where('issuer', '=', caller).where('seq', '=', entry.seq).executeTakeFirstOrThrow()
        if (other.hash !== entry.hash) throw new SyncFailure('FORK_DETECTED', `two different pushed entries for seq ${entry.seq}`, { evidence: { seq: entry.seq, pushed: jws } })
      }
      return { status: 'pending' as const, seq: entry.seq, cursor: cursor.seq }
    })
  } catch (err) {
    if (!(err instanceof SyncFailure)) throw err
    await quarantine(ctx, caller, err)
    throw errors.forkDetected(caller, err.message)
  }
}

async function quarantine (ctx: { db: Db, clock: Clock }, agencyId: string, failure: SyncFailure) {
  await quarantinePeer(ctx.db, agencyId, { code: failure.code, message: failure.message, evidence: failure.evidence }, ctx.clock.now())
}

function decodePayload (jws: string): { payload: EntryPayload, kid: string | undefined } {
  const peeked = peekJws(jws)
  if (peeked === undefined || typeof peeked.payload !== 'object' || peeked.payload === null) {
    throw errors.entryInvalid('MALFORMED', 'not a JWS in compact serialisation with a JSON payload')
  }
  return { payload: peeked.payload as EntryPayload, kid: peeked.kid }
}
