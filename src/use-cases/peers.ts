import type { Logger } from 'pino'
import { alertsOnRecordsOfNoLongerHold } from '../alerts/index.js'
import { appendAuditEvents } from '../audit/index.js'
import { errors } from '../lib/errors.js'
import { resolveDivergencesNaming } from '../divergence/index.js'
import { deleteFeedEntriesOf } from '../feed/index.js'
import {
  deletePeer, getPeer, prepareEnrolment, preparePeerChange, setPeerStatus as setStatus, storeEnrolment, storePeerChange, updatePeerStatus, type Peer, type PeerEnrolment, type PeerStatus
} from '../peers/index.js'
import { countRecordsOf, deleteRecordsOf } from '../records/index.js'
import { forgetPeerSync, resumePeerSync } from '../sync/index.js'
import type { UseCaseContext } from './context.js'

// An administrator's decisions about peers: each is written with its audit event in one
// transaction (actor: the administrator's token subject, `cli:<os user>`, `demo`).

type PeerAdministration = Pick<UseCaseContext, 'db' | 'clock' | 'config'> & { logger?: Pick<Logger, 'warn'> | undefined }

/**
 * Enrols a peer agency by its base URL and its public keys or JWKS URL (fetched before the
 * transaction opens); `peer-enrolled` names the key ids trusted from now on.
 */
export async function enrolPeer (ctx: PeerAdministration, admin: string, input: PeerEnrolment): Promise<Peer> {
  const prepared = await prepareEnrolment(input, { clock: ctx.clock, privateAddresses: ctx.config.sync.privateAddresses, logger: ctx.logger })
  return ctx.db.transaction().execute(async (trx) => {
    const peer = await storeEnrolment(trx, prepared)
    await appendAuditEvents(trx, [{
      actor: admin,
      action: 'peer-enrolled',
      subject: { type: 'peer', id: peer.agencyId },
      detail: { name: peer.name, country: peer.country, baseUrl: peer.baseUrl, jwksUrl: peer.jwksUrl, keyIds: peer.jwks.keys.map((k) => k.kid ?? null) }
    }], ctx.clock)
    return peer
  })
}

/** Activates or disables a peer (a quarantine is lifted by `resumePeer`); `peer-status-changed` gives the status and reason. */
export async function setPeerStatus (ctx: PeerAdministration, admin: string, agencyId: string, status: 'active' | 'disabled', reason: string | null): Promise<Peer> {
  return ctx.db.transaction().execute(async (trx) => {
    const peer = await setStatus(trx, agencyId, status, reason)
    await appendAuditEvents(trx, [{ actor: admin, action: 'peer-status-changed', subject: { type: 'peer', id: agencyId }, detail: { status, reason } }], ctx.clock)
    return peer
  })
}

/**
 * Changes where a peer answers (`baseUrl`) or its keys (inline `jwks`, or a `jwksUrl` fetched now;
 * `jwksUrl: null` stops refreshing them): `peer-updated` names each change, the key ids before
 * and after. A key set without a key the peer signs with makes its next entry, token or message
 * fail as signed by an unknown key.
 */
export async function updatePeer (ctx: PeerAdministration, admin: string, agencyId: string, input: { baseUrl?: string | undefined, jwks?: PeerEnrolment['jwks'], jwksUrl?: string | null | undefined }): Promise<Peer> {
  await getPeer(ctx.db, agencyId)
  const change = await preparePeerChange(agencyId, input, { clock: ctx.clock, privateAddresses: ctx.config.sync.privateAddresses, logger: ctx.logger })
  return ctx.db.transaction().execute(async (trx) => {
    const { before, after } = await storePeerChange(trx, agencyId, change)
    const keyIds = (peer: Peer) => peer.jwks.keys.map((k) => k.kid ?? null)
    const detail: Record<string, unknown> = {}
    if (before.baseUrl !== after.baseUrl) detail.baseUrl = { from: before.baseUrl, to: after.baseUrl }
    if (before.jwksUrl !== after.jwksUrl) detail.jwksUrl = { from: before.jwksUrl, to: after.jwksUrl }
    if (change.jwks !== undefined) detail.keyIds = { from: keyIds(before), to: keyIds(after) }
    await appendAuditEvents(trx, [{ actor: admin, action: 'peer-updated', subject: { type: 'peer', id: agencyId }, detail }], ctx.clock)
    return after
  })
}

