/**
 * CPU time of processes and threads from Linux's /proc, for bench/sync's breakdown of where a
 * page's CPU goes (the syncing process's main thread and its other threads, PostgreSQL backends
 * of a database). Seconds of user + system time; 0 where /proc cannot tell (another OS, a
 * process that has exited).
 */
import { readdirSync, readFileSync } from 'node:fs'

/** Clock ticks per second of /proc/…/stat (USER_HZ, 100 on Linux for every architecture we run on). */
const TICKS = 100

function cpuOfStat (path: string): number {
  try {
    const stat = readFileSync(path, 'utf8')
    // fields after the parenthesised command name, which may itself contain spaces
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
    return (Number(fields[11]) + Number(fields[12])) / TICKS
  } catch {
    return 0
  }
}

/** CPU seconds of processes (all their threads). */
export function cpuOfPids (pids: readonly number[]): number {
  return pids.reduce((sum, pid) => sum + cpuOfStat(`/proc/${pid}/stat`), 0)
}

/** CPU seconds of this process's main thread and of all its other threads (thread pool, GC helpers, workers). */
export function cpuOfOwnThreads (): { main: number, others: number } {
  let tasks: string[]
  try {
    tasks = readdirSync('/proc/self/task')
  } catch {
    return { main: 0, others: 0 }
  }
  let main = 0
  let others = 0
  for (const task of tasks) {
    const seconds = cpuOfStat(`/proc/self/task/${task}/stat`)
    if (Number(task) === process.pid) main += seconds
    else others += seconds
  }
  return { main, others }
}
