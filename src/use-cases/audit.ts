import { auditDetailsOf, findAuditHashes, findAuditHead, verifyAuditChain, type ChainVerification, type VerifyOptions } from '../audit/index.js'
import { appendEntries, findFeedHold, ownEntriesOfKind, type AuditAnchorBody } from '../feed/index.js'
import type { UseCaseContext } from './context.js'

// The audit trail anchored in our feed (docs/federation.md section 5): its head is signed into
// our feed from time to time, and our peers hold every entry of it, so that cutting the trail's
// end (or rewriting it) in the database alone is found by `verifyAuditTrail`.

export const AUDIT_ANCHOR_KIND = 'audit-anchor'

/**
 * Appends an `audit-anchor` entry `{ auditSeq, auditHash }` to our feed when the audit trail's
 * head moved since the last one (the audit-anchor job). Nothing while publishing is held.
 */
export async function anchorAuditTrail (ctx: Pick<UseCaseContext, 'db' | 'config' | 'clock' | 'keyRing'>): Promise<AuditAnchorBody | undefined> {
  const self = ctx.config.agency.id
  const head = await findAuditHead(ctx.db)
  if (head === undefined || await findFeedHold(ctx.db, self) !== null) return undefined
  const last = (await ownEntriesOfKind(ctx.db, self, AUDIT_ANCHOR_KIND)).at(-1)?.body as AuditAnchorBody | undefined
  if (last?.auditSeq === head.seq && last.auditHash === head.hash) return undefined
  const body: AuditAnchorBody = { auditSeq: head.seq, auditHash: head.hash }
  const key = await ctx.keyRing.current()
  await ctx.db.transaction().execute((trx) => appendEntries(trx, [{ kind: AUDIT_ANCHOR_KIND, recordId: null, body: { ...body } }], { issuer: self, key, clock: ctx.clock, keyRing: ctx.keyRing }))
  return body
}

export interface AnchorFault {
  /** `cut`: the trail ends before the anchored event; `rewritten`: the anchored event has another hash now. */
  reason: 'cut' | 'rewritten'
  feedSeq: number
  anchoredAt: string | null
  auditSeq: number
  detail: string
}

export interface AuditTrailVerification {
  ok: boolean
  chain: ChainVerification
  anchors: { checked: number, lost: number, last: { feedSeq: number, auditSeq: number } | null, fault: AnchorFault | null }
}

/**
 * The audit trail checked end to end: its hash chain (`verifyAuditChain`), then every anchor our
 * feed holds against it, so that a trail cut after an anchor, or rewritten, is found. Anchors a
 * recovery from our peers brought back for events this database had lost with its disk are
 * named in that recovery's audit event (`feed-recovered`, `auditAnchorsLost`) and not held
 * against the trail. Events after the last anchor are covered by the chain only.
 */
export async function verifyAuditTrail (ctx: Pick<UseCaseContext, 'db' | 'config'>, options: VerifyOptions = {}): Promise<AuditTrailVerification> {
  const chain = await verifyAuditChain(ctx.db, options)
  const anchors = (await ownEntriesOfKind(ctx.db, ctx.config.agency.id, AUDIT_ANCHOR_KIND))
    .map((a) => ({ feedSeq: a.seq, at: a.publishedAt, body: a.body as AuditAnchorBody }))
    .filter((a) => Number.isSafeInteger(a.body?.auditSeq) && typeof a.body.auditHash === 'string')
  const lost = new Set((await lostAnchors(ctx)).map((a) => a.feedSeq))
  const held = anchors.filter((a) => !lost.has(a.feedSeq))
  const hashes = await findAuditHashes(ctx.db, held.map((a) => a.body.auditSeq))
  const trailEnd = chain.lastSeq ?? 0
  let fault: AnchorFault | null = null
  for (const anchor of held) {
    const hash = hashes.get(anchor.body.auditSeq)
    if (hash === anchor.body.auditHash) continue
    const at = anchor.at?.toISOString() ?? null
    fault = hash === undefined
      ? { reason: 'cut', feedSeq: anchor.feedSeq, anchoredAt: at, auditSeq: anchor.body.auditSeq, detail: `our feed's entry ${anchor.feedSeq} anchored audit event ${anchor.body.auditSeq}${at === null ? '' : ` at ${at}`}, but the trail ends at ${trailEnd}: events were cut from its end` }
      : { reason: 'rewritten', feedSeq: anchor.feedSeq, anchoredAt: at, auditSeq: anchor.body.auditSeq, detail: `our feed's entry ${anchor.feedSeq} anchored audit event ${anchor.body.auditSeq} with hash ${anchor.body.auditHash}, but it hashes to ${hash} now: the trail was rewritten` }
    break
  }
  const last = held.at(-1)
  return {
    ok: chain.ok && fault === null,
    chain,
    anchors: { checked: held.length, lost: lost.size, last: last === undefined ? null : { feedSeq: last.feedSeq, auditSeq: last.body.auditSeq }, fault }
  }
}

/** The anchors recoveries brought back for audit events this database had lost (`feed-recovered` events' `auditAnchorsLost`). */
async function lostAnchors (ctx: Pick<UseCaseContext, 'db'>): Promise<Array<{ feedSeq: number }>> {
  return (await auditDetailsOf(ctx.db, 'feed-recovered')).flatMap((d) => (d as { auditAnchorsLost?: Array<{ feedSeq: number }> }).auditAnchorsLost ?? [])
}
