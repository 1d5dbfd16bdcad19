import type { Logger } from 'pino'
import type { Db } from '../db/create-db.js'
import { ChainError, findEntryHash, verifyChain, type CheckpointPayload, type VerifiedEntry, type WireEntry } from '../feed/index.js'
import type { Clock } from '../lib/clock.js'
import type { PrivateAddresses } from '../lib/outbound-address.js'
import { findPeer, peerKeysFor, type Peer, type PeerKeys } from '../peers/index.js'
import { CHECKPOINT_TYP, SignatureError, peekKid, verifyCompact, type Jwks, type KeyCache } from '../signing/index.js'
import { ingestEntries, prepareEntries, type IngestOutcome, type Projector } from './ingest.js'
import type { PeerClient, WirePage } from './peer-client.js'
import { findSyncRow, renewLease, saveCheckpoint } from './queries.js'
import { refreshStatisticsAsTablesGrow } from './refresh-statistics.js'
import { CHAIN_FAILURES, SyncFailure } from './sync-failure.js'

export interface SyncContext {
  db: Db
  client: PeerClient
  clock: Clock
  logger: Logger
  pageSize: number
  leaseSeconds: number
  jwksCooldownMs: number
  /** The outbound address policy, for refreshes of a peer's keys. */
  privateAddresses: PrivateAddresses
  project: Projector
  /** Peers' keys as imported, kept for the life of this context. */
  keyCache: KeyCache
  onProgress?: (progress: { peer: string, cursor: number, headSeq: number, stored: number }) => void
}

export interface RoundResult {
  stored: number
  cursor: number
  headSeq: number
}

/**
 * One sync round for a leased peer: verify its checkpoint against what we hold, then pull,
 * verify and ingest pages until we reach its head. Throws `SyncFailure` (transient or
 * quarantine); whatever was ingested before the failure stays, as each page is its own
 * transaction and the cursor moved with it.
 */
