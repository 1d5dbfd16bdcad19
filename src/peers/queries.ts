import { sql, type Kysely, type RawBuilder, type Selectable, type Transaction } from 'kysely'
import type { Db } from '../db/create-db.js'
import type { Database, PeerTable } from '../db/schema.js'
import type { Jwks } from '../lib/jwk.js'
import type { KnownKeyStatus } from '../signing/index.js'
import type { Peer, PeerStatus } from './types.js'

type StatusRow = { kid: string, status: 'retired' | 'revoked', since: string, seq: number | null, reason: string | null }

/** Each peer's key statuses, as one JSON array column `key_statuses` beside its row. */
const keyStatusesColumn = sql<StatusRow[]>`coalesce((select jsonb_agg(jsonb_build_object('kid', s.kid, 'status', s.status, 'since', s.since, 'seq', s.entry_seq, 'reason', s.reason))
  from peer_key_status s where s.agency_id = peers.agency_id), '[]'::jsonb)`.as('key_statuses')

function toPeer (row: Selectable<PeerTable> & { key_statuses: StatusRow[] }): Peer {
  return {
    keyStatuses: new Map(row.key_statuses.map((s): [string, KnownKeyStatus] => [s.kid, { status: s.status, since: new Date(s.since), seq: s.seq === null ? null : Number(s.seq), reason: s.reason }])),
    agencyId: row.agency_id,
    name: row.name,
    country: row.country,
    baseUrl: row.base_url,
    jwks: row.jwks,
    jwksUrl: row.jwks_url,
    jwksRefreshedAt: row.jwks_refreshed_at,
    status: row.status,
    statusReason: row.status_reason,
    createdAt: row.created_at,
    updatedAt: row.updated_at
  }
}

export async function findPeer (db: Db, agencyId: string): Promise<Peer | undefined> {
  const row = await db.selectFrom('peers').selectAll().select(keyStatusesColumn).where('agency_id', '=', agencyId).executeTakeFirst()
  return row === undefined ? undefined : toPeer(row)
}

export async function listPeers (db: Db): Promise<Peer[]> {
  return (await db.selectFrom('peers').selectAll().select(keyStatusesColumn).orderBy('agency_id').execute()).map(toPeer)
}

/** The agency id of every enrolled peer (column `agency_id`), as a subquery for a caller to compose. */
export function enrolledAgencyIdsSql (): RawBuilder<{ agency_id: string }> {
  return sql<{ agency_id: string }>`select agency_id from peers`
}

/** The agency id of every active peer (the ones we sync with), as a subquery for a caller to join (`.as(alias)`). */
export function activePeerIdsQuery (db: Kysely<Database>) {
  return db.selectFrom('peers').select('agency_id').where('status', '=', 'active')
}

/** Every enrolled peer's agency id, status and the reason for it, as a subquery for a caller to join (`.as(alias)`). */
export function peerStatusesQuery (db: Kysely<Database>) {
  return db.selectFrom('peers').select(['agency_id', 'status', 'status_reason'])
}

/**
 * Whether the record issued by `issuer` (a column of the caller's query, e.g. `sql.ref('p.issuer')`)
 * is not from a peer an administrator removed keeping its records (status `removed`): the one
 * definition the candidate queries of screening and divergence detection leave such records out by.
 */
export function notFromRemovedPeerSql (issuer: RawBuilder<unknown> | ReturnType<typeof sql.ref>): RawBuilder<boolean> {
  return sql<boolean>`not exists (select 1 from peers removed_peer where removed_peer.agency_id = ${issuer} and removed_peer.status = 'removed')`
}

/** The enrolled public keys of peer `agencyId`; undefined when it is not enrolled. */
export async function findPeerJwks (db: Db, agencyId: string): Promise<Jwks | undefined> {
  const row = await db.selectFrom('peers').select('jwks').where('agency_id', '=', agencyId).executeTakeFirst()
  return row?.jwks
}

