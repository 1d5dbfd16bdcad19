import { createHash, createPublicKey, sign, verify, type KeyObject } from 'node:crypto'
import type { PublicJwk, SigningKey } from './types.js'

// C2SP signed notes (c2sp.org/signed-note), checkpoints (c2sp.org/tlog-checkpoint) and Ed25519
// cosignatures (c2sp.org/tlog-cosignature, cosignature/v1): docs/federation.md section 4.

/** Note signature types: an Ed25519 note signature, and a timestamped Ed25519 checkpoint cosignature. */
const ED25519 = 0x01
const COSIGNATURE = 0x04
/** Verifiers must accept up to 16 signatures; we take no more than this many lines. */
const MAX_SIGNATURES = 64

export interface NoteSignature {
  /** The key name: an agency id. */
  name: string
  keyId: Buffer
  /** The bytes after the key ID: an Ed25519 signature, or a cosignature's timestamp and signature. */
  signature: Buffer
  /** The signature line as it stands in the note. */
  line: string
}

export interface Note {
  /** The note text, its final newline included. */
  text: string
  signatures: NoteSignature[]
}

/** The raw 32 bytes of an Ed25519 public key given as a JWK. */
export const rawEd25519 = (jwk: Pick<PublicJwk, 'x'>): Buffer => Buffer.from(jwk.x ?? '', 'base64url')

/** SHA-256(name || 0x0A || type || public key)[:4], the key ID of signed-note. */
export function noteKeyId (name: string, type: number, publicKey: Buffer): Buffer {
  return createHash('sha256').update(Buffer.concat([Buffer.from(`${name}\n`, 'utf8'), Buffer.from([type]), publicKey])).digest().subarray(0, 4)
}

/** The raw public key of one of our signing keys. */
function publicOf (key: SigningKey): Buffer {
  const jwk = createPublicKey(key.privateKey).export({ format: 'jwk' }) as { x: string }
  return Buffer.from(jwk.x, 'base64url')
}

/** A signature line of `name` over `text` (an Ed25519 note signature, type 0x01). */
export function signNoteText (text: string, name: string, key: SigningKey): string {
  const signature = sign(null, Buffer.from(text, 'utf8'), key.privateKey)
  return `— ${name} ${Buffer.concat([noteKeyId(name, ED25519, publicOf(key)), signature]).toString('base64')}\n`
}

/** What a cosignature/v1 signs: its header, its time, then the checkpoint's text. */
const cosignedMessage = (text: string, time: number) => Buffer.from(`cosignature/v1\ntime ${time}\n${text}`, 'utf8')

/** A cosignature line of witness `name` over the checkpoint `text` at POSIX time `time` (tlog-cosignature, type 0x04). */
export function cosignNoteText (text: string, name: string, key: SigningKey, time: number): string {
  const timestamp = Buffer.alloc(8)
  timestamp.writeBigUInt64BE(BigInt(time))
  const signature = sign(null, cosignedMessage(text, time), key.privateKey)
  return `— ${name} ${Buffer.concat([noteKeyId(name, COSIGNATURE, publicOf(key)), timestamp, signature]).toString('base64')}\n`
}

/** Splits a signed note into its text and signature lines; undefined when it is not one (signed-note's format). */
export function parseNote (note: string): Note | undefined {
  // eslint-disable-next-line no-control-regex
  if (typeof note !== 'string' || note.length > 65_536 || !note.isWellFormed() || /[\u0000-\u0009\u000b-\u001f]/.test(note) || !note.endsWith('\n')) return undefined
  const split = note.lastIndexOf('\n\n')
  if (split < 0) return undefined
  const text = note.slice(0, split + 1)
  const lines = note.slice(split + 2).split('\n').slice(0, -1)
  if (lines.length === 0 || lines.length > MAX_SIGNATURES) return undefined
  const signatures: NoteSignature[] = []
  for (const line of lines) {
    const match = /^— (\S+) ([A-Za-z0-9+/]+=*)$/.exec(line)
    if (match === null || (match[1] as string).includes('+')) return undefined
    const bytes = Buffer.from(match[2] as string, 'base64')
    if (bytes.length < 5) return undefined
    signatures.push({ name: match[1] as string, keyId: bytes.subarray(0, 4), signature: bytes.subarray(4), line: `${line}\n` })
  }
  return { text, signatures }
}

/** Whether `signature` is `name`'s Ed25519 note signature over `text` with `jwk` (false for another key or type). */
export function verifyNoteSignature (text: string, signature: NoteSignature, jwk: PublicJwk): boolean {
  const raw = rawEd25519(jwk)
  if (raw.length !== 32 || !signature.keyId.equals(noteKeyId(signature.name, ED25519, raw)) || signature.signature.length !== 64) return false
  return verify(null, Buffer.from(text, 'utf8'), ed25519Key(raw), signature.signature)
}