export async function syncPeer (ctx: SyncContext, peer: Peer, owner: string): Promise<RoundResult> {
  const log = ctx.logger.child({ component: 'sync', peer: peer.agencyId })
  const verifiedHead = await verifyCheckpoint(ctx, peer)
  const checkpoint = verifiedHead.payload
  let jwks = verifiedHead.jwks
  const state = await findSyncRow(ctx.db, peer.agencyId)
  if (state === undefined) throw new Error(`no sync row for ${peer.agencyId}`)
  const progress = { stored: 0, headSeq: checkpoint.seq, cursor: { seq: state.cursor_seq, hash: state.cursor_hash } }
  // A pipeline: page N+1 is fetched and verified while page N is stored (each page in its own
  // transaction, in order). `verifiedTo` is where the verified chain ends, ahead of the cursor.
  let verifiedTo = progress.cursor
  let next: Promise<WirePage> | undefined = prefetch(ctx, peer, verifiedTo.seq)
  let storing: Promise<IngestOutcome> | undefined
  const statistics = await refreshStatisticsAsTablesGrow(ctx.db, log)

  /** Waits for the page being stored; false when the round must stop (lease lost) or restart from the cursor. */
  async function settle (): Promise<'ok' | 'moved' | 'stop'> {
    if (storing === undefined) return 'ok'
    const outcome = await storing
    storing = undefined
    if (outcome === 'cursor-moved') {
      const now = await findSyncRow(ctx.db, peer.agencyId)
      if (now === undefined || now.lease_owner !== owner) return 'stop'
      progress.cursor = { seq: now.cursor_seq, hash: now.cursor_hash }
      return 'moved'
    }
    progress.stored += outcome.stored
    progress.cursor = outcome.cursor
    statistics.stored(outcome.stored)
    if (outcome.skipped.length > 0) {
      const first = outcome.skipped[0] as { seq: number, why: string }
      log.warn({ count: outcome.skipped.length, firstSeq: first.seq, why: first.why }, 'entries stored but not projected')
    }
    log.debug({ cursor: progress.cursor.seq, stored: outcome.stored }, 'feed page ingested')
    ctx.onProgress?.({ peer: peer.agencyId, cursor: progress.cursor.seq, headSeq: progress.headSeq, stored: progress.stored })
    return await renewLease(ctx.db, owner, peer.agencyId, new Date(ctx.clock.now().getTime() + ctx.leaseSeconds * 1000)) ? 'ok' : 'stop'
  }

  try {
    for (;;) {
      const page = await (next ?? prefetch(ctx, peer, verifiedTo.seq))
      next = undefined
      if (page.issuer !== peer.agencyId) throw new SyncFailure('WRONG_ISSUER', `the feed page names issuer "${page.issuer}"`)
      progress.headSeq = Math.max(progress.headSeq, page.headSeq)
      if (page.entries.length === 0) {
        if (verifiedTo.seq < checkpoint.seq) throw new SyncFailure('PEER_RESPONSE_MALFORMED', `the peer's checkpoint is at ${checkpoint.seq} but it served nothing after ${verifiedTo.seq}`)
        break
      }
      if (page.hasMore) next = prefetch(ctx, peer, page.next)
      jwks = await keysFor(ctx, peer, page.entries, jwks)
      const verified = await verifyPage(peer, page.entries, jwks, verifiedTo, ctx.keyCache)
      checkAgainstCheckpoint(verified, checkpoint)
      // rows, match keys and statements of this page are built while the previous page is stored
      const prepared = await prepareEntries(peer.agencyId, verified, ctx.project)
      const settled = await settle()
      if (settled === 'stop') {
        log.warn('lease lost during the round; stopping')
        break
      }
      if (settled === 'moved') {
        // another worker or the inbox moved the cursor: what we verified may be stale; start again from it
        next = undefined
        verifiedTo = progress.cursor
        continue
      }
      const from = verifiedTo
      storing = ctx.db.transaction().execute((trx) => ingestEntries(trx, from, prepared, { leaseOwner: owner, project: ctx.project }))
      storing.catch(() => {}) // awaited by settle() or below
      const last = verified[verified.length - 1] as VerifiedEntry
      verifiedTo = { seq: last.seq, hash: last.hash }
      if (!page.hasMore) break
    }
    if (await settle() === 'stop') log.warn('lease lost during the round; stopping')
  } finally {
    // a failure on a later page never abandons the store of a verified one mid-way
    await storing?.catch(() => {})
    await statistics.settle()
  }
  return { stored: progress.stored, cursor: progress.cursor.seq, headSeq: progress.headSeq }
}

/** Starts fetching the page after `after`; a failure surfaces when (and only if) the page is awaited. */
function prefetch (ctx: SyncContext, peer: Peer, after: number): Promise<WirePage> {
  const page = ctx.client.feedPage(peer, after, ctx.pageSize)
  page.catch(() => {})
  return page
}

