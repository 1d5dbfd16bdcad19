import { spawn } from 'node:child_process'
import { once } from 'node:events'
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import { connect, type AddressInfo, type Socket } from 'node:net'
import type { Test } from 'tap'

/** How a hostile server answers every request. */
export type Hostility =
  | 'endless' // 200, chunked, writes as fast as it is read and never ends
  | 'huge-length' // declares a Content-Length of 10 GB, sends a little, then nothing
  | 'dribble' // 200, chunked, one byte now and then, never ends
  | { status: number, body?: string }

/**
 * A real HTTP server on 127.0.0.1 that mistreats its callers, for the limits of the outbound
 * client. It counts the connections it accepts, keeps each request's body, and resolves
 * `cut()` when a response of its was closed by the caller before it ended.
 */
export async function startHostileServer (t: Test, hostility: Hostility) {
  const sockets = new Set<Socket>()
  const requests: Array<{ method: string, url: string, body: string }> = []
  let connections = 0
  let cuts = 0
  const waitingForCut: Array<() => void> = []
  const waitingForRequest: Array<() => void> = []
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = []
    req.on('data', (c: Buffer) => chunks.push(c))
    req.on('end', () => {
      requests.push({ method: req.method ?? '', url: req.url ?? '', body: Buffer.concat(chunks).toString() })
      for (const wake of waitingForRequest.splice(0)) wake()
      res.on('close', () => {
        if (res.writableFinished) return
        cuts += 1
        for (const wake of waitingForCut.splice(0)) wake()
      })
      answer(res, hostility)
    })
  })
  server.on('connection', (socket) => {
    connections += 1
    sockets.add(socket)
    socket.on('close', () => sockets.delete(socket))
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  t.teardown(() => new Promise<void>((resolve) => {
    for (const socket of sockets) socket.destroy()
    server.close(() => resolve())
  }))
  const port = (server.address() as AddressInfo).port
  return {
    port,
    url: `http://127.0.0.1:${port}`,
    get connections () { return connections },
    get requests () { return requests },
    /** Resolves once a response has been cut off by the caller (at once if one was already). */
    cut: () => new Promise<void>((resolve) => { if (cuts > 0) resolve(); else waitingForCut.push(resolve) }),
    /** Resolves once a request has arrived (at once if one has). */
    requested: () => new Promise<void>((resolve) => { if (requests.length > 0) resolve(); else waitingForRequest.push(resolve) })
  }
}

function answer (res: ServerResponse, hostility: Hostility) {
  if (typeof hostility === 'object') {
    res.writeHead(hostility.status, { 'content-type': 'application/json' }).end(hostility.body ?? '{}')
    return
  }
  if (hostility === 'huge-length') {
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': String(10 * 1024 ** 3) })
    res.write('{"keys":[')
    return
  }
  res.writeHead(200, { 'content-type': 'application/json' })
  if (hostility === 'dribble') {
    const timer = setInterval(() => res.write(' '), 20)
    res.on('close', () => clearInterval(timer))
    res.write('{')
    return
  }
  const chunk = Buffer.alloc(16 * 1024, 0x20)
  const pump = () => {
    while (!res.destroyed && res.write(chunk));
    if (!res.destroyed) res.once('drain', pump)
  }
  res.write('{"padding":"')
  pump()
}

/** A port on 127.0.0.1 where nothing listens (it was free a moment ago). */
export async function closedPort (): Promise<number> {
  const server = createServer()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const port = (server.address() as AddressInfo).port
  await new Promise<void>((resolve) => server.close(() => resolve()))
  return port
}

/**
 * A port on 127.0.0.1 where a connection is never established: a listener in a child process
 * whose event loop is blocked (it never accepts), with its accept queue (backlog 1: two
 * places on Linux) already filled, so the kernel drops further SYNs. The child is killed at
 * teardown.
 */
export async function unconnectablePort (t: Test): Promise<number> {
  const script = `
    const server = require('node:net').createServer()
    server.listen({ port: 0, host: '127.0.0.1', backlog: 1 }, () => {
      process.stdout.write(server.address().port + '\\n', () => Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0))
    })`
  const child = spawn(process.execPath, ['-e', script], { stdio: ['ignore', 'pipe', 'inherit'] })
  t.teardown(() => { child.kill('SIGKILL') })
  const [line] = await once(child.stdout, 'data') as [Buffer]
  const port = Number(line.toString().trim())
  for (let i = 0; i < 2; i++) {
    const filler = connect(port, '127.0.0.1')
    t.teardown(() => { filler.destroy() })
    await once(filler, 'connect')
  }
  return port
}
