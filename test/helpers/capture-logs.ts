import { Writable } from 'node:stream'
import type { Logger } from 'pino'
import { createLogger } from '../../src/lib/logger.js'

/** A real pino logger whose lines are kept, parsed, for assertions (C21). */
export function captureLogs (level = 'info'): { logger: Logger, lines: Array<Record<string, unknown>>, text: () => string } {
  const raw: string[] = []
  const sink = new Writable({
    write (chunk, _encoding, done) {
      raw.push(...chunk.toString().split('\n').filter((l: string) => l !== ''))
      done()
    }
  })
  const logger = createLogger({ level }, sink)
  return {
    logger,
    get lines () { return raw.map((l) => JSON.parse(l) as Record<string, unknown>) },
    text: () => raw.join('\n')
  }
}
