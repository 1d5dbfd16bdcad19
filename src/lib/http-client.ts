import { lookup as dnsLookup } from 'node:dns'
import { Agent as HttpAgent, request as httpRequest, type IncomingHttpHeaders } from 'node:http'
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https'
import { isIP, type LookupFunction } from 'node:net'
import { checkOutboundUrl, isPrivateAddress, type PrivateAddresses } from './outbound-address.js'

export interface HttpLimits {
  connectTimeoutMs: number
  /** The whole response, from the request to the last byte. */
  responseTimeoutMs: number
  maxBytes: number
}

export interface HttpRequest {
  method: 'GET' | 'POST'
  headers?: Record<string, string>
  body?: string
  limits: HttpLimits
  privateAddresses: PrivateAddresses
  /** Aborting it ends the request at once (ABORTED). */
  signal?: AbortSignal
}

export interface HttpResponse {
  status: number
  headers: IncomingHttpHeaders
  body: string
}

/**
 * Why a request got no complete response. `kind` is stable: callers map it to their own codes
 * (SyncFailure, AppError). `message` names the host and the system error, for logs and for the
 * administrator's sync status; a caller that must not reveal what answered shows `kind` only.
 */
export type HttpFailureKind =
  | 'URL_REFUSED' // not http(s), no host, or credentials in the URL: nothing was sent
  | 'ADDRESS_REFUSED' // a private address under `refuse`: refused before connecting
  | 'CONNECT_TIMEOUT'
  | 'RESPONSE_TIMEOUT'
  | 'UNREACHABLE' // refused, reset, DNS failure, or closed mid-response
  | 'TOO_LARGE'
  | 'ABORTED'

export class HttpFailure extends Error {
  readonly kind: HttpFailureKind
  constructor (kind: HttpFailureKind, message: string) {
    super(message)
    this.name = 'HttpFailure'
    this.kind = kind
  }
}

/**
 * The one way the service calls another server (peers, their JWKS, any administrator-given
 * URL). The connection must open within `connectTimeoutMs`, the whole response must arrive
 * within `responseTimeoutMs`, and the body may not exceed `maxBytes` (checked against
 * Content-Length first, then while it streams in, so an endless body is cut at the cap).
 * Redirects are not followed. Under `refuse`, the address is checked where the connection is
 * made: an IP literal before connecting, a host name on each address DNS returns for this very
 * connection, so a name that resolves once to a public and then to a private address cannot
 * slip through. Rejects with an `HttpFailure`; any status code is a response.
 */
