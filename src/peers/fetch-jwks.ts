import { errors } from '../lib/errors.js'
import { HttpFailure, sendHttpRequest, type HttpFailureKind, type HttpResponse } from '../lib/http-client.js'
import type { PrivateAddresses } from '../lib/outbound-address.js'
import { PublicJwk, type Jwks } from '../lib/jwk.js'

const MAX_JWKS_BYTES = 256 * 1024
/** The members a public key keeps besides `kty`: those the one JWK schema declares. */
const PUBLIC_MEMBERS = Object.keys(PublicJwk.properties).filter((name) => name !== 'kty') as Array<Exclude<keyof PublicJwk, 'kty'>>

/**
 * What an administrator is told when a JWKS cannot be fetched. Only what was decided before any
 * traffic is named; whatever happened afterwards (refused, timed out, an error status, an
 * oversized or invalid body) reads the same, so that a JWKS URL cannot be used to learn which
 * addresses and ports answer. The cause stays on the error (`cause`), for the operator's log.
 */
const NEUTRAL: Partial<Record<HttpFailureKind, string>> = {
  URL_REFUSED: 'could not fetch the JWKS: its URL is not an allowed http(s) URL',
  ADDRESS_REFUSED: 'could not fetch the JWKS: its address is private, and outbound requests to private addresses are refused'
}
const NOT_FETCHED = 'could not fetch the JWKS'

/**
 * Fetches a peer's JWKS through the one HTTP client (5 s to connect and to answer, 256 KB at
 * most); keeps public members only. Throws PEER_KEYS_UNAVAILABLE, with a neutral reason.
 */
export async function fetchJwks (agencyId: string, url: string, privateAddresses: PrivateAddresses, timeoutMs = 5000): Promise<Jwks> {
  let response: HttpResponse
  try {
    response = await sendHttpRequest(url, { method: 'GET', limits: { connectTimeoutMs: timeoutMs, responseTimeoutMs: timeoutMs, maxBytes: MAX_JWKS_BYTES }, privateAddresses })
  } catch (err) {
    throw unavailable(agencyId, (err instanceof HttpFailure ? NEUTRAL[err.kind] : undefined) ?? NOT_FETCHED, err)
  }
  if (response.status !== 200) throw unavailable(agencyId, NOT_FETCHED, new Error(`${new URL(url).host} answered ${response.status}`))
  try {
    return parseJwks(agencyId, response.body, 'the fetched JWKS')
  } catch (err) {
    throw unavailable(agencyId, NOT_FETCHED, err)
  }
}

function unavailable (agencyId: string, why: string, cause: unknown) {
  const error = errors.peerKeysUnavailable(agencyId, why)
  error.cause = cause
  return error
}

export function parseJwks (agencyId: string, text: string, where: string): Jwks {
  let parsed: unknown
  try {
    parsed = JSON.parse(text)
  } catch {
    throw errors.peerKeysUnavailable(agencyId, `${where} is not JSON`)
  }
  const keys = (parsed as { keys?: unknown }).keys
  if (!Array.isArray(keys)) throw errors.peerKeysUnavailable(agencyId, `${where} has no "keys" array`)
  return { keys: keys.map((key, i) => publicOnly(agencyId, key, `${where} keys[${i}]`)) }
}

function publicOnly (agencyId: string, key: unknown, where: string): PublicJwk {
  const k = key as Record<string, unknown>
  if (typeof k !== 'object' || k === null || typeof k.kty !== 'string') throw errors.peerKeysUnavailable(agencyId, `${where} is not a JWK`)
  if ('d' in k) throw errors.peerKeysUnavailable(agencyId, `${where} contains a private key: refusing it`)
  const out: PublicJwk = { kty: k.kty }
  for (const name of PUBLIC_MEMBERS) {
    if (typeof k[name] === 'string') (out as Record<string, string>)[name] = k[name]
  }
  // the status members are ours: kept only when they mean something, dropped otherwise (a key with a status we cannot read is taken as current)
  if (out.status !== undefined && !['current', 'retired', 'revoked'].includes(out.status)) delete out.status
  for (const name of ['retiredAt', 'revokedFrom'] as const) {
    if (out[name] !== undefined && Number.isNaN(Date.parse(out[name]))) delete out[name]
  }
  return out
}
