import type { Logger } from 'pino'
import type { Db } from '../db/create-db.js'
import { ChainError, findEntryHash, verifyChain, type VerifiedEntry, type WireEntry } from '../feed/index.js'
import type { Clock } from '../lib/clock.js'
import type { PrivateAddresses } from '../lib/outbound-address.js'
import { findPeer, keyPolicyOf, keyStatusOf, peerKeysFor, type Peer, type PeerKeys } from '../peers/index.js'
import { CheckpointError, KEY_STATUS_KIND, peekJws, peekKid, readKeyStatements, verifyCheckpointNote, type Jwks, type KeyCache, type KeyPolicy, type VerifiedCheckpoint } from '../signing/index.js'
import { ingestEntries, prepareEntries, type IngestOutcome, type Projector } from './ingest.js'
import type { PeerClient, WirePage } from './peer-client.js'
import { findSyncRow, renewLease, saveCheckpoint } from './queries.js'
import { refreshStatisticsAsTablesGrow } from './refresh-statistics.js'
import { checkAgainstWitnesses, checkView, storeView } from './witness.js'
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
  // the peer's key statuses, moved on by each key-status entry verified this round (docs/federation.md section 1)
  const policy = keyPolicyOf(peer)
  const head = await readCheckpoint(ctx, peer)
  // a checkpoint signed with a key we do not know yet (a peer enrolled with inline keys, after a
  // rotation) is verified once the pull has verified the entry announcing that key
  let checkpoint = head.pending === undefined ? await checkCheckpoint(ctx, peer, head.verified, head.note) : undefined
  let jwks = head.jwks
  const state = await findSyncRow(ctx.db, peer.agencyId)
  if (state === undefined) throw new Error(`no sync row for ${peer.agencyId}`)
  const progress = { stored: 0, headSeq: checkpoint?.seq ?? head.pending?.seq ?? 0, cursor: { seq: state.cursor_seq, hash: state.cursor_hash } }
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
        if (checkpoint !== undefined && verifiedTo.seq < checkpoint.seq) throw new SyncFailure('PEER_RESPONSE_MALFORMED', `the peer's checkpoint is at ${checkpoint.seq} but it served nothing after ${verifiedTo.seq}`)
        break
      }
      if (page.hasMore) next = prefetch(ctx, peer, page.next)
      jwks = await keysFor(ctx, peer, page.entries, jwks, policy)
      const verified = await verifyPage(peer, page.entries, jwks, verifiedTo, ctx.keyCache, policy)
      if (checkpoint !== undefined) checkAgainstCheckpoint(verified, checkpoint)
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
    if (head.pending !== undefined) {
      checkpoint = await checkCheckpoint(ctx, peer, verifyDeferred(peer, head.pending.note, jwks, policy), head.pending.note)
      progress.headSeq = Math.max(progress.headSeq, checkpoint.seq)
    }
    // what the other allies co-signed of this feed must be what we now hold (docs/federation.md section 4)
    await checkAgainstWitnesses(ctx.db, peer.agencyId)
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

type CheckpointRead =
  | { verified: VerifiedCheckpoint, note: string, jwks: Jwks, pending?: undefined }
  | { verified?: undefined, pending: { note: string, seq: number }, jwks: Jwks }

/**
 * The peer's signed checkpoint (a C2SP checkpoint note), verified under its keys, fetched again
 * (once, with the cooldown) when no signature line is by a key we know. Still unknown, it is
 * left pending, to be verified under the keys the pull's key-status entries announce.
 */
async function readCheckpoint (ctx: SyncContext, peer: Peer): Promise<CheckpointRead> {
  const wire = await ctx.client.feedHead(peer)
  const verify = (jwks: Jwks) => {
    try {
      return verifyCheckpointNote(wire.checkpoint, peer.agencyId, jwks)
    } catch (err) {
      if (err instanceof CheckpointError && err.reason === 'unknown-key') return undefined
      throw checkpointFailure(peer, err, wire.checkpoint)
    }
  }
  const first = verify(peer.jwks)
  if (first !== undefined) return { verified: first, note: wire.checkpoint, jwks: peer.jwks }
  const keys = await peerKeysFor(ctx.db, peer, (jwks) => verify(jwks) !== undefined, ctx)
  const again = keys.refreshed ? verify(keys.jwks) : undefined
  if (again !== undefined) return { verified: again, note: wire.checkpoint, jwks: keys.jwks }
  return { pending: { note: wire.checkpoint, seq: wire.seq }, jwks: keys.jwks }
}

/** A checkpoint left pending, verified at the end of the round under the keys the entries announced. */
function verifyDeferred (peer: Peer, note: string, jwks: Jwks, policy: KeyPolicy): VerifiedCheckpoint {
  try {
    return verifyCheckpointNote(note, peer.agencyId, { keys: [...jwks.keys, ...policy.announced.values()] })
  } catch (err) {
    if (err instanceof CheckpointError && err.reason === 'unknown-key') {
      throw new SyncFailure('UNKNOWN_KEY', `its checkpoint is signed with no key ${peer.agencyId} publishes or announced in its feed`, { evidence: { checkpoint: note } })
    }
    throw checkpointFailure(peer, err, note)
  }
}

