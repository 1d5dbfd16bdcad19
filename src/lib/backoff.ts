/**
 * Full-jitter exponential backoff (AWS Architecture Blog, "Exponential Backoff And Jitter"):
 * a delay drawn uniformly from [base/2, min(cap, base * 2^attempt)], never below what the
 * peer asked for with Retry-After.
 */
export function backoffDelayMs (attempt: number, options: { baseMs: number, capMs: number, retryAfterSeconds?: number | undefined }, random: () => number = Math.random): number {
  const ceiling = Math.min(options.capMs, options.baseMs * 2 ** Math.min(attempt, 30))
  const floor = Math.min(options.baseMs / 2, ceiling)
  const delay = floor + random() * (ceiling - floor)
  return Math.max(delay, (options.retryAfterSeconds ?? 0) * 1000)
}
