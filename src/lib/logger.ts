import { pino, type DestinationStream, type Logger } from 'pino'

/**
 * Paths censored in every log line. We log ids and counts, never a JWS, a token, a key or a
 * party's personal data (C16); redaction is the net under that rule, not the rule itself.
 */
export const REDACT_PATHS = [
  'req.headers.authorization', 'req.headers.cookie', 'headers.authorization',
  '*.jws', '*.token', '*.privateJwk', '*.privateKey', '*.private_jwk_enc', '*.d', '*.authorization', '*.keyEncryptionKey'
]

export function createLogger (options: { level: string, name?: string }, destination?: DestinationStream): Logger {
  return pino({
    level: options.level,
    name: options.name,
    redact: { paths: REDACT_PATHS, censor: '[redacted]' },
    base: { pid: process.pid }
  }, destination)
}
