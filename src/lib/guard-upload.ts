import { Transform, type Readable, type TransformCallback } from 'node:stream'
import { errors } from './errors.js'

export interface UploadLimits {
  /** Most bytes the body may hold: PAYLOAD_TOO_LARGE beyond. */
  maxBytes: number
  /** Longest wait for the next byte: UPLOAD_TOO_SLOW beyond. */
  idleTimeoutMs: number
  /** Fewest bytes per second over each `rateWindowMs` once the upload has run that long; 0: no minimum. */
  minBytesPerSecond: number
  rateWindowMs: number
}

/**
 * A request body as it arrives, failed once it breaks a limit: too many bytes, a pause longer
 * than `idleTimeoutMs`, or, measured over each `rateWindowMs`, fewer than `minBytesPerSecond`
 * (a client dribbling a byte every few seconds holds a slot however patient the idle timer
 * is). Only the client's slowness counts: while what arrived waits for our reader (the reader
 * is the slower side, and backpressure holds the client back), the clocks are not held
 * against it. The error reaches whoever reads the stream; the timers stop with it.
 */
export function guardUpload (body: Readable, limits: UploadLimits): Readable {
  let seen = 0
  let seenAtWindowStart = 0
  // set when our reader fell behind during the current window: then the client is not to blame
  let readerBehind = false
  let window: NodeJS.Timeout | undefined
  const stop = () => {
    clearTimeout(idle)
    clearInterval(window)
  }
  const guard: Transform = new Transform({
    transform (chunk: Buffer, _encoding: BufferEncoding, done: TransformCallback) {
      seen += chunk.length
      if (seen > limits.maxBytes) {
        done(errors.payloadTooLarge(limits.maxBytes))
        return
      }
      idle.refresh()
      done(null, chunk)
      if (guard.readableLength >= guard.readableHighWaterMark) readerBehind = true
    },
    flush (done: TransformCallback) {
      stop()
      done()
    },
    destroy (err: Error | null, done: (error: Error | null) => void) {
      stop()
      done(err)
    }
  })
  const waitingForReader = () => guard.readableLength > 0 || guard.writableNeedDrain
  const idle: NodeJS.Timeout = setTimeout(() => {
    if (waitingForReader()) idle.refresh()
    else guard.destroy(errors.uploadTooSlow(`nothing arrived for ${limits.idleTimeoutMs} ms`))
  }, limits.idleTimeoutMs)
  if (limits.minBytesPerSecond > 0) {
    const floor = limits.minBytesPerSecond * limits.rateWindowMs / 1000
    window = setInterval(() => {
      const arrived = seen - seenAtWindowStart
      seenAtWindowStart = seen
      const excused = readerBehind || waitingForReader()
      readerBehind = false
      if (arrived < floor && !excused) guard.destroy(errors.uploadTooSlow(`${arrived} bytes arrived in the last ${limits.rateWindowMs} ms, fewer than the ${limits.minBytesPerSecond} bytes per second required`))
    }, limits.rateWindowMs)
  }
  body.once('error', (err) => guard.destroy(err))
  body.once('aborted', () => guard.destroy(errors.uploadTooSlow('the client closed the connection')))
  // the request is over (answered early, or its connection gone): no timer may outlive it
  body.once('close', stop)
  // a reader gets the error from its read; with none (the request was refused before its body
  // was read), it must not become an uncaught 'error' event
  guard.on('error', () => {})
  return body.pipe(guard)
}
