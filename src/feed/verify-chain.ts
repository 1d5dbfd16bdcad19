import { sha256Base64url } from '../lib/hash.js'
import { findUnsafeText } from '../lib/safe-text.js'
import { ENTRY_TYP, KEY_STATUS_KIND, SignatureError, createVerifier, type Jwks, type KeyCache, type KeyPolicy } from '../signing/index.js'
import type { EntryPayload } from './types.js'

export type WireEntry = { seq: number, jws: string } | { seq: number, hash: string, prev: string | null }

export type ChainFailure = 'bad-signature' | 'unknown-kid' | 'malformed' | 'invalid-content' | 'broken-chain' | 'wrong-issuer' | 'wrong-seq' | 'key-retired' | 'key-revoked'

export class ChainError extends Error {
  readonly reason: ChainFailure
  readonly seq: number
  constructor (reason: ChainFailure, seq: number, message: string) {
    super(`entry ${seq}: ${message}`)
    this.name = 'ChainError'
    this.reason = reason
    this.seq = seq
  }
}

export interface VerifiedEntry {
  seq: number
  hash: string
  prev: string | null
  /** Absent for a placeholder. */
  jws?: string
  kid?: string
  payload?: EntryPayload
}

/**
 * Verifies a run of feed entries from `issuer` that continues from (`afterSeq`, `afterHash`):
 * seqs consecutive, every signature valid under `jwks`, every payload's issuer and seq as
 * stated and its text storable, and every `prev` equal to the hash of the entry before (placeholders included, by
 * the hash they carry). Throws `ChainError` at the first fault, in chain order; returns the entries with hashes.
 * `keys`: the key cache of a caller that verifies the same keys again and again (the sync).
 * `policy`: the issuer's key statuses (docs/federation.md section 1), checked entry by entry in
 * chain order and moved on by each `key-status` entry of the run, whose announced keys verify the
 * entries after it; without one, key statuses are not checked.
 */
export async function verifyChain (issuer: string, entries: readonly WireEntry[], jwks: Jwks, from: { seq: number, hash: string | null }, keys?: KeyCache, policy?: KeyPolicy): Promise<VerifiedEntry[]> {
  const verify = createVerifier(jwks, keys)
  const settled = await Promise.all(entries.map((entry) => verifyOne(issuer, entry, verify).then((v) => ({ v }), (err: unknown) => ({ err }))))
  const verified: VerifiedEntry[] = []
  let seq = from.seq
  let hash = from.hash
  for (const [i, outcome] of settled.entries()) {
    const entry = 'v' in outcome ? outcome.v : await verifyAnnounced(issuer, entries[i] as WireEntry, outcome.err, policy)
    if (entry.seq !== seq + 1) throw new ChainError('wrong-seq', entry.seq, `expected seq ${seq + 1}`)
    if (entry.prev !== hash) throw new ChainError('broken-chain', entry.seq, `prev does not match the hash of entry ${seq}`)
    if (policy !== undefined && entry.payload !== undefined && entry.kid !== undefined) {
      const fault = policy.fault(entry.kid, entry.payload)
      if (fault !== undefined) throw new ChainError(fault, entry.seq, `signed with key ${entry.kid}, which ${issuer} ${fault === 'key-revoked' ? 'revoked' : 'retired'} before this entry`)
      if (entry.payload.kind === KEY_STATUS_KIND) {
        const unreadable = policy.observe(entry.seq, entry.payload.body)
        if (unreadable !== undefined) throw new ChainError('invalid-content', entry.seq, unreadable)
      }
    }
    verified.push(entry)
    seq = entry.seq
    hash = entry.hash
  }
  return verified
}

/** An entry signed with a key the issuer's key set lacks may be signed with one a `key-status` entry before it in the run announced. */
async function verifyAnnounced (issuer: string, entry: WireEntry, err: unknown, policy: KeyPolicy | undefined): Promise<VerifiedEntry> {
  if (!(err instanceof ChainError) || err.reason !== 'unknown-kid' || policy === undefined || policy.announced.size === 0) throw err
  return verifyOne(issuer, entry, createVerifier({ keys: [...policy.announced.values()] }))
}

async function verifyOne (issuer: string, entry: WireEntry, verify: ReturnType<typeof createVerifier>): Promise<VerifiedEntry> {
  if (!('jws' in entry)) return { seq: entry.seq, hash: entry.hash, prev: entry.prev }
  let verified
  try {
    verified = await verify(entry.jws, ENTRY_TYP)
  } catch (err) {
    if (err instanceof SignatureError) throw new ChainError(err.reason === 'wrong-type' ? 'malformed' : err.reason, entry.seq, err.message)
    throw err
  }
  const payload = verified.payload as EntryPayload
  if (payload.iss !== issuer) throw new ChainError('wrong-issuer', entry.seq, `signed payload names issuer "${String(payload.iss)}"`)
  if (payload.seq !== entry.seq) throw new ChainError('wrong-seq', entry.seq, `signed payload carries seq ${String(payload.seq)}`)
  // signed, but not storable: text PostgreSQL refuses, or that is not Unicode (lib/safe-text.ts)
  const [unsafe] = findUnsafeText(payload)
  if (unsafe !== undefined) throw new ChainError('invalid-content', entry.seq, `signed payload at ${unsafe.pointer || '/'} ${unsafe.detail}`)
  return { seq: entry.seq, hash: sha256Base64url(entry.jws), prev: payload.prev, jws: entry.jws, kid: verified.kid, payload }
}
