import { errors } from '../lib/errors.js'
import type { Jwks, PublicJwk } from '../signing/index.js'

const MAX_JWKS_BYTES = 256 * 1024

/** Fetches a peer's JWKS over HTTP(S) with a timeout and a size cap; keeps public members only. */
export async function fetchJwks (agencyId: string, url: string, timeoutMs = 5000): Promise<Jwks> {
  let response: Response
  try {
    response = await fetch(url, { signal: AbortSignal.timeout(timeoutMs), headers: { accept: 'application/json' } })
  } catch (err) {
    throw errors.peerKeysUnavailable(agencyId, `${url}: ${(err as Error).message}`)
  }
  if (!response.ok) throw errors.peerKeysUnavailable(agencyId, `${url} answered ${response.status}`)
  const text = await response.text()
  if (text.length > MAX_JWKS_BYTES) throw errors.peerKeysUnavailable(agencyId, `${url} sent more than ${MAX_JWKS_BYTES} bytes`)
  return parseJwks(agencyId, text, url)
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
  for (const name of ['crv', 'x', 'y', 'n', 'e', 'kid', 'alg', 'use'] as const) {
    if (typeof k[name] === 'string') out[name] = k[name]
  }
  return out
}