function checkpointFailure (peer: Peer, err: unknown, note: string): unknown {
  if (!(err instanceof CheckpointError)) return err
  if (err.reason === 'wrong-origin') return new SyncFailure('WRONG_ISSUER', `checkpoint: ${err.message}, not of ${peer.agencyId}`, { evidence: { checkpoint: note } })
  return new SyncFailure('BAD_SIGNATURE', `checkpoint: ${err.message}`, { evidence: { checkpoint: note } })
}

/**
 * A verified checkpoint, checked against the key that signed it (a retired or revoked key signs
 * no checkpoint), what we hold and the last checkpoint we verified, then kept as the peer's head.
 */
async function checkCheckpoint (ctx: SyncContext, peer: Peer, checkpoint: VerifiedCheckpoint, note: string): Promise<VerifiedCheckpoint> {
  const status = keyStatusOf(await findPeer(ctx.db, peer.agencyId) ?? peer, checkpoint.kid)
  if (status !== undefined) {
    throw new SyncFailure(status.status === 'revoked' ? 'KEY_REVOKED' : 'KEY_RETIRED', `its checkpoint is signed with key ${checkpoint.kid}, which ${peer.agencyId} ${status.status}`, { evidence: { checkpoint: note } })
  }
  const state = await findSyncRow(ctx.db, peer.agencyId)
  if (state?.head_seq !== null && state?.head_seq !== undefined) {
    if (checkpoint.seq === state.head_seq && checkpoint.hash !== state.head_hash) {
      throw new SyncFailure('FORK_DETECTED', `two different signed checkpoints for seq ${checkpoint.seq}`, { evidence: { earlier: state.head_checkpoint, later: note } })
    }
    if (checkpoint.seq < state.head_seq) {
      throw new SyncFailure('FORK_DETECTED', `the feed went backwards: checkpoint at ${checkpoint.seq} after one at ${state.head_seq}`, { evidence: { earlier: state.head_checkpoint, later: note } })
    }
  }
  if (state !== undefined && checkpoint.seq <= state.cursor_seq && checkpoint.seq > 0) {
    const held = await findEntryHash(ctx.db, peer.agencyId, checkpoint.seq)
    if (held !== checkpoint.hash) {
      throw new SyncFailure('FORK_DETECTED', `the checkpoint's hash for seq ${checkpoint.seq} is not the one of the entry we hold`, { evidence: { checkpoint: note, heldHash: held } })
    }
  }
  await saveCheckpoint(ctx.db, peer.agencyId, { seq: checkpoint.seq, hash: checkpoint.hash, note })
  await keepCarriedCosignatures(ctx, peer, checkpoint, note)
  return checkpoint
}

/** The cosignatures of other allies the peer's checkpoint carries: each one a view of the peer's feed by that ally. */
async function keepCarriedCosignatures (ctx: SyncContext, peer: Peer, checkpoint: VerifiedCheckpoint, note: string): Promise<void> {
  for (const name of new Set(checkpoint.cosignatures.map((s) => s.name))) {
    const witness = name === peer.agencyId ? undefined : await findPeer(ctx.db, name)
    if (witness === undefined) continue
    const checked = checkView(witness, peer, peer.agencyId, { issuer: peer.agencyId, seq: checkpoint.seq, hash: checkpoint.hash, checkpoint: note })
    if (typeof checked !== 'string') await storeView(ctx.db, checked)
  }
}

function checkAgainstCheckpoint (entries: readonly VerifiedEntry[], checkpoint: VerifiedCheckpoint): void {
  const at = entries.find((e) => e.seq === checkpoint.seq)
  if (at !== undefined && at.hash !== checkpoint.hash) {
    throw new SyncFailure('FORK_DETECTED', `entry ${at.seq} does not match the peer's signed checkpoint for that seq`, { evidence: { seq: at.seq, entryHash: at.hash, checkpointHash: checkpoint.hash } })
  }
}

async function verifyPage (peer: Peer, entries: WireEntry[], jwks: Jwks, from: { seq: number, hash: string | null }, keys: KeyCache, policy: KeyPolicy): Promise<VerifiedEntry[]> {
  try {
    return await verifyChain(peer.agencyId, entries, jwks, from, keys, policy)
  } catch (err) {
    if (!(err instanceof ChainError)) throw err
    const bad = entries.find((e) => e.seq === err.seq)
    throw new SyncFailure(CHAIN_FAILURES[err.reason], err.message, { evidence: { seq: err.seq, entry: bad ?? null } })
  }
}

/**
 * The peer's keys, refreshed (once, with a cooldown) when the page carries a kid we do not know
 * and that no key-status entry (of this round, or of this page: it is verified in order with
 * the rest) announces.
 */
async function keysFor (ctx: SyncContext, peer: Peer, entries: WireEntry[], jwks: Jwks, policy: KeyPolicy): Promise<Jwks> {
  const known = new Set([...jwks.keys.map((k) => k.kid), ...policy.announced.keys(), ...announcedIn(entries)])
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

/** The kids the key-status entries of a page announce, read before they are verified (verifyChain checks them). */
function announcedIn (entries: readonly WireEntry[]): string[] {
  return entries.flatMap((entry) => {
    if (!('jws' in entry)) return []
    const payload = peekJws(entry.jws)?.payload as { kind?: unknown, body?: unknown } | undefined
    if (payload?.kind !== KEY_STATUS_KIND) return []
    const statements = readKeyStatements(payload.body)
    return typeof statements === 'string' ? [] : statements.filter((s) => s.status === 'current').map((s) => s.kid)
  })
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
