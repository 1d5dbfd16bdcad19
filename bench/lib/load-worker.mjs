// HTTP load from a worker thread (its own event loop, so the server's loop is not shared):
// `concurrency` requests in flight for `durationMs`, each a GET of urls[i % urls.length], with
// authorizations[i] when given (partner tokens are single-use). Plain JavaScript: workers do
// not go through tsx.
import { parentPort, workerData } from 'node:worker_threads'

const job = workerData
let next = 0
let requests = 0
let bytes = 0
let failures = 0
const deadline = Date.now() + job.durationMs
const started = Date.now()

async function lane () {
  while (Date.now() < deadline) {
    const i = next++
    if (job.authorizations !== null && i >= job.authorizations.length) return
    const headers = job.authorizations !== null ? { authorization: job.authorizations[i] } : {}
    const res = await fetch(job.urls[i % job.urls.length], { headers })
    const body = await res.arrayBuffer()
    if (res.status === 200) { requests += 1; bytes += body.byteLength } else failures += 1
  }
}

await Promise.all(Array.from({ length: job.concurrency }, lane))
parentPort.postMessage({ requests, bytes, failures, seconds: (Date.now() - started) / 1000 })
