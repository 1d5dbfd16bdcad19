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

/**
 * Runs `node --import tsx <script> ...args` (or plain node for `.js`) to completion. The child
 * is killed after `timeoutMs` only so that a hung one does not outlive the test: the default
 * stays under tap's timeout for a file (300 s) and far above what a busy machine needs.
 */
export async function runNode (script: string, args: string[], env: Record<string, string>, timeoutMs = 240_000) {
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

export interface RunningProcess {
  child: ChildProcess
  stdout (): string
  stderr (): string
  /** Resolves with the exit code once the process has exited. */
  exited: Promise<number | null>
  /** Sends `signal` and waits for the exit code. */
  stop (signal?: NodeJS.Signals): Promise<number | null>
  /**
   * Resolves with the first line of stdout or stderr (so far or to come) that matches `pattern`;
   * rejects if the process exits without printing one. Waits for the line, however long it takes.
   */
  line (pattern: RegExp): Promise<string>
}

export interface ServerProcess extends RunningProcess {
  url: string
}

/**
 * Spawns a long-running entry point (`.ts` through tsx, or a built `.js`) with `childEnv(env)`
 * and LOG_LEVEL info. Killed at teardown if still running.
 */
export function spawnProcess (t: Test, script: string, args: string[], env: Record<string, string>): RunningProcess {
  const child = spawn(process.execPath, [...(script.endsWith('.ts') ? ['--import', 'tsx'] : []), script, ...args], {
    cwd: ROOT, env: childEnv({ LOG_LEVEL: 'info', ...env }), stdio: ['ignore', 'pipe', 'pipe']
  })
  const output = collect(child)
  const exited = once(child, 'exit').then(([code]) => code as number | null)
  const closed = once(child, 'close') // after 'exit', once stdout and stderr are read to their end
  t.teardown(async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL')
    await exited
  })
  const find = (pattern: RegExp) => `${output.stdout()}\n${output.stderr()}`.split('\n').find((l) => pattern.test(l))
  return {
    child,
    stdout: output.stdout,
    stderr: output.stderr,
    exited,
    stop: async (signal = 'SIGTERM') => {
      child.kill(signal)
      return exited
    },
    line: (pattern) => new Promise<string>((resolve, reject) => {
      const check = () => {
        const line = find(pattern)
        if (line === undefined) return
        child.stdout?.off('data', check)
        child.stderr?.off('data', check)
        resolve(line)
      }
      child.stdout?.on('data', check)
      child.stderr?.on('data', check)
      check()
      void closed.then(() => {
        check()
        reject(new Error(`exited with ${child.exitCode ?? child.signalCode} before printing a line matching ${pattern}:\n${output.stderr()}${output.stdout()}`))
      })
    })
  }
}

/**
 * Spawns the real server (`src/server.ts` through tsx, or a built `.js` entry) on a free port
 * (or `env.PORT`) and waits until /health/ready answers 200. Killed at teardown if still running.
 */
export async function startServer (t: Test, env: Record<string, string>, script = 'src/server.ts'): Promise<ServerProcess> {
  // a server started again where its peers reach it keeps its port (env.PORT)
  const port = env.PORT === undefined ? await freePort() : Number(env.PORT)
  const server = spawnProcess(t, script, [], { HOST: '127.0.0.1', ...env, PORT: String(port) })
  const url = `http://127.0.0.1:${port}`
  const deadline = Date.now() + 120_000
  for (;;) {
    if (server.child.exitCode !== null) throw new Error(`server exited with ${server.child.exitCode} before it was ready:\n${server.stderr()}${server.stdout()}`)
    // one probe may wait for a slow answer, not for one that never comes (the next probe retries)
    const ready = await fetch(`${url}/health/ready`, { signal: AbortSignal.timeout(10_000) }).then((r) => r.status === 200, () => false)
    if (ready) break
    if (Date.now() > deadline) throw new Error(`server not ready after 120 s:\n${server.stderr()}${server.stdout()}`)
    await new Promise((resolve) => setTimeout(resolve, 100))
  }
  return { ...server, url }
}
