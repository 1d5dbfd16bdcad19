/**
 * Reads a compact JWS's protected header `kid` and its payload WITHOUT verifying anything: to
 * choose the keys to verify with, or to read an entry that was verified earlier. Returns
 * undefined for anything that is not base64url JSON.
 */
export function peekJws (jws: string): { kid: string | undefined, payload: unknown } | undefined {
  const [header, payload] = jws.split('.')
  try {
    const parsedHeader = JSON.parse(Buffer.from(header ?? '', 'base64url').toString('utf8')) as { kid?: unknown }
    return {
      kid: typeof parsedHeader.kid === 'string' ? parsedHeader.kid : undefined,
      payload: JSON.parse(Buffer.from(payload ?? '', 'base64url').toString('utf8'))
    }
  } catch {
    return undefined
  }
}

/** Only the protected header's `kid`, without decoding the payload (a feed page peeks 1,000 of them). */
export function peekKid (jws: string): string | undefined {
  const end = jws.indexOf('.')
  try {
    const header = JSON.parse(Buffer.from(end < 0 ? jws : jws.slice(0, end), 'base64url').toString('utf8')) as { kid?: unknown }
    return typeof header.kid === 'string' ? header.kid : undefined
  } catch {
    return undefined
  }
}