/**
 * Resumes syncing a quarantined or backing-off peer once an administrator has acted on the
 * reason: the next round starts now, from our cursor. A disabled peer must be enabled first
 * (PEER_INACTIVE).
 */
export async function resumePeer (ctx: PeerAdministration, admin: string, agencyId: string): Promise<{ peer: Peer, previous: PeerStatus }> {
  const before = await getPeer(ctx.db, agencyId)
  if (before.status === 'disabled' || before.status === 'removed') throw errors.peerInactive(agencyId, `${before.status}: enable it with PATCH first`)
  return ctx.db.transaction().execute(async (trx) => {
    if (!await resumePeerSync(trx, agencyId, ctx.clock.now())) throw errors.peerInactive(agencyId, 'disabled: enable it with PATCH first')
    await appendAuditEvents(trx, [{ actor: admin, action: 'peer-resumed', subject: { type: 'peer', id: agencyId }, detail: { previous: before.status, reason: before.statusReason } }], ctx.clock)
    return { peer: await getPeer(trx, agencyId), previous: before.status }
  })
}

/** What an administrator chose to do with a removed peer's records. */
export type RecordsOnRemoval = 'keep' | 'purge'

/** The reason given to each divergence a purge resolves. */
export const PURGE_REASON = 'peer removed; its records purged'

export interface PeerRemovalOutcome {
  agencyId: string
  records: RecordsOnRemoval
  counts: { records: number, entries: number, divergencesResolved: number, alertsNoLongerHolding: number, inboxPending: number, witnessViews: number }
  /** The peer as it is now (keep); undefined once purged. */
  peer: Peer | undefined
}

/**
 * Removes a peer (docs/federation.md section 3), in one transaction with `peer-removed` (the
 * choice and the counts). `keep`: its status becomes `removed`: no more sync (only active peers
 * are leased), its tokens refused (PEER_INACTIVE), its keys kept to verify the evidence we hold,
 * its records held but left out of screening and detection (`notFromRemovedPeerSql`); PATCH
 * status active reinstates it. `purge`: every divergence naming one of its records is resolved
 * (PURGE_REASON) and every alert about one of them no longer holds, then its records with their query rows, its feed entries, its sync state and
 * witness views, and its row go: the agency may be enrolled again.
 */
export async function removePeer (ctx: PeerAdministration, admin: string, agencyId: string, records: RecordsOnRemoval): Promise<PeerRemovalOutcome> {
  const before = await getPeer(ctx.db, agencyId)
  return ctx.db.transaction().execute(async (trx) => {
    let counts: PeerRemovalOutcome['counts']
    if (records === 'keep') {
      await updatePeerStatus(trx, agencyId, 'removed', 'removed by an administrator; its records kept', { at: ctx.clock.now() })
      counts = { records: await countRecordsOf(trx, agencyId), entries: 0, divergencesResolved: 0, alertsNoLongerHolding: 0, inboxPending: 0, witnessViews: 0 }
    } else {
      const resolved = await resolveDivergencesNaming(trx, ctx.clock, agencyId, admin, PURGE_REASON)
      const alerts = await alertsOnRecordsOfNoLongerHold(trx, agencyId, PURGE_REASON, ctx.clock)
      const deletedRecords = await deleteRecordsOf(trx, agencyId)
      const entries = await deleteFeedEntriesOf(trx, agencyId)
      const sync = await forgetPeerSync(trx, agencyId)
      await deletePeer(trx, agencyId)
      counts = { records: deletedRecords, entries, divergencesResolved: resolved.length, alertsNoLongerHolding: alerts, ...sync }
    }
    await appendAuditEvents(trx, [{
      actor: admin,
      action: 'peer-removed',
      subject: { type: 'peer', id: agencyId },
      detail: { records, previousStatus: before.status, counts }
    }], ctx.clock)
    return { agencyId, records, counts, peer: records === 'keep' ? await getPeer(trx, agencyId) : undefined }
  })
}
