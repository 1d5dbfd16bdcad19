import type { Transaction } from 'kysely'
import { appendAuditEvents, findAuditHashes } from '../audit/index.js'
import type { Database } from '../db/schema.js'
import { findFeedHold, lockFeedHead, setFeedHold, setFeedSigningKey, type VerifiedEntry } from '../feed/index.js'
import { queueForDetection } from '../divergence/index.js'
import { listPeers } from '../peers/index.js'
import { prepareProjection, projectEntries } from '../records/index.js'
import { KEY_STATUS_KIND, readKeyStatements } from '../signing/index.js'
import { collectWitnessViews, planRecovery, releaseWitnessed, storeRecoveredEntries, witnessedSeqOf, type RecoveryPlan, type WitnessRound } from '../sync/index.js'
import type { UseCaseContext } from './context.js'
import { AUDIT_ANCHOR_KIND } from './audit.js'
import { detectAfterStore } from './detection.js'
import { agencySyncContext } from './sync.js'

// The federation's resilience (docs/federation.md sections 2 and 4): what our peers witness of
// every feed, ours included, and our own feed recovered from them after a restore.

export type RecoveryStatus = 'recovered' | 'up-to-date' | 'no-answer' | 'no-peers' | 'forked' | 'key-lost' | 'released'

export interface RecoveryOutcome {
  status: RecoveryStatus
  /** Our head before and after. */
  from: number
  to: number
  source: string | undefined
  /** Seqs recovered as placeholders: no peer held their content. */
  lost: number[]
  answered: string[]
  unanswered: Array<{ peer: string, why: string }>
  forked: Array<{ peer: string, seq: number }>
  /** Whether publishing is held after this run, and why. */
  hold: string | null
}

const HOLD_AT_START = 'the agency started and has not yet compared its feed with what its peers hold of it'

/**
 * At start (FEED_RECOVERY_ON_START, with active peers): holds our feed until a recovery run has
 * heard from a peer (`recoverFeed`), so that a database restored from a backup never signs a seq
 * its peers hold with other content.
 */
export async function holdFeedAtStart (ctx: Pick<UseCaseContext, 'db' | 'config'>): Promise<boolean> {
  if (!ctx.config.federation.recoveryOnStart) return false
  if (!(await listPeers(ctx.db)).some((p) => p.status === 'active')) return false
  await setFeedHold(ctx.db, ctx.config.agency.id, HOLD_AT_START)
  return true
}

/**
 * Compares our feed with what our active peers hold of it and takes back what they hold beyond
 * our head (`planRecovery`): verified with our own keys and the chain, stored with our records
 * projected and detected as any store, key changes of the tail applied to our keys, the head
 * moved, `feed-recovered` audited, one transaction; then publishing goes on. The hold stays
 * while no peer answered, when a peer holds another history of our feed (`forked`: someone
 * signed as us, or this database published after the backup), and when the tail made current a
 * key this database does not hold (`key-lost`: made after the backup). `release`: an
 * administrator lifts the hold without a comparison (every peer gone for good).
 */
export async function recoverFeed (ctx: UseCaseContext, actor: string, options: { release?: boolean } = {}): Promise<RecoveryOutcome> {
  const self = ctx.config.agency.id
  if (options.release === true) {
    const hold = await findFeedHold(ctx.db, self)
    await ctx.db.transaction().execute(async (trx) => {
      await setFeedHold(trx, self, null)
      await appendAuditEvents(trx, [{ actor, action: 'feed-hold-released', subject: { type: 'feed', id: self }, detail: { hold } }], ctx.clock)
    })
    return { status: 'released', from: 0, to: 0, source: undefined, lost: [], answered: [], unanswered: [], forked: [], hold: null }
  }
  const { ctx: sync } = agencySyncContext(ctx)
  const plan = await planRecovery(sync, self, await ctx.keyRing.jwks())
  const base = { from: plan.head.seq, to: plan.head.seq, source: plan.source, lost: plan.lost, answered: plan.views.map((v) => v.witness), unanswered: plan.unanswered, forked: plan.forked }
  const hasPeers = (await listPeers(ctx.db)).some((p) => p.status === 'active')
  if (plan.forked.length > 0) {
    const hold = `peers hold another history of our feed (${plan.forked.map((f) => `${f.peer} at ${f.seq}`).join(', ')}): see docs/operations.md`
    await setFeedHold(ctx.db, self, hold)
    return { ...base, status: 'forked', hold }
  }
  if (plan.views.length === 0) {
    if (hasPeers) return { ...base, status: 'no-answer', hold: await findFeedHold(ctx.db, self) }
    await setFeedHold(ctx.db, self, null)
    return { ...base, status: 'no-peers', hold: null }
  }
  if (plan.tail.length === 0) {
    await setFeedHold(ctx.db, self, null)
    return { ...base, status: 'up-to-date', hold: null }
  }
  const prepared = await prepareProjection(self, plan.tail)
  const detect = detectAfterStore(ctx)
  const outcome = await ctx.db.transaction().execute(async (trx) => {
    const head = await lockFeedHead(trx, self)
    if (head.seq !== plan.head.seq) return undefined // someone else recovered (or published) meanwhile
    await storeRecoveredEntries(trx, self, plan.tail)
    await projectEntries(trx, prepared)
    await detect(trx, prepared.touched)
    const keys = await applyOwnKeyChanges(trx, ctx, plan.tail)
    const auditAnchorsLost = await anchorsBeyondTrail(trx, plan.tail)
    const last = plan.tail[plan.tail.length - 1] as VerifiedEntry
    await trx.updateTable('feed_heads').set({ seq: last.seq, hash: last.hash }).where('issuer', '=', self).execute()
    const hold = keys.lost === undefined ? null : `our feed made key ${keys.lost} current, and this database does not hold it (it was made after the backup): re-key at each peer (docs/operations.md)`
    await setFeedHold(trx, self, hold)
    await appendAuditEvents(trx, [{
      actor,
      action: 'feed-recovered',
      subject: { type: 'feed', id: self },
      detail: { from: plan.head.seq, to: last.seq, source: plan.source, lost: plan.lost, keyChanges: keys.changes, answered: base.answered, auditAnchorsLost }
    }], ctx.clock)
    return { to: last.seq, hold, keyLost: keys.lost !== undefined }
  })
  if (outcome === undefined) return recoverFeed(ctx, actor)
  return { ...base, to: outcome.to, status: outcome.keyLost ? 'key-lost' : 'recovered', hold: outcome.hold }
}

