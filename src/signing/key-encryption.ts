import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto'
import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { errors } from '../lib/errors.js'

/**
 * Private signing keys are stored in the database encrypted with AES-256-GCM under a
 * key-encryption key (KEK) that never enters the database: an environment variable, a file
 * (a Docker or Kubernetes secret), or, for local development only, a file generated in the
 * data folder with mode 0600. Every API instance and worker of one agency shares the KEK, so
 * they share the signing keys without the keys ever leaving the service unencrypted.
 */
export type KeyEncryptionKeySource = { value: string } | { file: string } | { generatedIn: string }

export interface KeyEncryptionKey {
  readonly bytes: Buffer
}

export async function loadKeyEncryptionKey (source: KeyEncryptionKeySource): Promise<KeyEncryptionKey> {
  if ('value' in source) return fromBase64url(source.value, 'KEY_ENCRYPTION_KEY')
  if ('file' in source) return fromBase64url((await readFile(source.file, 'utf8')).trim(), `KEY_ENCRYPTION_KEY_FILE ${source.file}`)
  const path = join(source.generatedIn, 'key-encryption-key')
  try {
    return fromBase64url((await readFile(path, 'utf8')).trim(), path)
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err
    await mkdir(source.generatedIn, { recursive: true })
    const value = randomBytes(32).toString('base64url')
    await writeFile(path, value + '\n', { mode: 0o600, flag: 'wx' }).catch(async (e: NodeJS.ErrnoException) => {
      if (e.code !== 'EEXIST') throw e
    })
    await chmod(path, 0o600)
    return fromBase64url((await readFile(path, 'utf8')).trim(), path)
  }
}

/**
 * A key of its own for the web session cookie, derived from the key-encryption key (HKDF-SHA256,
 * its own label): no secret more to provision, the same on every instance of the agency, and
 * replaced (everyone signed out) when the key-encryption key is.
 */
export function deriveSessionKey (kek: KeyEncryptionKey): Buffer {
  return Buffer.from(hkdfSync('sha256', kek.bytes, Buffer.alloc(0), 'reciprocity web session cookie v1', 32))
}

function fromBase64url (value: string, where: string): KeyEncryptionKey {
  const bytes = Buffer.from(value, 'base64url')
  if (bytes.length !== 32) throw new Error(`${where}: expected 32 bytes in base64url, got ${bytes.length}`)
  return { bytes }
}

/** Encrypts `plaintext` as `iv.ciphertext.tag` (base64url), binding it to `context` (the kid). */
export function encryptSecret (kek: KeyEncryptionKey, plaintext: string, context: string): string {
  const iv = randomBytes(12)
  const cipher = createCipheriv('aes-256-gcm', kek.bytes, iv)
  cipher.setAAD(Buffer.from(context))
  const ciphertext = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()])
  return [iv, ciphertext, cipher.getAuthTag()].map((b) => b.toString('base64url')).join('.')
}

export function decryptSecret (kek: KeyEncryptionKey, sealed: string, context: string): string {
  const [iv, ciphertext, tag] = sealed.split('.').map((part) => Buffer.from(part, 'base64url'))
  if (iv === undefined || ciphertext === undefined || tag === undefined) throw errors.keyDecryptionFailed(context)
  try {
    const decipher = createDecipheriv('aes-256-gcm', kek.bytes, iv)
    decipher.setAAD(Buffer.from(context))
    decipher.setAuthTag(tag)
    return Buffer.concat([decipher.update(ciphertext), decipher.final()]).toString('utf8')
  } catch {
    throw errors.keyDecryptionFailed(context)
  }
}
