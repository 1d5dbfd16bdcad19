import { Worker } from 'node:worker_threads'

export interface LoadResult { requests: number, bytes: number, failures: number, seconds: number }

export function runLoad (job: { urls: string[], authorizations: string[] | null, concurrency: number, durationMs: number }): Promise<LoadResult> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(new URL('./load-worker.mjs', import.meta.url), { workerData: job })
    worker.once('message', resolve)
    worker.once('error', reject)
  })
}

/** POSTs the file at `path` to `url` from a worker thread; resolves with the status, body and time taken. */
export function runUpload (job: { url: string, path: string, headers: Record<string, string> }): Promise<{ status: number, body: string, seconds: number }> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(new URL('./upload-worker.mjs', import.meta.url), { workerData: job })
    worker.once('message', resolve)
    worker.once('error', reject)
  })
}

export interface TimedLoadResult { latencies: number[], failures: number, seconds: number }

/** GETs `url` with `concurrency` requests in flight for `durationMs` from a worker thread; every answered request's latency (ms). */
export function runTimedLoad (job: { url: string, authorization: string | null, concurrency: number, durationMs: number }): Promise<TimedLoadResult> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(new URL('./timed-load-worker.mjs', import.meta.url), { workerData: job })
    worker.once('message', resolve)
    worker.once('error', reject)
  })
}
