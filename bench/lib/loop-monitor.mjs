// Loaded into bench/soak's target with `--import` (plain JavaScript, before the app): once a
// second, the longest and the mean event-loop delay of that second, appended to SOAK_LOOP_FILE
// as "epochMs maxMs meanMs" (NaN when the loop never came round to sample in that second). Tells time spent waiting for the target's own event loop from
// time spent in the database or on the way. Nothing when SOAK_LOOP_FILE is unset.
import { appendFileSync } from 'node:fs'
import { monitorEventLoopDelay } from 'node:perf_hooks'

const file = process.env.SOAK_LOOP_FILE
if (file !== undefined && file !== '') {
  const delay = monitorEventLoopDelay({ resolution: 10 })
  delay.enable()
  setInterval(() => {
    appendFileSync(file, `${Date.now()} ${(delay.max / 1e6).toFixed(1)} ${(delay.mean / 1e6).toFixed(1)}\n`)
    delay.reset()
  }, 1000).unref()
}
