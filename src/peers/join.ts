import { isAgencyId } from '../lib/agency-id.js'
import { errors } from '../lib/errors.js'
import { HttpFailure, sendHttpRequest } from '../lib/http-client.js'
import type { Jwks, PublicJwk } from '../lib/jwk.js'
import { checkOutboundUrl, type PrivateAddresses } from '../lib/outbound-address.js'
import type { Db } from '../db/create-db.js'
import type { Clock } from '../lib/clock.js'
import { ed25519Thumbprint, MEMBERS_TYP, signCompact, verifyCompact, type SigningKey } from '../signing/index.js'
import { currentKeysOf } from './key-status.js'
import { listPeers } from './queries.js'
import type { Peer, PeerEnrolment } from './types.js'

// Joining a federation (docs/federation.md section 3): an agency is found by its URL (its
// `/.well-known/reciprocity-agency`) and trusted by the thumbprint of one of its keys, given
// out of band; or introduced by a member that already trusts it.

const MAX_DESCRIPTOR_BYTES = 64 * 1024

/**
 * What an agency says of itself at `url` (`/.well-known/reciprocity-agency`: its id, name and
 * country), as an enrolment at that URL by its JWKS there (the protocol's fixed place): the URL
 * the administrator gave is the one trusted, whatever base URL the descriptor names. Throws
 * PEER_DISCOVERY_FAILED, naming nothing of what answered (as a JWKS fetch).
 */
export async function discoverAgency (url: string, privateAddresses: PrivateAddresses): Promise<PeerEnrolment> {
  const base = url.replace(/\/+$/, '')
  const refused = checkOutboundUrl(base)
  if (refused !== undefined) throw errors.urlNotAllowed('url', refused)
  let body: unknown
  try {
    const response = await sendHttpRequest(`${base}/.well-known/reciprocity-agency`, { method: 'GET', limits: { connectTimeoutMs: 5000, responseTimeoutMs: 5000, maxBytes: MAX_DESCRIPTOR_BYTES }, privateAddresses })
    if (response.status !== 200) throw new Error(`answered ${response.status}`)
    body = JSON.parse(response.body)
  } catch (err) {
    const error = errors.peerDiscoveryFailed(url, err instanceof HttpFailure && err.kind === 'ADDRESS_REFUSED' ? 'its address is private, and outbound requests to private addresses are refused' : 'no agency descriptor could be read there')
    error.cause = err
    throw error
  }
  const d = body as { agencyId?: unknown, name?: unknown, country?: unknown }
  if (!isAgencyId(d.agencyId) || typeof d.name !== 'string' || typeof d.country !== 'string' || !/^[A-Z]{2}$/.test(d.country)) {
    throw errors.peerDiscoveryFailed(url, 'the agency descriptor there lacks an agency id, name or country')
  }
  return { agencyId: d.agencyId, name: d.name.slice(0, 200), country: d.country, baseUrl: base, jwksUrl: `${base}/.well-known/jwks.json` }
}

/** Refuses a key set that lacks the key pinned by its thumbprint: trust comes from the thumbprint given out of band, not from whatever the URL serves. */
export function checkPinnedKey (agencyId: string, jwks: Jwks, kid: string): void {
  const key = jwks.keys.find((k) => k.kid === kid && k.kty === 'OKP' && k.crv === 'Ed25519' && typeof k.x === 'string' && ed25519Thumbprint(k.x) === kid)
  if (key === undefined) throw errors.peerKeyNotPinned(agencyId, kid)
}

/** The body of an `introduction` entry: a member vouching for a newcomer, with its keys. */
export interface Introduction {
  agencyId: string
  name: string
  country: string
  baseUrl: string
  jwksUrl: string | null
  keys: PublicJwk[]
}

export const INTRODUCTION_KIND = 'introduction'

/** Reads an `introduction` entry's body; undefined for one that does not read (its keys Ed25519 public keys named by their thumbprints). */
export function readIntroduction (body: unknown): Introduction | undefined {
  const b = body as Partial<Record<keyof Introduction, unknown>> | null
  if (typeof b !== 'object' || b === null || !isAgencyId(b.agencyId) || typeof b.name !== 'string' || typeof b.country !== 'string' || !/^[A-Z]{2}$/.test(b.country)) return undefined
  if (typeof b.baseUrl !== 'string' || checkOutboundUrl(b.baseUrl) !== undefined) return undefined
  if (b.jwksUrl !== null && (typeof b.jwksUrl !== 'string' || checkOutboundUrl(b.jwksUrl) !== undefined)) return undefined
  if (!Array.isArray(b.keys) || b.keys.length === 0 || b.keys.length > 20) return undefined
  const keys: PublicJwk[] = []
  for (const k of b.keys as Array<Record<string, unknown>>) {
    if (typeof k !== 'object' || k === null || k.kty !== 'OKP' || k.crv !== 'Ed25519' || typeof k.x !== 'string' || 'd' in k || ed25519Thumbprint(k.x) !== k.kid) return undefined
    keys.push({ kty: 'OKP', crv: 'Ed25519', x: k.x, kid: k.kid, alg: 'EdDSA', use: 'sig' })
  }
  return { agencyId: b.agencyId, name: b.name.slice(0, 200), country: b.country, baseUrl: b.baseUrl, jwksUrl: b.jwksUrl as string | null, keys }
}

/** The members we vouch for (our active peers), as a newcomer enrols them: each with its address and current keys. */
export interface MemberList {
  iss: string
  time: string
  members: Introduction[]
}

/** Our active peers, signed (JWS `reciprocity-members+jws`), for a newcomer we enrolled (`GET /v1/federation/members`). */
export async function signMemberList (db: Db, self: string, key: SigningKey, clock: Clock): Promise<string> {
  const peers = (await listPeers(db)).filter((p) => p.status === 'active')
  const list: MemberList = {
    iss: self,
    time: clock.now().toISOString(),
    members: peers.map((p) => ({ agencyId: p.agencyId, name: p.name, country: p.country, baseUrl: p.baseUrl, jwksUrl: p.jwksUrl, keys: currentKeysOf(p).keys }))
  }
  return signCompact(list, key, MEMBERS_TYP)
}

/** A member list signed by `member`, verified under its current keys; the members in it that read. */
export async function verifyMemberList (jws: string, member: Pick<Peer, 'agencyId' | 'jwks' | 'keyStatuses'>): Promise<Introduction[]> {
  const { payload } = await verifyCompact(jws, currentKeysOf(member), MEMBERS_TYP)
  const list = payload as Partial<MemberList>
  if (list.iss !== member.agencyId || !Array.isArray(list.members)) throw errors.peerDiscoveryFailed(member.agencyId, 'its member list is not signed by it')
  return list.members.flatMap((m) => readIntroduction(m) ?? [])
}
