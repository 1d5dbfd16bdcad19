// Timed HTTP load from a worker thread (its own event loop, so the server's loop is not shared):
// `concurrency` GETs of `url` in flight for `durationMs`, each timed from the call to its whole
// body. Posts the count, the failures and every 200's latency in ms. Plain JavaScript: workers
// do not go through tsx.
import { parentPort, workerData } from 'node:worker_threads'

const job = workerData
const headers = job.authorization === null ? {} : { authorization: job.authorization }
const latencies = []
let failures = 0
const started = performance.now()
const deadline = started + job.durationMs

async function lane () {
  while (performance.now() < deadline) {
    const sent = performance.now()
    const res = await fetch(job.url, { headers })
    await res.arrayBuffer()
    if (res.status === 200) latencies.push(performance.now() - sent)
    else failures += 1
  }
}

await Promise.all(Array.from({ length: job.concurrency }, lane))
parentPort.postMessage({ latencies, failures, seconds: (performance.now() - started) / 1000 })
