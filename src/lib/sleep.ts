/**
 * Waits `ms`, or less if `signal` aborts first; never rejects, so a loop can sleep and then
 * test `signal.aborted` itself. The abort listener is removed when the timer fires, so a
 * long-lived signal collects no listeners. The timer keeps the process alive, as a worker loop
 * must: abort the signal to stop.
 */
export function sleepUnlessAborted (ms: number, signal: AbortSignal): Promise<void> {
  if (signal.aborted) return Promise.resolve()
  return new Promise<void>((resolve) => {
    const wake = () => {
      clearTimeout(timer)
      signal.removeEventListener('abort', wake)
      resolve()
    }
    const timer = setTimeout(wake, ms)
    signal.addEventListener('abort', wake, { once: true })
  })
}
