import { request as httpRequest, type IncomingHttpHeaders } from 'node:http'
import { request as httpsRequest } from 'node:https'
import { SyncFailure } from './sync-failure.js'

export interface HttpLimits {
  connectTimeoutMs: number
  /** The whole response, from the request to the last byte. */
  responseTimeoutMs: number
  maxBytes: number
}

export interface HttpResponse {
  status: number
  headers: IncomingHttpHeaders
  body: string
}

/**
 * GET with the three limits a peer must never be able to exceed: the connection must open
 * within `connectTimeoutMs`, the whole response must arrive within `responseTimeoutMs`, and the
 * body may not exceed `maxBytes` (checked against Content-Length first, then while reading).
 * A body cut short (the peer died mid-page) is PEER_UNREACHABLE, never a shorter page.
 */
export function httpGet (url: string, headers: Record<string, string>, limits: HttpLimits): Promise<HttpResponse> {
  return new Promise((resolve, reject) => {
    const target = new URL(url)
    const request = (target.protocol === 'https:' ? httpsRequest : httpRequest)(target, { method: 'GET', headers: { accept: 'application/json', ...headers } })
    let settled = false
    const fail = (failure: SyncFailure) => {
      if (settled) return
      settled = true
      clearTimeout(connectTimer)
      clearTimeout(responseTimer)
      request.destroy()
      reject(failure)
    }
    const connectTimer = setTimeout(() => fail(new SyncFailure('PEER_CONNECT_TIMEOUT', `no connection to ${target.host} within ${limits.connectTimeoutMs} ms`)), limits.connectTimeoutMs)
    const responseTimer = setTimeout(() => fail(new SyncFailure('PEER_RESPONSE_TIMEOUT', `no complete response from ${target.host} within ${limits.responseTimeoutMs} ms`)), limits.responseTimeoutMs)
    request.on('socket', (socket) => {
      if (!socket.connecting) clearTimeout(connectTimer)
      else socket.once('connect', () => clearTimeout(connectTimer))
    })
    request.on('error', (err) => fail(new SyncFailure('PEER_UNREACHABLE', `${target.host}: ${err.message}`)))
    request.on('response', (response) => {
      const declared = Number(response.headers['content-length'] ?? Number.NaN)
      if (declared > limits.maxBytes) {
        fail(new SyncFailure('PEER_RESPONSE_TOO_LARGE', `response of ${declared} bytes exceeds the cap of ${limits.maxBytes}`))
        return
      }
      const chunks: Buffer[] = []
      let size = 0
      response.on('data', (chunk: Buffer) => {
        size += chunk.length
        if (size > limits.maxBytes) {
          fail(new SyncFailure('PEER_RESPONSE_TOO_LARGE', `response exceeds the cap of ${limits.maxBytes} bytes`))
          return
        }
        chunks.push(chunk)
      })
      response.on('aborted', () => fail(new SyncFailure('PEER_UNREACHABLE', `${target.host} closed the connection mid-response`)))
      response.on('error', (err) => fail(new SyncFailure('PEER_UNREACHABLE', `${target.host}: ${err.message}`)))
      response.on('end', () => {
        if (settled) return
        if (!response.complete) {
          fail(new SyncFailure('PEER_UNREACHABLE', `${target.host} closed the connection mid-response`))
          return
        }
        settled = true
        clearTimeout(connectTimer)
        clearTimeout(responseTimer)
        resolve({ status: response.statusCode ?? 0, headers: response.headers, body: Buffer.concat(chunks).toString('utf8') })
      })
    })
    request.end()
  })
}
