// Uploads one file as a streamed request body from a worker thread, so that the client's work
// does not share the server's event loop. Plain JavaScript: workers do not go through tsx.
import { createReadStream } from 'node:fs'
import { Readable } from 'node:stream'
import { parentPort, workerData } from 'node:worker_threads'

const { url, path, headers } = workerData
const started = performance.now()
const res = await fetch(url, { method: 'POST', headers, body: Readable.toWeb(createReadStream(path, { highWaterMark: 65_536 })), duplex: 'half' })
const body = await res.text()
parentPort.postMessage({ status: res.status, body, seconds: (performance.now() - started) / 1000 })
