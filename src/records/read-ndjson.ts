import type { Readable } from 'node:stream'
import { StringDecoder } from 'node:string_decoder'
import type { ImportCandidate } from './types.js'

function candidateOf (text: string, line: number): ImportCandidate | undefined {
  const trimmed = text.endsWith('\r') ? text.slice(0, -1) : text
  if (trimmed.trim() === '') return undefined
  try {
    return { line, value: JSON.parse(trimmed) }
  } catch (err) {
    return { line, problems: [{ pointer: `line ${line}`, detail: `not valid JSON: ${(err as Error).message}` }] }
  }
}

/**
 * Reads decisions from an NDJSON stream: one JSON object per line (blank lines skipped), each
 * the body `POST /v1/decisions` takes. Lines are split as chunks arrive; a line longer than
 * `maxLineBytes` is reported and skipped without being held.
 */
export async function * readNdjsonDecisions (source: Readable, options: { maxLineBytes: number }): AsyncGenerator<ImportCandidate> {
  const decoder = new StringDecoder('utf8')
  let pending = ''
  let line = 1
  let overlong = false
  let first = true
  for await (const chunk of source as AsyncIterable<Buffer | string>) {
    let text = typeof chunk === 'string' ? chunk : decoder.write(chunk)
    if (first && text.length > 0) {
      if (text.charCodeAt(0) === 0xfeff) text = text.slice(1)
      first = false
    }
    let start = 0
    for (let end = text.indexOf('\n'); end !== -1; end = text.indexOf('\n', start)) {
      if (!overlong) {
        const candidate = candidateOf(pending + text.slice(start, end), line)
        if (candidate !== undefined) yield candidate
      }
      pending = ''
      overlong = false
      start = end + 1
      line++
    }
    if (!overlong) {
      pending += text.slice(start)
      if (pending.length * 3 > options.maxLineBytes && Buffer.byteLength(pending) > options.maxLineBytes) {
        yield { line, problems: [{ pointer: `line ${line}`, detail: `longer than ${options.maxLineBytes} bytes, the limit for one decision` }] }
        pending = ''
        overlong = true
      }
    }
  }
  if (!overlong) {
    const candidate = candidateOf(pending + decoder.end(), line)
    if (candidate !== undefined) yield candidate
  }
}