/** The signed checkpoint, checked against what we hold and the last checkpoint we verified. */
async function verifyCheckpoint (ctx: SyncContext, peer: Peer): Promise<{ payload: CheckpointPayload, jwks: Jwks }> {
  const wire = await ctx.client.feedHead(peer)
  const kid = peekKid(wire.jws)
  const keys = await peerKeysFor(ctx.db, peer, kid, ctx)
  if (!keys.known) throw unknownKey(peer, kid, keys, 'its checkpoint')
  let payload: CheckpointPayload
  try {
    payload = (await verifyCompact(wire.jws, keys.jwks, CHECKPOINT_TYP, ctx.keyCache)).payload as CheckpointPayload
  } catch (err) {
    if (!(err instanceof SignatureError)) throw err
    throw new SyncFailure(err.reason === 'unknown-kid' ? 'UNKNOWN_KEY' : 'BAD_SIGNATURE', `checkpoint: ${err.message}`, { evidence: { checkpoint: wire.jws } })
  }
  if (payload.iss !== peer.agencyId) throw new SyncFailure('WRONG_ISSUER', `checkpoint names issuer "${String(payload.iss)}"`, { evidence: { checkpoint: wire.jws } })
  const state = await findSyncRow(ctx.db, peer.agencyId)
  if (state?.head_seq !== null && state?.head_seq !== undefined) {
    if (payload.seq === state.head_seq && payload.hash !== state.head_hash) {
      throw new SyncFailure('FORK_DETECTED', `two different signed checkpoints for seq ${payload.seq}`, { evidence: { earlier: state.head_jws, later: wire.jws } })
    }
    if (payload.seq < state.head_seq) {
      throw new SyncFailure('FORK_DETECTED', `the feed went backwards: checkpoint at ${payload.seq} after one at ${state.head_seq}`, { evidence: { earlier: state.head_jws, later: wire.jws } })
    }
  }
  if (state !== undefined && payload.seq <= state.cursor_seq && payload.seq > 0) {
    const held = await findEntryHash(ctx.db, peer.agencyId, payload.seq)
    if (held !== payload.hash) {
      throw new SyncFailure('FORK_DETECTED', `the checkpoint's hash for seq ${payload.seq} is not the one of the entry we hold`, { evidence: { checkpoint: wire.jws, heldHash: held } })
    }
  }
  await saveCheckpoint(ctx.db, peer.agencyId, { seq: payload.seq, hash: payload.hash, jws: wire.jws })
  return { payload, jwks: keys.jwks }
}

function checkAgainstCheckpoint (entries: readonly VerifiedEntry[], checkpoint: CheckpointPayload): void {
  const at = entries.find((e) => e.seq === checkpoint.seq)
  if (at !== undefined && at.hash !== checkpoint.hash) {
    throw new SyncFailure('FORK_DETECTED', `entry ${at.seq} does not match the peer's signed checkpoint for that seq`, { evidence: { seq: at.seq, entryHash: at.hash, checkpointHash: checkpoint.hash } })
  }
}

async function verifyPage (peer: Peer, entries: WireEntry[], jwks: Jwks, from: { seq: number, hash: string | null }, keys: KeyCache): Promise<VerifiedEntry[]> {
  try {
    return await verifyChain(peer.agencyId, entries, jwks, from, keys)
  } catch (err) {
    if (!(err instanceof ChainError)) throw err
    const bad = entries.find((e) => e.seq === err.seq)
    throw new SyncFailure(CHAIN_FAILURES[err.reason], err.message, { evidence: { seq: err.seq, entry: bad ?? null } })
  }
}

/** The peer's keys, refreshed (once, with a cooldown) when the page carries a kid we do not know. */
async function keysFor (ctx: SyncContext, peer: Peer, entries: WireEntry[], jwks: Jwks): Promise<Jwks> {
  const known = new Set(jwks.keys.map((k) => k.kid))
  for (const entry of entries) {
    if (!('jws' in entry)) continue
    const kid = peekKid(entry.jws)
    if (kid === undefined || known.has(kid)) continue
    const keys = await peerKeysFor(ctx.db, (await findPeer(ctx.db, peer.agencyId)) ?? peer, kid, ctx)
    if (!keys.known) throw unknownKey(peer, kid, keys, `entry ${entry.seq}`)
    return keys.jwks
  }
  return jwks
}

/**
 * A kid the peer's key set lacks: wait for the refresh cooldown when the set could not be
 * fetched again yet (transient); quarantine when a fresh set still lacks it.
 */
function unknownKey (peer: Peer, kid: string | undefined, keys: PeerKeys, what: string): SyncFailure {
  if (keys.cooldownRemainingMs > 0) {
    return new SyncFailure('UNKNOWN_KEY_COOLDOWN', `${what} is signed with key ${String(kid)}, not in ${peer.agencyId}'s key set; refetching it once the cooldown ends`, { retryAfterSeconds: Math.ceil(keys.cooldownRemainingMs / 1000) })
  }
  return new SyncFailure('UNKNOWN_KEY', `${what} is signed with key ${String(kid)}, which ${peer.agencyId} does not publish${keys.refreshed ? ' (its key set was fetched again just now)' : ''}`, { evidence: { kid: kid ?? null } })
}
