/**
 * Progress for long CLI runs (imports, initial syncs): on a terminal, one line redrawn in place
 * with a bar, the count, the rate and the time left; elsewhere (CI, a log file) a plain line
 * every few seconds and one at the end, so logs are not flooded with carriage returns.
 */
export interface Progress {
  /** `done` units so far, of `total` when known (it may grow, as a peer's head does). */
  update (done: number, total?: number): void
  /** Draws the final state and ends the line. */
  finish (note?: string): void
}

export interface ProgressOptions {
  label: string
  total?: number
  unit?: string
  stream?: NodeJS.WriteStream
  /** Plain mode: seconds between lines (default 5). */
  intervalSeconds?: number
  now?: () => number
}

export function createProgress (options: ProgressOptions): Progress {
  const stream = options.stream ?? process.stderr
  const now = options.now ?? (() => performance.now())
  const unit = options.unit ?? 'entries'
  const interactive = stream.isTTY === true
  const started = now()
  let total = options.total
  let done = 0
  let lastDraw = -Infinity

  function describe (): string {
    const seconds = Math.max((now() - started) / 1000, 0.001)
    const rate = done / seconds
    const parts = [options.label, total === undefined ? `${done} ${unit}` : `${done}/${total} ${unit}`, `${formatRate(rate)}/s`]
    if (total !== undefined && total > 0) {
      parts.splice(1, 0, `${bar(done / total)} ${Math.floor((100 * done) / total)}%`)
      if (rate > 0 && done < total) parts.push(`ETA ${formatDuration((total - done) / rate)}`)
    }
    parts.push(`elapsed ${formatDuration(seconds)}`)
    return parts.join('  ')
  }

  function draw (force: boolean) {
    const t = now()
    if (interactive) {
      if (!force && t - lastDraw < 100) return
      stream.write(`\r\x1b[2K${describe()}`)
    } else {
      if (!force && t - lastDraw < (options.intervalSeconds ?? 5) * 1000) return
      stream.write(`${describe()}\n`)
    }
    lastDraw = t
  }

  return {
    update (value, newTotal) {
      done = value
      if (newTotal !== undefined) total = newTotal
      draw(false)
    },
    finish (note) {
      draw(true)
      if (interactive) stream.write('\n')
      if (note !== undefined) stream.write(`${note}\n`)
    }
  }
}

function bar (fraction: number, width = 24): string {
  const filled = Math.round(Math.min(Math.max(fraction, 0), 1) * width)
  return `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}]`
}

function formatRate (rate: number): string {
  return rate >= 10_000 ? `${(rate / 1000).toFixed(1)}k` : rate >= 100 ? rate.toFixed(0) : rate.toFixed(1)
}

export function formatDuration (seconds: number): string {
  if (seconds < 60) return `${seconds.toFixed(seconds < 10 ? 1 : 0)}s`
  const minutes = Math.floor(seconds / 60)
  if (minutes < 60) return `${minutes}m${String(Math.round(seconds % 60)).padStart(2, '0')}s`
  return `${Math.floor(minutes / 60)}h${String(minutes % 60).padStart(2, '0')}m`
}
