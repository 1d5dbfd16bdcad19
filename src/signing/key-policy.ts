import { createHash } from 'node:crypto'
import type { PublicJwk } from './types.js'

/** What an issuer said of one of its keys that limits it: retired (signed nothing after) or revoked (not trusted from `since` on). */
export interface KnownKeyStatus {
  status: 'retired' | 'revoked'
  /** Retired: when (an entry dated after it is not the key's); revoked: from when it is not trusted. */
  since: Date
  /** The seq of the issuer's entry that said so (nothing after it may be signed with the key); null when learned from its JWKS. */
  seq: number | null
  reason?: string | null | undefined
}

/** One key's status as a `key-status` entry states it (docs/federation.md section 1). */
export interface KeyStatement {
  kid: string
  status: 'current' | 'retired' | 'revoked'
  /** The public key, for a key announced current (a peer enrolled with inline keys learns it here). */
  jwk?: PublicJwk | undefined
  retiredAt?: string | undefined
  revokedFrom?: string | undefined
  reason?: string | undefined
}

/** The body of a `key-status` entry. */
export interface KeyStatusBody {
  keys: KeyStatement[]
}

export const KEY_STATUS_KIND = 'key-status'

/**
 * Reads a `key-status` entry's body: every statement a kid, a status, and what that status
 * needs (a current key its Ed25519 public key, whose kid is its RFC 7638 thumbprint; a retired
 * key `retiredAt`; a revoked key `revokedFrom`). Returns why not, for a body it cannot read.
 */
export function readKeyStatements (body: unknown): KeyStatement[] | string {
  const keys = (body as { keys?: unknown } | null)?.keys
  if (!Array.isArray(keys) || keys.length === 0 || keys.length > 100) return 'a key-status entry without a list of keys'
  const statements: KeyStatement[] = []
  for (const [i, raw] of keys.entries()) {
    const k = raw as Record<string, unknown> | null
    const at = `keys[${i}]`
    if (typeof k !== 'object' || k === null || typeof k.kid !== 'string' || k.kid === '') return `${at} has no kid`
    if (k.status === 'current') {
      const jwk = k.jwk as Record<string, unknown> | undefined
      if (typeof jwk !== 'object' || jwk === null || jwk.kty !== 'OKP' || jwk.crv !== 'Ed25519' || typeof jwk.x !== 'string' || 'd' in jwk) return `${at} announces a current key without its Ed25519 public key`
      if (ed25519Thumbprint(jwk.x) !== k.kid) return `${at}: the kid is not the RFC 7638 thumbprint of the key announced`
      statements.push({ kid: k.kid, status: 'current', jwk: { kty: 'OKP', crv: 'Ed25519', x: jwk.x, kid: k.kid, alg: 'EdDSA', use: 'sig' } })
    } else if (k.status === 'retired') {
      if (!isTime(k.retiredAt)) return `${at} retires a key without retiredAt`
      statements.push({ kid: k.kid, status: 'retired', retiredAt: k.retiredAt })
    } else if (k.status === 'revoked') {
      if (!isTime(k.revokedFrom)) return `${at} revokes a key without revokedFrom`
      statements.push({ kid: k.kid, status: 'revoked', revokedFrom: k.revokedFrom, reason: typeof k.reason === 'string' ? k.reason.slice(0, 500) : undefined })
    } else {
      return `${at} has no status current, retired or revoked`
    }
  }
  return statements
}

const isTime = (value: unknown): value is string => typeof value === 'string' && !Number.isNaN(Date.parse(value))

/** The RFC 7638 thumbprint (SHA-256, base64url) of an Ed25519 public key given by its `x`. */
export function ed25519Thumbprint (x: string): string {
  return createHash('sha256').update(`{"crv":"Ed25519","kty":"OKP","x":"${x}"}`).digest('base64url')
}

