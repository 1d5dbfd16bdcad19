/**
 * What bench/soak records per request class and phase: answers by status, and the latency of
 * the requests the server served (every answer below 500 but a refusal to do the work now: 429
 * and 408). A refusal is fast by design; counting its latency would flatter a class
 * whose requests were mostly turned away.
 */

/** A status as counted: `503+retry-after` is the busy answer, a bare `503` is a failure; `timeout` and `no answer` are client-side. */
export type StatusKey = string

export const TIMEOUT = 'timeout'
export const NO_ANSWER = 'no answer'

export function statusKey (status: number, retryAfter: string | null): StatusKey {
  return status === 503 && retryAfter !== null ? '503+retry-after' : String(status)
}

/** Answers that say "not now" rather than doing the work: counted, not errors, not in latencies. */
export function isRefusal (key: StatusKey): boolean {
  return key === '429' || key === '503+retry-after' || key === '408'
}

/** An answer of the work done: a status below 500 that is not a refusal. */
export function isServed (key: StatusKey): boolean {
  return /^[1-4]\d\d$/.test(key) && !isRefusal(key)
}

/** A server failure: any 5xx except the busy answer (503 with Retry-After). */
export function isServerFailure (key: StatusKey): boolean {
  return /^5\d\d$/.test(key)
}

export class PhaseStats {
  readonly counts = new Map<StatusKey, number>()
  readonly servedMs: number[] = []
  /** The first answer's body of each status that is neither a success nor a refusal (what a 400 or a 5xx said). */
  readonly examples = new Map<StatusKey, string>()

  record (key: StatusKey, ms: number, body?: string): void {
    this.counts.set(key, (this.counts.get(key) ?? 0) + 1)
    if (isServed(key)) this.servedMs.push(ms)
    if (body !== undefined && !/^[23]/.test(key) && !isRefusal(key) && !this.examples.has(key)) this.examples.set(key, body.slice(0, 400))
  }

  get total (): number {
    let n = 0
    for (const count of this.counts.values()) n += count
    return n
  }

  /** Nearest-rank percentile of the served latencies, in ms; undefined with no sample. */
  percentile (p: number): number | undefined {
    if (this.servedMs.length === 0) return undefined
    const sorted = [...this.servedMs].sort((a, b) => a - b)
    return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(p / 100 * sorted.length) - 1))]
  }

  /** `200 x1234, 429 x5`, statuses in order. */
  describeCounts (): string {
    return [...this.counts.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([key, n]) => `${key} x${n}`).join(', ')
  }
}

/** Median and maximum of a list of numbers (0 when empty). */
export function medianAndMax (values: readonly number[]): { median: number, max: number } {
  if (values.length === 0) return { median: 0, max: 0 }
  const sorted = [...values].sort((a, b) => a - b)
  return { median: sorted[Math.floor((sorted.length - 1) / 2)] as number, max: sorted[sorted.length - 1] as number }
}