/** Inserts the peer; returns false when the agency id is already enrolled. */
export async function insertPeer (db: Db, peer: Omit<Peer, 'createdAt' | 'updatedAt'>): Promise<boolean> {
  const result = await db.insertInto('peers').values({
    agency_id: peer.agencyId,
    name: peer.name,
    country: peer.country,
    base_url: peer.baseUrl,
    jwks: JSON.stringify(peer.jwks),
    jwks_url: peer.jwksUrl,
    jwks_refreshed_at: peer.jwksRefreshedAt,
    status: peer.status,
    status_reason: peer.statusReason
  }).onConflict((oc) => oc.column('agency_id').doNothing()).executeTakeFirst()
  return Number(result.numInsertedOrUpdatedRows ?? 0n) === 1
}

/** Sets what is given of a peer's base URL, keys, JWKS URL and when its keys were fetched. */
export async function updatePeerConnection (db: Db, agencyId: string, change: { baseUrl?: string | undefined, jwks?: Jwks | undefined, jwksUrl?: string | null | undefined, jwksRefreshedAt?: Date | null | undefined }): Promise<void> {
  await db.updateTable('peers').set({
    ...(change.baseUrl === undefined ? {} : { base_url: change.baseUrl }),
    ...(change.jwks === undefined ? {} : { jwks: JSON.stringify(change.jwks) }),
    ...(change.jwksUrl === undefined ? {} : { jwks_url: change.jwksUrl }),
    ...(change.jwksRefreshedAt === undefined ? {} : { jwks_refreshed_at: change.jwksRefreshedAt }),
    updated_at: new Date()
  }).where('agency_id', '=', agencyId).execute()
}

export async function updatePeerKeys (db: Db, agencyId: string, jwks: Jwks, refreshedAt: Date | null): Promise<void> {
  await db.updateTable('peers').set({ jwks: JSON.stringify(jwks), jwks_refreshed_at: refreshedAt, updated_at: new Date() })
    .where('agency_id', '=', agencyId).execute()
}

/**
 * Sets a peer's status; in the caller's transaction when given one, for a change that goes with
 * others there (the sync worker's quarantine and resume, with the peer's sync row). A peer in
 * status `except` is left as it is. Returns whether the peer's row changed.
 */
export async function updatePeerStatus (db: Db | Transaction<Database>, agencyId: string, status: PeerStatus, reason: string | null,
  options: { at?: Date | undefined, except?: PeerStatus | readonly PeerStatus[] | undefined } = {}): Promise<boolean> {
  const except = options.except === undefined ? [] : typeof options.except === 'string' ? [options.except] : options.except
  const result = await db.updateTable('peers').set({ status, status_reason: reason, updated_at: options.at ?? new Date() })
    .where('agency_id', '=', agencyId)
    .$if(except.length > 0, (qb) => qb.where('status', 'not in', except))
    .executeTakeFirst()
  return Number(result.numUpdatedRows) === 1
}

/**
 * Forgets a peer in the caller's transaction (a removal that purges its records): its key
 * statuses and its row, so that the agency may be enrolled again. Returns whether it was enrolled.
 */
export async function deletePeer (trx: Transaction<Database>, agencyId: string): Promise<boolean> {
  await trx.deleteFrom('peer_key_status').where('agency_id', '=', agencyId).execute()
  await trx.deleteFrom('partner_token_jtis').where('issuer', '=', agencyId).execute()
  const result = await trx.deleteFrom('peers').where('agency_id', '=', agencyId).executeTakeFirst()
  return Number(result.numDeletedRows) === 1
}

/** Records a partner token's jti; false when it was already used (a replay). */
export async function recordTokenJti (db: Db, issuer: string, jti: string, expiresAt: Date): Promise<boolean> {
  const result = await db.insertInto('partner_token_jtis').values({ issuer, jti, expires_at: expiresAt })
    .onConflict((oc) => oc.columns(['issuer', 'jti']).doNothing()).executeTakeFirst()
  return Number(result.numInsertedOrUpdatedRows ?? 0n) === 1
}

export async function deleteExpiredJtis (db: Db, now: Date): Promise<number> {
  const result = await db.deleteFrom('partner_token_jtis').where('expires_at', '<', new Date(now.getTime() - 60_000)).executeTakeFirst()
  return Number(result.numDeletedRows)
}
