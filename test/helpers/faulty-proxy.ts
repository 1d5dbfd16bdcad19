import { createServer, request, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo, Socket } from 'node:net'
import type { Test } from 'tap'

/** What the proxy does to a feed-page response (the checkpoint and JWKS always pass through). */
export type Fault =
  | 'pass'
  | 'die-mid-page' // headers and half the body, then the connection drops (the peer process died)
  | 'truncate' // Content-Length of the whole body, half of it sent, connection closed
  | 'malformed-json'
  | 'hang' // accepts the request and never answers
  | 'oversize'
  | { rewrite: (page: { entries: Array<Record<string, unknown>> } & Record<string, unknown>, served: string[]) => unknown }
  | { delayMs: number, before?: () => Promise<void> }

/**
 * A real HTTP server between an agency and its peer, for fault tests: it forwards every
 * request to `upstream` and mistreats feed pages as `proxy.fault` says.
 */
export async function startFaultyProxy (t: Test, upstream: string) {
  const sockets = new Set<Socket>()
  const state = { fault: 'pass' as Fault, pageRequests: 0, served: [] as string[] }
  const forward = (req: IncomingMessage) => new Promise<{ status: number, headers: Record<string, string>, body: string }>((resolve, reject) => {
    const out = request(`${upstream}${req.url ?? '/'}`, { method: req.method, headers: { authorization: req.headers.authorization ?? '', accept: 'application/json' } }, (res) => {
      const chunks: Buffer[] = []
      res.on('data', (c: Buffer) => chunks.push(c))
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: { 'content-type': String(res.headers['content-type'] ?? 'application/json') }, body: Buffer.concat(chunks).toString() }))
    })
    out.on('error', reject)
    out.end()
  })
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    void (async () => {
      const isPage = (req.url ?? '').startsWith('/v1/feed?')
      const fault = isPage ? state.fault : 'pass'
      if (isPage) state.pageRequests += 1
      if (fault === 'hang') return
      const upstreamResponse = await forward(req)
      let body = upstreamResponse.body
      if (typeof fault === 'object' && 'delayMs' in fault) {
        await fault.before?.()
        await new Promise((resolve) => setTimeout(resolve, fault.delayMs))
      }
      if (typeof fault === 'object' && 'rewrite' in fault && upstreamResponse.status === 200) {
        body = JSON.stringify(fault.rewrite(JSON.parse(body), state.served))
      }
      if (fault === 'malformed-json') body = body.slice(0, Math.floor(body.length / 2))
      if (fault === 'oversize') body = body.replace(/}$/, `,"padding":"${'x'.repeat(200_000)}"}`)
      if (isPage && fault === 'pass') state.served.push(body)
      const bytes = Buffer.from(body)
      if (fault === 'die-mid-page') {
        res.writeHead(upstreamResponse.status, upstreamResponse.headers)
        res.write(bytes.subarray(0, Math.floor(bytes.length / 2)), () => res.socket?.destroy())
        return
      }
      if (fault === 'truncate') {
        res.writeHead(upstreamResponse.status, { ...upstreamResponse.headers, 'content-length': String(bytes.length) })
        res.write(bytes.subarray(0, Math.floor(bytes.length / 2)), () => res.socket?.destroy())
        return
      }
      res.writeHead(upstreamResponse.status, { ...upstreamResponse.headers, 'content-length': String(bytes.length) }).end(bytes)
    })().catch((err: unknown) => { res.destroy(err as Error) })
  })
  server.on('connection', (socket) => { sockets.add(socket); socket.on('close', () => sockets.delete(socket)) })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  t.teardown(() => new Promise<void>((resolve) => {
    for (const socket of sockets) socket.destroy()
    server.close(() => resolve())
  }))
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    get fault (): Fault { return state.fault },
    set fault (fault: Fault) { state.fault = fault },
    get pageRequests () { return state.pageRequests }
  }
}
