/**
 * The hostile clients of bench/soak, on raw sockets (a byte at a time needs them):
 *
 * - dribblers: an officer's `POST /v1/decisions/import`, chunked, whose body arrives one byte
 *   every one to two seconds; when answered or cut off, they wait a second or two and start
 *   again, ignoring any Retry-After (hostile clients do);
 * - idle holders: a connection that sends nothing and waits for the server to end it, then
 *   another.
 *
 * Each attempt's outcome is the status the server answered with (`408 problem` when the 408
 * is `application/problem+json`), or `closed` (the server closed without answering), `reset`,
 * and how long the connection was held. Attempts still open at the deadline are `held to the
 * end`. 127.0.0.1 only.
 */
import { connect, type Socket } from 'node:net'
import { sleepUnlessAborted } from '../../src/lib/sleep.js'

export interface HostileOutcomes {
  attempts: number
  /** Per outcome, how long each attempt held its connection: from connecting to the answer, the close, or the deadline (ms). */
  outcomes: Map<string, number[]>
}

export interface HostileReport {
  dribblers: HostileOutcomes
  idle: HostileOutcomes
}

const HELD_TO_THE_END = 'held to the end'

const newOutcomes = (): HostileOutcomes => ({ attempts: 0, outcomes: new Map() })

function count (into: HostileOutcomes, outcome: string, heldMs: number) {
  into.attempts += 1
  const held = into.outcomes.get(outcome)
  if (held === undefined) into.outcomes.set(outcome, [heldMs])
  else held.push(heldMs)
}

const between = (min: number, max: number) => min + Math.random() * (max - min)

/**
 * One connection: `send` is called once connected (it may keep writing until the socket ends);
 * resolves with the answer's status (from its status line), or how the connection ended.
 */
function holdConnection (port: number, signal: AbortSignal, send: (socket: Socket) => () => void): Promise<{ outcome: string, heldMs: number }> {
  return new Promise((resolve) => {
    const started = performance.now()
    const socket = connect({ host: '127.0.0.1', port })
    let received = ''
    let stopSending = () => {}
    let settled = false
    const settle = (outcome: string) => {
      if (settled) return
      settled = true
      stopSending()
      signal.removeEventListener('abort', onAbort)
      socket.destroy()
      resolve({ outcome, heldMs: performance.now() - started })
    }
    const onAbort = () => settle(HELD_TO_THE_END)
    signal.addEventListener('abort', onAbort, { once: true })
    socket.setEncoding('latin1')
    socket.once('connect', () => { stopSending = send(socket) })
    socket.on('data', (chunk: string) => {
      received += chunk
      const end = received.indexOf('\r\n\r\n')
      if (end < 0) return
      const head = received.slice(0, end)
      const status = /^HTTP\/1\.[01] (\d{3})/.exec(head)?.[1] ?? 'garbled'
      const problem = /\r\ncontent-type: application\/problem\+json/i.test(head)
      settle(status === '408' && problem ? '408 problem' : status)
    })
    socket.once('error', (err: NodeJS.ErrnoException) => settle(err.code === 'ECONNRESET' || err.code === 'EPIPE' ? 'reset' : `error ${err.code ?? err.message}`))
    socket.once('close', () => settle('closed'))
    if (signal.aborted) onAbort()
  })
}

/** Sends the request head of a chunked CSV import, then one byte of body every 1–2 s. */
function dribble (authorization: string) {
  return (socket: Socket) => {
    const body = 'reference,outcome,decision_date,destination,party_name,party_country,item_codes,item_description\n'
    socket.write('POST /v1/decisions/import HTTP/1.1\r\nhost: 127.0.0.1\r\n' +
      `authorization: ${authorization}\r\ncontent-type: text/csv\r\ntransfer-encoding: chunked\r\n\r\n`)
    let sent = 0
    let timer: NodeJS.Timeout
    const next = () => {
      timer = setTimeout(() => {
        if (socket.destroyed) return
        socket.write(`1\r\n${body[sent % body.length] as string}\r\n`)
        sent += 1
        next()
      }, between(1000, 2000))
    }
    next()
    return () => clearTimeout(timer)
  }
}

/**
 * Runs `dribblers` + `idle` hostile clients until `signal` aborts; resolves with what happened
 * to their attempts once every connection is closed. `authorization(i)` is dribbler i's header.
 */
export async function runHostileClients (port: number, options: { dribblers: number, idle: number, authorization: (i: number) => string }, signal: AbortSignal): Promise<HostileReport> {
  const report: HostileReport = { dribblers: newOutcomes(), idle: newOutcomes() }
  const loop = async (into: HostileOutcomes, send: (socket: Socket) => () => void) => {
    // spread the first connections over a few seconds, as clients arrive
    await sleepUnlessAborted(between(0, 3000), signal)
    while (!signal.aborted) {
      const { outcome, heldMs } = await holdConnection(port, signal, send)
      count(into, outcome, heldMs)
      await sleepUnlessAborted(between(1000, 2000), signal)
    }
  }
  await Promise.all([
    ...Array.from({ length: options.dribblers }, (_, i) => loop(report.dribblers, dribble(options.authorization(i)))),
    ...Array.from({ length: options.idle }, () => loop(report.idle, () => () => {}))
  ])
  return report
}