/** The time of `signature` if it is a valid cosignature/v1 of `text` by `jwk` under its name; undefined otherwise. */
export function verifyCosignature (text: string, signature: NoteSignature, jwk: PublicJwk): number | undefined {
  const raw = rawEd25519(jwk)
  if (raw.length !== 32 || !signature.keyId.equals(noteKeyId(signature.name, COSIGNATURE, raw)) || signature.signature.length !== 72) return undefined
  const time = signature.signature.readBigUInt64BE(0)
  if (time > BigInt(Number.MAX_SAFE_INTEGER)) return undefined
  return verify(null, cosignedMessage(text, Number(time)), ed25519Key(raw), signature.signature.subarray(8)) ? Number(time) : undefined
}

function ed25519Key (raw: Buffer): KeyObject {
  return createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x: raw.toString('base64url') }, format: 'jwk' })
}

/** The root hash line of an empty log (RFC 6962: the SHA-256 of nothing). */
const EMPTY_HASH = createHash('sha256').digest('base64')

/** A checkpoint's note text (tlog-checkpoint): origin, size, root hash. Our feed's hash is the head entry's (base64url, converted to base64), none at size 0. */
export function checkpointText (origin: string, size: number, hash: string | null): string {
  return `${origin}\n${size}\n${hash === null ? EMPTY_HASH : Buffer.from(hash, 'base64url').toString('base64')}\n`
}

/** A checkpoint's origin, size and head hash (base64url, null at size 0); undefined when the text is not one. */
export function readCheckpointText (text: string): { origin: string, size: number, hash: string | null } | undefined {
  const lines = text.split('\n')
  if (lines.length < 4 || lines.at(-1) !== '') return undefined
  const [origin, sizeText, hashText] = lines as [string, string, string]
  if (origin === '' || !/^(0|[1-9][0-9]{0,15})$/.test(sizeText) || !/^[A-Za-z0-9+/]{43}=$/.test(hashText)) return undefined
  const size = Number(sizeText)
  if (!Number.isSafeInteger(size)) return undefined
  if (size === 0) return hashText === EMPTY_HASH ? { origin, size, hash: null } : undefined
  return { origin, size, hash: Buffer.from(hashText, 'base64').toString('base64url') }
}

/** A checkpoint note verified under its origin's keys: what it says, which key signed it, and the other signature lines (cosignatures) it carries. */
export interface VerifiedCheckpoint {
  seq: number
  hash: string | null
  /** The note's text (origin, size, hash): what a witness cosigns. */
  text: string
  kid: string
  /** The signature lines not by the origin, unverified: the caller checks those of witnesses it knows. */
  cosignatures: NoteSignature[]
}

/**
 * Verifies a checkpoint note of `origin` under its keys (`jwks`): the text must be a checkpoint
 * of that origin, and a signature line of the origin by one of its Ed25519 keys must verify
 * (signed-note: a line by a known key that fails rejects the whole note). Throws
 * `CheckpointError` `malformed`, `wrong-origin`, `unknown-key` (no line by a key of `jwks`) or
 * `bad-signature`.
 */
export function verifyCheckpointNote (note: string, origin: string, jwks: { keys: readonly PublicJwk[] }): VerifiedCheckpoint {
  const parsed = parseNote(note)
  if (parsed === undefined) throw new CheckpointError('malformed', 'the checkpoint is not a signed note')
  const body = readCheckpointText(parsed.text)
  if (body === undefined) throw new CheckpointError('malformed', 'the note is not a checkpoint (origin, size, hash)')
  if (body.origin !== origin) throw new CheckpointError('wrong-origin', `the checkpoint is of "${body.origin}"`)
  const keys = jwks.keys.filter((k) => k.kty === 'OKP' && k.crv === 'Ed25519' && typeof k.x === 'string' && typeof k.kid === 'string')
  let kid: string | undefined
  for (const line of parsed.signatures.filter((s) => s.name === origin)) {
    const key = keys.find((k) => line.keyId.equals(noteKeyId(origin, ED25519, rawEd25519(k))))
    if (key === undefined) continue
    if (!verifyNoteSignature(parsed.text, line, key)) throw new CheckpointError('bad-signature', `the signature of key ${String(key.kid)} does not verify`)
    kid ??= key.kid as string
  }
  if (kid === undefined) throw new CheckpointError('unknown-key', `no signature by a key of ${origin} we know`)
  return { seq: body.size, hash: body.hash, text: parsed.text, kid, cosignatures: parsed.signatures.filter((s) => s.name !== origin) }
}

export class CheckpointError extends Error {
  readonly reason: 'malformed' | 'wrong-origin' | 'unknown-key' | 'bad-signature'
  constructor (reason: CheckpointError['reason'], message: string) {
    super(message)
    this.name = 'CheckpointError'
    this.reason = reason
  }
}
