import { randomBytes } from 'node:crypto'
// the cipher @fastify/secure-session seals its cookie with (it depends on sodium-native; the bench seals one as it does)
import sodium from 'sodium-native'

/**
 * The web application's session cookie for `user`, sealed with the app's session key as
 * @fastify/secure-session seals it (secretbox; ciphertext and nonce in base64): a bench reaches
 * the pages signed in without an identity provider. Tests sign in through the real flow.
 */
export function pageSessionCookie (sessionKey: Buffer, user: Record<string, unknown>): string {
  const nonce = randomBytes(sodium.crypto_secretbox_NONCEBYTES)
  const message = Buffer.from(JSON.stringify({ user }))
  const cipher = Buffer.alloc(message.length + sodium.crypto_secretbox_MACBYTES)
  sodium.crypto_secretbox_easy(cipher, message, nonce, sessionKey)
  return `reciprocity-session=${encodeURIComponent(`${cipher.toString('base64')};${nonce.toString('base64')}`)}`
}
