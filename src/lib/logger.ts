import { pino, type DestinationStream, type Logger } from 'pino'

/**
 * Paths censored in every log line. We log ids and counts, never a JWS, a token, a key or a
 * party's personal data (C16); redaction is the net under that rule, not the rule itself.
 */
export const REDACT_PATHS = [
  'req.headers.authorization', 'req.headers.cookie', 'headers.authorization',
  '*.jws', '*.token', '*.privateJwk', '*.privateKey', '*.private_jwk_enc', '*.d', '*.authorization', '*.keyEncryptionKey'
]

interface LoggedRequest { method?: string, url?: string, host?: string, ip?: string, headers?: Record<string, unknown> }

/**
 * Requests are logged by path: query strings carry search terms (a party's name in
 * `GET /v1/decisions?party=`), so only their parameter names are kept.
 */
export function serializeRequest (req: LoggedRequest) {
  const [path, query] = (req.url ?? '').split('?', 2)
  return {
    method: req.method,
    url: path,
    ...(query === undefined ? {} : { queryParameters: [...new URLSearchParams(query).keys()] }),
    host: req.host ?? req.headers?.host,
    remoteAddress: req.ip
  }
}

export function createLogger (options: { level: string, name?: string }, destination?: DestinationStream): Logger {
  return pino({
    level: options.level,
    name: options.name,
    redact: { paths: REDACT_PATHS, censor: '[redacted]' },
    serializers: { req: serializeRequest, err: pino.stdSerializers.err },
    base: { pid: process.pid }
  }, destination)
}