/** A statement as the status it gives a key, or undefined for a key announced current (which limits nothing). */
export function statusOf (statement: KeyStatement, seq: number | null): KnownKeyStatus | undefined {
  if (statement.status === 'retired') return { status: 'retired', since: new Date(statement.retiredAt as string), seq }
  if (statement.status === 'revoked') return { status: 'revoked', since: new Date(statement.revokedFrom as string), seq, reason: statement.reason ?? null }
  return undefined
}

/**
 * A key's status only escalates (retired, then revoked) and never loosens: the earliest entry
 * that limited it stays the bound, a revocation keeps its earliest `since`. Returns the status
 * to keep, or undefined when `incoming` changes nothing.
 */
export function mergeKeyStatus (existing: KnownKeyStatus | undefined, incoming: KnownKeyStatus): KnownKeyStatus | undefined {
  if (existing === undefined) return incoming
  const seqs = [existing.seq, incoming.seq].filter((s): s is number => s !== null)
  const seq = seqs.length === 0 ? null : Math.min(...seqs)
  let merged: KnownKeyStatus
  if (incoming.status === 'revoked' && existing.status === 'revoked') merged = { ...existing, since: incoming.since < existing.since ? incoming.since : existing.since, seq }
  else if (incoming.status === 'revoked') merged = { ...incoming, seq }
  else if (existing.status === 'revoked') merged = { ...existing, seq }
  else merged = { ...existing, since: incoming.since < existing.since ? incoming.since : existing.since, seq }
  const same = merged.status === existing.status && merged.since.getTime() === existing.since.getTime() && merged.seq === existing.seq
  return same ? undefined : merged
}

/**
 * Whether an entry signed with a key of `status` may be the key's. A retired key signed nothing
 * dated after its retirement nor placed after the entry that retired it. A revoked key signed
 * nothing placed after the entry that revoked it; what comes before that entry, whenever it is
 * dated, the issuer vouched for when it chained the revocation onto it (a thief's entries there
 * would be a fork). A revocation learned from the issuer's JWKS alone (no entry yet) limits its
 * tokens and messages, not its entries: the pull brings the entry.
 */
export function keyFault (status: KnownKeyStatus | undefined, entry: { seq: number, time: string }): 'key-retired' | 'key-revoked' | undefined {
  if (status === undefined) return undefined
  const after = status.seq !== null && entry.seq > status.seq
  if (status.status === 'retired') return after || Date.parse(entry.time) > status.since.getTime() ? 'key-retired' : undefined
  return after ? 'key-revoked' : undefined
}

/**
 * The key statuses of one issuer as a run of its entries is verified, in order: what we knew
 * before (`known`), then what each `key-status` entry of the run says, so that a status
 * applies to the entries after it, and a key announced current verifies them.
 */
export class KeyPolicy {
  readonly statuses: Map<string, KnownKeyStatus>
  readonly announced = new Map<string, PublicJwk>()

  constructor (known: ReadonlyMap<string, KnownKeyStatus> | Record<string, KnownKeyStatus> = new Map()) {
    this.statuses = new Map(known instanceof Map ? known : Object.entries(known))
  }

  /** Why `kid` may not have signed this entry, if it may not. */
  fault (kid: string, payload: { seq: number, time: string }): 'key-retired' | 'key-revoked' | undefined {
    return keyFault(this.statuses.get(kid), payload)
  }

  /** Takes in what a verified `key-status` entry at `seq` says; returns why its body cannot be read, if it cannot. */
  observe (seq: number, body: unknown): string | undefined {
    const statements = readKeyStatements(body)
    if (typeof statements === 'string') return statements
    for (const statement of statements) {
      if (statement.jwk !== undefined && !this.statuses.has(statement.kid)) this.announced.set(statement.kid, statement.jwk)
      const status = statusOf(statement, seq)
      if (status === undefined) continue
      const merged = mergeKeyStatus(this.statuses.get(statement.kid), status)
      if (merged !== undefined) this.statuses.set(statement.kid, merged)
    }
    return undefined
  }
}
