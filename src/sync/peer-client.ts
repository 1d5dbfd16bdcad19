import { Type, type Static } from '@sinclair/typebox'
import { TypeCompiler } from '@sinclair/typebox/compiler'
import type { WireEntry } from '../feed/index.js'
import { HttpFailure, sendHttpRequest, type HttpFailureKind, type HttpLimits, type HttpResponse } from '../lib/http-client.js'
import type { PrivateAddresses } from '../lib/outbound-address.js'
import type { Peer } from '../peers/index.js'
import { SyncFailure, type SyncFailureCode } from './sync-failure.js'

const B64 = Type.String({ pattern: '^[A-Za-z0-9_-]+$' })
const WirePage = Type.Object({
  issuer: Type.String(),
  after: Type.Integer({ minimum: 0, maximum: Number.MAX_SAFE_INTEGER }),
  next: Type.Integer({ minimum: 0, maximum: Number.MAX_SAFE_INTEGER }),
  headSeq: Type.Integer({ minimum: 0, maximum: Number.MAX_SAFE_INTEGER }),
  hasMore: Type.Boolean(),
  entries: Type.Array(Type.Union([
    Type.Object({ seq: Type.Integer({ minimum: 1, maximum: Number.MAX_SAFE_INTEGER }), jws: Type.String() }),
    Type.Object({ seq: Type.Integer({ minimum: 1, maximum: Number.MAX_SAFE_INTEGER }), hash: B64, prev: Type.Union([B64, Type.Null()]) })
  ]))
})
export type WirePage = Static<typeof WirePage> & { entries: WireEntry[] }
const WireCheckpoint = Type.Object({ seq: Type.Integer({ minimum: 0, maximum: Number.MAX_SAFE_INTEGER }), hash: Type.Union([B64, Type.Null()]), checkpoint: Type.String({ maxLength: 65_536 }) })
export type WireCheckpoint = Static<typeof WireCheckpoint>

const pageCheck = TypeCompiler.Compile(WirePage)
const checkpointCheck = TypeCompiler.Compile(WireCheckpoint)

const WitnessView = Type.Object({ issuer: Type.String(), seq: Type.Integer({ minimum: 0, maximum: Number.MAX_SAFE_INTEGER }), hash: Type.Union([B64, Type.Null()]), checkpoint: Type.String({ maxLength: 65_536 }) })
export type WitnessView = Static<typeof WitnessView>
const witnessCheck = TypeCompiler.Compile(WitnessView)

/** How we reach a peer. An interface, so tests can point the worker at real misbehaving servers (C12). */
export interface PeerClient {
  feedPage (peer: Peer, after: number, limit: number): Promise<WirePage>
  feedHead (peer: Peer): Promise<WireCheckpoint>
  /** What the peer holds of `issuer`'s feed, as a checkpoint it co-signs (docs/federation.md section 4). */
  witnessView (peer: Peer, issuer: string): Promise<WitnessView>
  /** A page of the peer's copy of `issuer`'s feed. */
  copyPage (peer: Peer, issuer: string, after: number, limit: number): Promise<WirePage>
  /** The peer's members, as a JWS it signs (for a newcomer it enrolled). */
  members (peer: Peer): Promise<string>
}

const FAILURE_CODES: Record<HttpFailureKind, SyncFailureCode> = {
  URL_REFUSED: 'PEER_URL_REFUSED',
  ADDRESS_REFUSED: 'PEER_URL_REFUSED',
  CONNECT_TIMEOUT: 'PEER_CONNECT_TIMEOUT',
  RESPONSE_TIMEOUT: 'PEER_RESPONSE_TIMEOUT',
  UNREACHABLE: 'PEER_UNREACHABLE',
  TOO_LARGE: 'PEER_RESPONSE_TOO_LARGE',
  ABORTED: 'PEER_UNREACHABLE'
}

/**
 * The HTTP peer client: every request carries a fresh partner token from `token(peer)` and goes
 * through the service's one HTTP client with `limits`. A body cut short (the peer died mid-page)
 * is PEER_UNREACHABLE, never a shorter page.
 */
export function createHttpPeerClient (token: (peer: Peer) => Promise<string>, options: { limits: HttpLimits, privateAddresses: PrivateAddresses }): PeerClient {
  async function get (peer: Peer, path: string): Promise<unknown> {
    let response: HttpResponse
    try {
      response = await sendHttpRequest(`${peer.baseUrl}${path}`, { method: 'GET', headers: { authorization: `Bearer ${await token(peer)}` }, ...options })
    } catch (err) {
      throw err instanceof HttpFailure ? new SyncFailure(FAILURE_CODES[err.kind], err.message) : err
    }
    checkStatus(peer, path, response)
    try {
      return JSON.parse(response.body)
    } catch (err) {
      throw new SyncFailure('PEER_RESPONSE_MALFORMED', `${path}: the body is not JSON (${(err as Error).message})`)
    }
  }
  return {
    async feedPage (peer, after, limit) {
      const body = await get(peer, `/v1/feed?after=${after}&limit=${limit}`)
      if (!pageCheck.Check(body)) throw malformed('/v1/feed', pageCheck.Errors(body).First())
      return body as WirePage
    },
    async feedHead (peer) {
      const body = await get(peer, '/v1/feed/head')
      if (!checkpointCheck.Check(body)) throw malformed('/v1/feed/head', checkpointCheck.Errors(body).First())
      return body
    },
    async witnessView (peer, issuer) {
      const path = `/v1/witness/${encodeURIComponent(issuer)}`
      const body = await get(peer, path)
      if (!witnessCheck.Check(body)) throw malformed(path, witnessCheck.Errors(body).First())
      return body
    },
    async members (peer) {
      const body = await get(peer, '/v1/federation/members') as { members?: unknown }
      if (typeof body?.members !== 'string') throw malformed('/v1/federation/members', undefined)
      return body.members
    },
    async copyPage (peer, issuer, after, limit) {
      const path = `/v1/witness/${encodeURIComponent(issuer)}/entries`
      const body = await get(peer, `${path}?after=${after}&limit=${limit}`)
      if (!pageCheck.Check(body)) throw malformed(path, pageCheck.Errors(body).First())
      return body as WirePage
    }
  }
}

function malformed (path: string, error: { path: string, message: string } | undefined): SyncFailure {
  return new SyncFailure('PEER_RESPONSE_MALFORMED', `${path}: the body does not match the protocol${error === undefined ? '' : ` at ${error.path || '/'}: ${error.message}`}`)
}

function checkStatus (peer: Peer, path: string, response: HttpResponse): void {
  if (response.status === 200) return
  const detail = `${peer.agencyId} answered ${response.status} to ${path}`
  if (response.status === 429) {
    const retryAfter = Number(response.headers['retry-after'])
    throw new SyncFailure('PEER_RATE_LIMITED', detail, Number.isFinite(retryAfter) ? { retryAfterSeconds: retryAfter } : {})
  }
  if (response.status === 401 || response.status === 403) {
    let code = ''
    try { code = String((JSON.parse(response.body) as { code?: unknown }).code ?? '') } catch {}
    throw new SyncFailure('PEER_REFUSED_US', `${detail}${code === '' ? '' : ` (${code})`}: check that it enrolled us with our current keys`)
  }
  throw new SyncFailure('PEER_HTTP_ERROR', detail)
}
