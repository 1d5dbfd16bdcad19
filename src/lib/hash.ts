import { createHash } from 'node:crypto'

/** SHA-256 of the UTF-8 bytes of `text`, base64url without padding (RFC 4648 §5). */
export function sha256Base64url (text: string | Uint8Array): string {
  return createHash('sha256').update(text).digest('base64url')
}
