/**
 * An agency as a real server process for benchmarks: `node --import tsx src/server.ts` (what
 * `npm start` runs, minus the tsx wrapper process, so that the pid is the server's own and its
 * /proc figures are the server's), on a free port of 127.0.0.1, its stdout and stderr (pino JSON
 * lines) appended to a log file.
 */
import { spawn } from 'node:child_process'
import { once } from 'node:events'
import { createWriteStream } from 'node:fs'
import { readFile } from 'node:fs/promises'
import { createServer } from 'node:net'
import { fileURLToPath } from 'node:url'

export const ROOT = fileURLToPath(new URL('../..', import.meta.url))

export interface AgencyProcess {
  pid: number
  url: string
  port: number
  logFile: string
  /** Null while it runs; its exit code (or signal) once it has exited. */
  exit (): string | null
  /** SIGTERM, then SIGKILL after `graceMs`; resolves once it has exited. */
  stop (graceMs?: number): Promise<void>
}

/** A TCP port of 127.0.0.1 that was free a moment ago. */
export async function freePort (): Promise<number> {
  const server = createServer()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const address = server.address()
  await new Promise<void>((resolve) => server.close(() => resolve()))
  if (typeof address !== 'object' || address === null) throw new Error('no free port')
  return address.port
}

/**
 * Starts the server with `env` (PATH and HOME from ours, nothing else inherited), and `nodeArgs`
 * before the entry point, and waits until /health/ready answers 200, at most `readyTimeoutMs`.
 */
export async function startAgencyProcess (env: Record<string, string>, logFile: string, options: { nodeArgs?: string[], readyTimeoutMs?: number } = {}): Promise<AgencyProcess> {
  const readyTimeoutMs = options.readyTimeoutMs ?? 120_000
  const port = await freePort()
  const log = createWriteStream(logFile, { flags: 'a' })
  const child = spawn(process.execPath, ['--import', 'tsx', ...options.nodeArgs ?? [], 'src/server.ts'], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', ...env, HOST: '127.0.0.1', PORT: String(port) },
    stdio: ['ignore', 'pipe', 'pipe']
  })
  child.stdout.pipe(log, { end: false })
  child.stderr.pipe(log, { end: false })
  let exitStatus: string | null = null
  const exited = once(child, 'close').then(([code, signal]) => {
    exitStatus = code !== null ? `exit code ${code as number}` : `signal ${String(signal)}`
    log.end()
  })
  const url = `http://127.0.0.1:${port}`
  const deadline = Date.now() + readyTimeoutMs
  for (;;) {
    if (exitStatus !== null) throw new Error(`${env.AGENCY_ID ?? 'agency'} exited (${exitStatus as string}) before it was ready:\n${(await readFile(logFile, 'utf8')).slice(-4000)}`)
    if (await fetch(`${url}/health/ready`).then((r) => r.status === 200, () => false)) break
    if (Date.now() > deadline) {
      child.kill('SIGKILL')
      throw new Error(`${env.AGENCY_ID ?? 'agency'} not ready after ${readyTimeoutMs / 1000} s`)
    }
    await new Promise((resolve) => setTimeout(resolve, 200))
  }
  return {
    pid: child.pid as number,
    url,
    port,
    logFile,
    exit: () => exitStatus,
    stop: async (graceMs = 15_000) => {
      if (exitStatus !== null) return
      child.kill('SIGTERM')
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMs)
      await exited
      clearTimeout(timer)
    }
  }
}

/** A process's resident set size (VmRSS) and its peak (VmHWM), in MiB, from /proc/<pid>/status. */
export async function residentMemory (pid: number): Promise<{ rssMb: number, peakMb: number } | undefined> {
  try {
    const status = await readFile(`/proc/${pid}/status`, 'utf8')
    const kb = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN)
    return { rssMb: kb('VmRSS') / 1024, peakMb: kb('VmHWM') / 1024 }
  } catch {
    return undefined
  }
}

/** The 1-minute load average of the machine (/proc/loadavg). */
export async function loadAverage (): Promise<number> {
  try {
    return Number((await readFile('/proc/loadavg', 'utf8')).split(' ')[0])
  } catch {
    return NaN
  }
}
