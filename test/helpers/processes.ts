import { spawn, type ChildProcess } from 'node:child_process'
import { once } from 'node:events'
import { createServer } from 'node:net'
import { fileURLToPath } from 'node:url'
import type { Test } from 'tap'

/** The project root: entry points are spawned from here, as `npm start` and `npm run cli` do. */
export const ROOT = fileURLToPath(new URL('../..', import.meta.url))

/**
 * The environment of a spawned entry point: PATH and HOME from ours, nothing else inherited
 * (a DATABASE_URL or AGENCY_ID in the developer's shell must not leak in), plus `env`.
 */
export function childEnv (env: Record<string, string>): Record<string, string> {
  return { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', LOG_LEVEL: 'warn', ...env }
}

/** Runs `node --import tsx <script> ...args` (or plain node for `.js`) to completion. */
export async function runNode (script: string, args: string[], env: Record<string, string>, timeoutMs = 60_000) {
  const child = spawn(process.execPath, [...(script.endsWith('.ts') ? ['--import', 'tsx'] : []), script, ...args], {
    cwd: ROOT, env: childEnv(env), stdio: ['ignore', 'pipe', 'pipe']
  })
  const output = collect(child)
  const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs)
  const [code] = await once(child, 'exit') as [number | null]
  clearTimeout(timer)
  return { code, stdout: output.stdout(), stderr: output.stderr() }
}

/** The CLI, as `npm run cli -- ...args` runs it. */
export const runCli = (args: string[], env: Record<string, string>, timeoutMs?: number) => runNode('src/cli/main.ts', args, env, timeoutMs)

function collect (child: ChildProcess) {
  let stdout = ''
  let stderr = ''
  child.stdout?.setEncoding('utf8').on('data', (chunk: string) => { stdout += chunk })
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => { stderr += chunk })
  return { stdout: () => stdout, stderr: () => stderr }
}

/** A TCP port that was free a moment ago: the server does not report the port PORT=0 gave it, so tests choose. */
export async function freePort (): Promise<number> {
  const server = createServer()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const address = server.address()
  await new Promise<void>((resolve) => server.close(() => resolve()))
  if (typeof address !== 'object' || address === null) throw new Error('no port')
  return address.port
}

export interface ServerProcess {
  url: string
  child: ChildProcess
  stdout (): string
  stderr (): string
  /** Resolves with the exit code once the process has exited. */
  exited: Promise<number | null>
  /** Sends `signal` and waits for the exit code. */
  stop (signal?: NodeJS.Signals): Promise<number | null>
}

/**
 * Spawns the real server (`src/server.ts` through tsx, or a built `.js` entry) on a free port
 * and waits until /health/ready answers 200. Killed at teardown if still running.
 */
export async function startServer (t: Test, env: Record<string, string>, script = 'src/server.ts'): Promise<ServerProcess> {
  const port = await freePort()
  const child = spawn(process.execPath, [...(script.endsWith('.ts') ? ['--import', 'tsx'] : []), script], {
    cwd: ROOT, env: childEnv({ HOST: '127.0.0.1', PORT: String(port), LOG_LEVEL: 'info', ...env }), stdio: ['ignore', 'pipe', 'pipe']
  })
  const output = collect(child)
  const exited = once(child, 'exit').then(([code]) => code as number | null)
  t.teardown(async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL')
    await exited
  })
  const url = `http://127.0.0.1:${port}`
  const deadline = Date.now() + 60_000
  for (;;) {
    if (child.exitCode !== null) throw new Error(`server exited with ${child.exitCode} before it was ready:\n${output.stderr()}${output.stdout()}`)
    const ready = await fetch(`${url}/health/ready`).then((r) => r.status === 200, () => false)
    if (ready) break
    if (Date.now() > deadline) throw new Error(`server not ready after 60 s:\n${output.stderr()}${output.stdout()}`)
    await new Promise((resolve) => setTimeout(resolve, 100))
  }
  return {
    url,
    child,
    stdout: output.stdout,
    stderr: output.stderr,
    exited,
    stop: async (signal = 'SIGTERM') => {
      child.kill(signal)
      return exited
    }
  }
}
