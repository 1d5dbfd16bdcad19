import { createReadStream } from 'node:fs'
import { stat } from 'node:fs/promises'
import { request as httpRequest } from 'node:http'
import { request as httpsRequest } from 'node:https'
import { basename, extname } from 'node:path'
import { loadConfigOrExit } from '../config.js'
import { systemClock } from '../lib/clock.js'
import { IMPORT_FORMAT_BY_EXTENSION } from '../records/index.js'
import { issueLocalUserToken } from '../signing/index.js'
import type { Command } from './main.js'
import { createProgress } from './progress.js'
import { cliActor, note, print, usageError } from './services.js'

const USAGE = 'import FILE [--url URL] [--token TOKEN] [--format csv|ndjson]'
const MEDIA_TYPES: Readonly<Record<string, string>> = { csv: 'text/csv; charset=utf-8', ndjson: 'application/x-ndjson' }

interface Reply {
  status: number
  body: string
}

/**
 * Streams `file` as the request body (never read whole), reporting bytes handed to the socket;
 * `uploaded` fires once the last byte is written, while the agency may still be committing.
 * A reply that comes before the upload ends (a refusal) stops the upload.
 */
function upload (url: URL, file: string, headers: Record<string, string | number>, onSent: (bytes: number) => void, uploaded: () => void): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const source = createReadStream(file)
    const request = (url.protocol === 'https:' ? httpsRequest : httpRequest)(url, { method: 'POST', headers })
    let answered = false
    let sent = 0
    source.on('data', (chunk) => { sent += chunk.length; onSent(sent) })
    source.on('error', reject)
    request.on('finish', uploaded)
    request.on('error', (err) => { if (!answered) reject(err) })
    request.on('response', (response) => {
      answered = true
      const chunks: Buffer[] = []
      response.on('data', (chunk: Buffer) => chunks.push(chunk))
      response.on('error', reject)
      response.on('end', () => {
        source.destroy()
        request.destroy()
        resolve({ status: response.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') })
      })
    })
    source.pipe(request)
  })
}

function readProblem (body: string): { code?: string, detail?: string, errors?: Array<{ pointer: string, detail: string }> } {
  try {
    return JSON.parse(body) as ReturnType<typeof readProblem>
  } catch {
    return { detail: body.slice(0, 500) }
  }
}

/**
 * `import FILE`: bulk import of decisions through the running agency's API
 * (`POST /v1/decisions/import`), since an embedded database opens in one process only. The
 * file is streamed with a progress bar on stderr (plain lines when stderr is not a terminal).
 * All or nothing: on 422 every bad row is printed, by line and field, and nothing was stored.
 * Exit codes: 0 imported, 1 refused or failed, 2 bad usage.
 */
export const importCommand: Command = {
  summary: 'Import decisions in bulk from a CSV or NDJSON file into the running agency (all or nothing)',
  usage: USAGE,
  options: { url: { type: 'string' }, token: { type: 'string' }, format: { type: 'string' } },
  allowPositionals: true,
  async run ({ values, positionals }) {
    if (positionals.length !== 1) return usageError('import', USAGE, 'give exactly one FILE')
    const file = positionals[0] as string
    const format = typeof values.format === 'string' ? values.format : IMPORT_FORMAT_BY_EXTENSION[extname(file).toLowerCase()]
    const mediaType = format === undefined ? undefined : MEDIA_TYPES[format]
    if (mediaType === undefined) return usageError('import', USAGE, `cannot tell the format of "${basename(file)}": name it .csv, .ndjson or .jsonl, or give --format csv|ndjson`)
    const config = loadConfigOrExit(process.env)
    let size: number
    try {
      size = (await stat(file)).size
    } catch (err) {
      note(`import: cannot read ${file}: ${(err as Error).message}`)
      return 1
    }
    let token = typeof values.token === 'string' ? values.token : undefined
    if (token === undefined) {
      if (config.idp.jwksUrl !== undefined) return usageError('import', USAGE, 'an external identity provider is configured (IDP_JWKS_URL): give an officer\'s token with --token')
      token = await issueLocalUserToken(config.dataDir, config.idp, { subject: cliActor(), roles: ['officer'], lifetimeSeconds: 3600 }, systemClock)
    }
    const base = typeof values.url === 'string' ? values.url : config.agency.publicUrl
    const url = new URL('v1/decisions/import', base.endsWith('/') ? base : `${base}/`)

    const kib = (bytes: number) => Math.ceil(bytes / 1024)
    const progress = createProgress({ label: `import ${basename(file)}`, total: kib(size), unit: 'KiB' })
    let reply: Reply
    try {
      reply = await upload(url, file, { 'content-type': mediaType, 'content-length': size, authorization: `Bearer ${token}` },
        (sent) => progress.update(kib(sent)),
        () => progress.finish('uploaded; the agency is validating and committing…'))
    } catch (err) {
      note(`import: no reply from ${url.origin}: ${(err as Error).message} (is the agency running there? see --url)`)
      return 1
    }
    if (reply.status === 201) {
      const result = JSON.parse(reply.body) as { imported: number, firstSeq: number | null, lastSeq: number | null }
      print(`imported ${result.imported} decisions as feed entries ${result.firstSeq ?? '-'} to ${result.lastSeq ?? '-'}`)
      return 0
    }
    const problem = readProblem(reply.body)
    note(`import refused (HTTP ${reply.status}${problem.code === undefined ? '' : ` ${problem.code}`}): ${problem.detail ?? 'no detail'}`)
    for (const error of problem.errors ?? []) note(`  ${error.pointer}: ${error.detail}`)
    return 1
  }
}