export function sendHttpRequest (url: string, request: HttpRequest): Promise<HttpResponse> {
  const refusedUrl = checkOutboundUrl(url)
  if (refusedUrl !== undefined) return Promise.reject(new HttpFailure('URL_REFUSED', `the URL ${refusedUrl}`))
  const target = new URL(url)
  const host = target.hostname.replace(/^\[(.*)\]$/, '$1')
  const refuse = request.privateAddresses === 'refuse'
  if (refuse && isIP(host) !== 0 && isPrivateAddress(host)) return Promise.reject(refusedAddress(host, host))
  if (request.signal?.aborted === true) return Promise.reject(new HttpFailure('ABORTED', `request to ${target.host} aborted`))
  const { limits, signal } = request

  return new Promise((resolve, reject) => {
    const headers: Record<string, string> = { accept: 'application/json', ...request.headers }
    if (request.body !== undefined) headers['content-length'] = String(Buffer.byteLength(request.body))
    const outgoing = (target.protocol === 'https:' ? httpsRequest : httpRequest)(target, {
      method: request.method,
      headers,
      agent: refuse ? refusingAgent(target.protocol) : undefined,
      lookup: refuse ? refusingLookup : undefined
    })
    let settled = false
    const settle = () => {
      settled = true
      clearTimeout(connectTimer)
      clearTimeout(responseTimer)
      signal?.removeEventListener('abort', onAbort)
    }
    const fail = (failure: HttpFailure) => {
      if (settled) return
      settle()
      outgoing.destroy()
      reject(failure)
    }
    const onAbort = () => fail(new HttpFailure('ABORTED', `request to ${target.host} aborted`))
    signal?.addEventListener('abort', onAbort, { once: true })
    const connectTimer = setTimeout(() => fail(new HttpFailure('CONNECT_TIMEOUT', `no connection to ${target.host} within ${limits.connectTimeoutMs} ms`)), limits.connectTimeoutMs)
    const responseTimer = setTimeout(() => fail(new HttpFailure('RESPONSE_TIMEOUT', `no complete response from ${target.host} within ${limits.responseTimeoutMs} ms`)), limits.responseTimeoutMs)
    outgoing.on('socket', (socket) => {
      if (!socket.connecting) clearTimeout(connectTimer)
      else socket.once('connect', () => clearTimeout(connectTimer))
    })
    outgoing.on('error', (err) => fail(err instanceof HttpFailure ? err : new HttpFailure('UNREACHABLE', `${target.host}: ${err.message}`)))
    outgoing.on('response', (response) => {
      const declared = Number(response.headers['content-length'] ?? Number.NaN)
      if (declared > limits.maxBytes) {
        fail(new HttpFailure('TOO_LARGE', `response of ${declared} bytes from ${target.host} exceeds the cap of ${limits.maxBytes}`))
        return
      }
      const chunks: Buffer[] = []
      let size = 0
      response.on('data', (chunk: Buffer) => {
        size += chunk.length
        if (size > limits.maxBytes) {
          fail(new HttpFailure('TOO_LARGE', `response from ${target.host} exceeds the cap of ${limits.maxBytes} bytes`))
          return
        }
        chunks.push(chunk)
      })
      const cut = () => fail(new HttpFailure('UNREACHABLE', `${target.host} closed the connection mid-response`))
      response.on('aborted', cut)
      response.on('error', cut)
      response.on('end', () => {
        if (settled) return
        if (!response.complete) {
          cut()
          return
        }
        settle()
        resolve({ status: response.statusCode ?? 0, headers: response.headers, body: Buffer.concat(chunks).toString('utf8') })
      })
    })
    outgoing.end(request.body)
  })
}

const refusedAddress = (host: string, address: string) =>
  new HttpFailure('ADDRESS_REFUSED', `${host === address ? address : `${host} resolves to ${address}, which`} is a loopback, link-local or private address, refused by the outbound policy`)

/** DNS resolution for `refuse`: every address of the name must be public, or the connection is not made. */
const refusingLookup: LookupFunction = (hostname, options, callback) => {
  dnsLookup(hostname, { ...options, all: true }, (err, addresses) => {
    if (err !== null) {
      callback(err, '')
      return
    }
    const refused = addresses.find((a) => isPrivateAddress(a.address))
    if (refused !== undefined) {
      callback(refusedAddress(hostname, refused.address), '')
      return
    }
    if (options.all === true) {
      callback(null, addresses)
      return
    }
    const first = addresses[0]
    if (first === undefined) callback(Object.assign(new Error(`${hostname} has no address`), { code: 'ENOTFOUND' }), '')
    else callback(null, first.address, first.family)
  })
}

/**
 * Kept-alive connections are pooled per agent: connections made under `refuse` live in their own
 * agents (options as Node's global agent), so a pooled connection made under `allow` (tests, the
 * demo) is never reused by a request that must refuse its address.
 */
const refusingAgents = new Map<string, HttpAgent>()
function refusingAgent (protocol: string): HttpAgent {
  let agent = refusingAgents.get(protocol)
  if (agent === undefined) {
    const options = { keepAlive: true, scheduling: 'lifo', timeout: 5000 } as const
    agent = protocol === 'https:' ? new HttpsAgent(options) : new HttpAgent(options)
    refusingAgents.set(protocol, agent)
  }
  return agent
}