/**
 * The audit anchors of the recovered tail that name events this database does not hold as
 * anchored: the events lost with the disk. Recorded with the recovery, so that `audit verify`
 * tells a loss that was recovered from and recorded from a trail cut by someone.
 */
async function anchorsBeyondTrail (trx: Transaction<Database>, tail: readonly VerifiedEntry[]): Promise<Array<{ feedSeq: number, auditSeq: number }>> {
  const anchors = tail.filter((e) => e.payload?.kind === AUDIT_ANCHOR_KIND).map((e) => ({ feedSeq: e.seq, body: e.payload?.body as { auditSeq: number, auditHash: string } }))
  if (anchors.length === 0) return []
  const hashes = await findAuditHashes(trx, anchors.map((a) => a.body.auditSeq))
  return anchors.filter((a) => hashes.get(a.body.auditSeq) !== a.body.auditHash).map((a) => ({ feedSeq: a.feedSeq, auditSeq: a.body.auditSeq }))
}

/** The key changes our recovered entries made, applied to our keys as they were made; the kid made current that we do not hold, if any. */
async function applyOwnKeyChanges (trx: Transaction<Database>, ctx: UseCaseContext, tail: readonly VerifiedEntry[]): Promise<{ changes: string[], lost: string | undefined }> {
  const changes: string[] = []
  let lost: string | undefined
  for (const entry of tail) {
    if (entry.payload?.kind !== KEY_STATUS_KIND) continue
    const statements = readKeyStatements(entry.payload.body)
    if (typeof statements === 'string') continue
    for (const s of statements) {
      const held = await ctx.keyRing.find(trx, s.kid)
      changes.push(`${s.kid} ${s.status}`)
      if (s.status === 'current') {
        if (held === undefined) {
          lost = s.kid
          continue
        }
        lost = undefined
        await trx.updateTable('signing_keys').set({ status: 'retired', retired_at: new Date(entry.payload.time) }).where('status', '=', 'current').where('kid', '!=', s.kid).execute()
        await trx.updateTable('signing_keys').set({ status: 'current', retired_at: null }).where('kid', '=', s.kid).execute()
        await setFeedSigningKey(trx, ctx.config.agency.id, s.kid)
      } else if (held !== undefined && s.status === 'retired' && held.status === 'current') {
        await trx.updateTable('signing_keys').set({ status: 'retired', retired_at: new Date(s.retiredAt as string) }).where('kid', '=', s.kid).execute()
      } else if (held !== undefined && s.status === 'revoked') {
        await ctx.keyRing.revoke(trx, s.kid, { from: new Date(s.revokedFrom as string), reason: s.reason ?? 'revoked (recovered from our feed)', at: new Date(entry.payload.time) })
      }
    }
  }
  return { changes, lost }
}

/**
 * WITNESS_QUORUM: for each active peer, how far enough allies now co-signed its feed; the
 * records that waited for it go to the detection backlog (divergences, alerts).
 */
async function releaseWitnessedRecords (ctx: UseCaseContext): Promise<void> {
  const quorum = ctx.config.federation.witnessQuorum
  if (quorum === 0) return
  for (const peer of (await listPeers(ctx.db)).filter((p) => p.status === 'active')) {
    const seq = await witnessedSeqOf(ctx.db, peer.agencyId, quorum)
    await ctx.db.transaction().execute(async (trx) => {
      const released = await releaseWitnessed(trx, peer.agencyId, seq)
      if (released.length > 0) await queueForDetection(trx, released, ctx.clock.now())
    })
  }
}

/** One round of the witness job (src/jobs): what every peer witnesses, then our feed recovered when a peer holds more of it or publishing is held; `cli feed witness` runs it too. */
export async function witnessRound (ctx: UseCaseContext): Promise<{ witnesses: WitnessRound, recovery: RecoveryOutcome | undefined }> {
  const { ctx: sync } = agencySyncContext(ctx)
  const held = await findFeedHold(ctx.db, ctx.config.agency.id)
  const witnesses = await collectWitnessViews(sync, ctx.config.agency.id)
  await releaseWitnessedRecords(ctx)
  const recovery = held !== null || witnesses.ahead.length > 0 ? await recoverFeed(ctx, 'witness-job') : undefined
  return { witnesses, recovery }
}

export type { RecoveryPlan }
