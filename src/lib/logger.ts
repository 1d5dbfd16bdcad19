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

/**
 * Fields of a PostgreSQL error that quote stored or submitted content: `where` (the start of a
 * statement's values, party names included), `detail` (the key of a violated constraint),
 * `hint`, `internalQuery`, and the query's parameters. They never reach the log.
 */
const DATABASE_CONTENT_FIELDS = ['where', 'detail', 'hint', 'internalQuery', 'internalPosition', 'position', 'parameters', 'query'] as const

/**
 * pino's error serializer, minus what would carry record content: the fields above, on the
 * error and on its causes, and the quoted values of a database error's message (`invalid
 * input syntax for type uuid: "…"`). The SQLSTATE, table, column and constraint stay: an
 * operator needs them, and they name no party.
 */
export function serializeError (err: unknown): unknown {
  const out = pino.stdSerializers.err(err as Error) as unknown as Record<string, unknown>
  scrub(out, 0)
  return out
}

function scrub (value: Record<string, unknown>, depth: number): void {
  if (depth > 5) return
  const isDatabaseError = typeof value.severity === 'string' || typeof value.routine === 'string'
  for (const field of DATABASE_CONTENT_FIELDS) {
    if (field in value && (isDatabaseError || field !== 'detail')) delete value[field]
  }
  if (isDatabaseError && typeof value.message === 'string') value.message = value.message.replace(/"[^"]*"/g, '"…"')
  if (isDatabaseError && typeof value.stack === 'string') value.stack = value.stack.replace(/"[^"]*"/g, '"…"')
  for (const nested of ['cause', 'err', 'error'] as const) {
    const child = value[nested]
    if (typeof child === 'object' && child !== null) scrub(child as Record<string, unknown>, depth + 1)
  }
  if (Array.isArray(value.errors)) for (const child of value.errors) if (typeof child === 'object' && child !== null) scrub(child as Record<string, unknown>, depth + 1)
}

export function createLogger (options: { level: string, name?: string }, destination?: DestinationStream): Logger {
  return pino({
    level: options.level,
    name: options.name,
    redact: { paths: REDACT_PATHS, censor: '[redacted]' },
    serializers: { req: serializeRequest, err: serializeError },
    base: { pid: process.pid }
  }, destination)
}
