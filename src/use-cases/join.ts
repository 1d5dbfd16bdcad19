import type { Transaction } from 'kysely'
import { appendAuditEvents, type AuditEventDraft } from '../audit/index.js'
import type { Database } from '../db/schema.js'
import { appendEntries, type PublishedEntry, type VerifiedEntry } from '../feed/index.js'
import {
  checkPinnedKey, discoverAgency, findPeer, getPeer, insertPeer, INTRODUCTION_KIND, prepareEnrolment, readIntroduction, recordKeyStatuses, statusesOfJwks, storeEnrolment,
  verifyMemberList, type Introduction, type Peer
} from '../peers/index.js'
import { checkView, storeView } from '../sync/index.js'
import type { UseCaseContext } from './context.js'
import { agencySyncContext } from './sync.js'

// Joining a federation (docs/federation.md section 3): by URL and a pinned key at each side, or
// by a member's introduction.

export interface JoinRequest {
  /** Where the agency answers: its `/.well-known/reciprocity-agency` says who it is. */
  url: string
  /** The RFC 7638 thumbprint of one of its keys, obtained out of band: its JWKS must hold it. */
  kid: string
  /** Publish an introduction of it in our feed, for the members that accept ours (ACCEPT_INTRODUCTIONS_FROM). */
  introduce?: boolean | undefined
  /** Also enrol every member it lists (its signed member list), and take its view of each member's feed as our first witness views. */
  members?: boolean | undefined
}

export interface JoinOutcome {
  enrolled: Peer[]
  /** Members it listed that we held already (or that are us). */
  skipped: string[]
  /** The seq of our introduction entry, when we introduced it. */
  introduced: number | null
}

/**
 * Enrols the agency at `url`, trusting the key pinned by `kid` (PEER_KEY_NOT_PINNED when its
 * JWKS lacks it), audited `peer-enrolled` (via `join`); with `introduce`, our feed says so to
 * every peer; with `members`, the members the agency lists (signed by it) are enrolled too, with
 * the keys it vouches for, and what it holds of each member's feed becomes our first view of it
 * (so our first pull of each is checked against what the agency saw). The agency must have
 * enrolled us first for `members` (its member list is a partner route).
 */
export async function joinAgency (ctx: UseCaseContext, admin: string, request: JoinRequest): Promise<JoinOutcome> {
  const self = ctx.config.agency.id
  const discovered = await discoverAgency(request.url, ctx.config.sync.privateAddresses)
  const prepared = await prepareEnrolment(discovered, { clock: ctx.clock, privateAddresses: ctx.config.sync.privateAddresses, logger: ctx.logger })
  checkPinnedKey(prepared.agencyId, prepared.jwks, request.kid)
  const key = request.introduce === true ? await ctx.keyRing.current() : undefined
  const { peer, entry } = await ctx.db.transaction().execute(async (trx) => {
    const peer = await storeEnrolment(trx, prepared)
    const events: AuditEventDraft[] = [enrolled(admin, peer, { via: 'join', pinnedKid: request.kid })]
    let entry: PublishedEntry | undefined
    if (key !== undefined) {
      const introduction: Introduction = { agencyId: peer.agencyId, name: peer.name, country: peer.country, baseUrl: peer.baseUrl, jwksUrl: peer.jwksUrl, keys: prepared.jwks.keys }
      ;[entry] = await appendEntries(trx, [{ kind: INTRODUCTION_KIND, recordId: null, body: { ...introduction } }], { issuer: self, key, clock: ctx.clock, keyRing: ctx.keyRing })
      events.push({ actor: admin, action: 'peer-introduced', subject: { type: 'peer', id: peer.agencyId }, detail: { seq: entry?.seq } })
    }
    await appendAuditEvents(trx, events, ctx.clock)
    return { peer, entry }
  })
  if (entry !== undefined) ctx.pusher?.published(entry)
  const outcome: JoinOutcome = { enrolled: [peer], skipped: [], introduced: entry?.seq ?? null }
  if (request.members === true) await enrolMembersOf(ctx, admin, peer, outcome)
  return outcome
}

/** The members `member` lists, enrolled with the keys it vouches for; its view of each one's feed kept as our first. */
async function enrolMembersOf (ctx: UseCaseContext, admin: string, member: Peer, outcome: JoinOutcome): Promise<void> {
  const { ctx: sync } = agencySyncContext(ctx)
  const listed = await verifyMemberList(await sync.client.members(member), member)
  for (const m of listed) {
    if (m.agencyId === ctx.config.agency.id || await findPeer(ctx.db, m.agencyId) !== undefined) {
      outcome.skipped.push(m.agencyId)
      continue
    }
    const peer = await ctx.db.transaction().execute(async (trx) => {
      const peer = await enrolIntroduced(trx, m)
      await appendAuditEvents(trx, [enrolled(admin, peer, { via: `members:${member.agencyId}` })], ctx.clock)
      return peer
    })
    outcome.enrolled.push(peer)
    const view = await sync.client.witnessView(member, m.agencyId).catch(() => undefined)
    const checked = view === undefined ? undefined : checkView(member, peer, m.agencyId, view)
    if (checked !== undefined && typeof checked !== 'string') await storeView(ctx.db, checked)
  }
}

/**
 * The `introduction` entries of a peer's feed just stored, in the storing transaction: the
 * agencies they introduce are enrolled (with the keys the introducer vouches for, and its JWKS
 * URL for later refreshes) when ACCEPT_INTRODUCTIONS_FROM names the introducer (or is `*`), and
 * not enrolled already; audited `peer-enrolled`, actor `introduction:<introducer>`.
 */
export async function applyIntroductions (trx: Transaction<Database>, ctx: Pick<UseCaseContext, 'config' | 'clock'>, issuer: string, entries: readonly VerifiedEntry[]): Promise<void> {
  const accepted = ctx.config.federation.acceptIntroductionsFrom
  if (!accepted.includes('*') && !accepted.includes(issuer)) return
  for (const entry of entries) {
    if (entry.payload?.kind !== INTRODUCTION_KIND) continue
    const introduction = readIntroduction(entry.payload.body)
    if (introduction === undefined || introduction.agencyId === ctx.config.agency.id || await findPeer(trx, introduction.agencyId) !== undefined) continue
    const peer = await enrolIntroduced(trx, introduction)
    await appendAuditEvents(trx, [enrolled(`introduction:${issuer}`, peer, { via: `introduction:${issuer}`, seq: entry.seq })], ctx.clock)
  }
}

async function enrolIntroduced (trx: Transaction<Database>, m: Introduction): Promise<Peer> {
  const jwks = { keys: m.keys }
  await insertPeer(trx, { agencyId: m.agencyId, name: m.name, country: m.country, baseUrl: m.baseUrl, jwks, jwksUrl: m.jwksUrl, jwksRefreshedAt: null, keyStatuses: new Map(), status: 'active', statusReason: null })
  await recordKeyStatuses(trx, m.agencyId, statusesOfJwks(jwks), 'jwks')
  return getPeer(trx, m.agencyId)
}

function enrolled (actor: string, peer: Peer, detail: Record<string, unknown>): AuditEventDraft {
  return {
    actor,
    action: 'peer-enrolled',
    subject: { type: 'peer', id: peer.agencyId },
    detail: { name: peer.name, country: peer.country, baseUrl: peer.baseUrl, jwksUrl: peer.jwksUrl, keyIds: peer.jwks.keys.map((k) => k.kid ?? null), ...detail }
  }
}
