import { randomUUID } from 'node:crypto'
import { createReadStream, createWriteStream } from 'node:fs'
import { mkdir, readdir, rm, stat } from 'node:fs/promises'
import { join } from 'node:path'
import { once } from 'node:events'
import { createInterface } from 'node:readline'
import { errors, type ProblemDetail } from '../lib/errors.js'
import { findUnsafeText } from '../lib/safe-text.js'
import { checkDecision } from './check-decision.js'
import { findReferenceHolders } from './queries.js'
import type { DecisionContent } from './schemas.js'
import { normaliseAudience } from './to-record.js'
import type { ImportCandidate, RecordsContext } from './types.js'

/** One decision of an import, checked and waiting in the staging file to be signed. */
export interface StagedDecision {
  line: number
  /** Where the file names this decision's reference ("line 17: reference"), for a clash found later. */
  referenceAt: string
  recordId: string
  content: DecisionContent
  /** As from `normaliseAudience`: null for every peer. */
  audience: string[] | null
}

/** An import read, checked and written to a file of its own: nothing of it is in the database yet. */
export interface StagedImport {
  count: number
  read (): AsyncIterable<StagedDecision>
  /** Deletes the staging file; always called, whatever happened. */
  dispose (): Promise<void>
}

export interface StageOptions {
  stagingDir: string
  /** Problems listed before reading stops (default 1000). */
  maxProblems?: number
  /** References checked against the database per query (default 500). */
  batchSize?: number
}

/** The folder imports are staged in: `imports` under DATA_DIR. */
export const importStagingDir = (config: { dataDir: string }) => join(config.dataDir, 'imports')

/** Staging files left by a process that died mid-import are removed after this long. */
const STALE_MS = 24 * 60 * 60 * 1000

/**
 * Reads an import to its end before anything is published, holding no transaction, no lock
 * and no pooled connection while it waits for the client (docs/records.md, "Import"): every
 * decision is checked as `POST /v1/decisions` would check it (schema, dates, text that cannot
 * be stored, a reference used twice in the file or already stored; the last with one short
 * query per batch), and the good ones are written to a file of their own under
 * `options.stagingDir`. If any is bad, the file is deleted and IMPORT_REJECTED lists every problem
 * by line (the first `maxProblems`). Memory holds one decision and the references seen.
 */
export async function stageImport (ctx: Pick<RecordsContext, 'db' | 'issuer' | 'denialReviewYears'>, candidates: AsyncIterable<ImportCandidate>, options: StageOptions): Promise<StagedImport> {
  const maxProblems = options.maxProblems ?? 1000
  const batchSize = options.batchSize ?? 500
  await mkdir(options.stagingDir, { recursive: true, mode: 0o700 })
  await removeStale(options.stagingDir)
  const path = join(options.stagingDir, `import-${randomUUID()}.ndjson`)
  const out = createWriteStream(path, { flags: 'wx', mode: 0o600 })
  const dispose = async () => {
    out.destroy()
    await rm(path, { force: true })
  }

  const problems: ProblemDetail[] = []
  let capped = false
  const report = (pointer: string, detail: string) => {
    if (problems.length < maxProblems) problems.push({ pointer, detail })
    else capped = true
  }
  const referenceLines = new Map<string, number>()
  let unchecked: Array<{ reference: string, at: string }> = []
  // a reference already stored is a problem of the file; asked in batches, each query on its own
  const checkStored = async () => {
    const holders = await findReferenceHolders(ctx.db, ctx.issuer, unchecked.map((u) => u.reference))
    for (const { reference, at } of unchecked) {
      if (holders.has(reference)) report(at, `a decision with reference "${reference}" is already stored; amend it instead`)
    }
    unchecked = []
  }

  let count = 0
  try {
    for await (const candidate of candidates) {
      for (const p of candidate.problems ?? []) report(p.pointer, p.detail)
      if (capped) break
      if (candidate.value === undefined) continue
      const locate = candidate.locate ?? ((path: string) => `line ${candidate.line}: ${path === '' ? '/' : path}`)
      const unsafe = findUnsafeText(candidate.value)
      for (const u of unsafe) report(locate(u.pointer), u.detail)
      if (unsafe.length > 0) continue
      const checked = checkDecision(candidate.value, ctx.denialReviewYears)
      const readingProblems = new Set((candidate.problems ?? []).map((p) => p.pointer))
      if (!checked.ok) {
        for (const p of checked.problems) {
          const pointer = locate(p.path)
          if (!readingProblems.has(pointer)) report(pointer, p.detail) // already said why, where it was read
        }
        continue
      }
      if (readingProblems.size > 0) continue
      const reference = checked.decision.reference
      const earlier = referenceLines.get(reference)
      if (earlier !== undefined) {
        report(locate('/reference'), `"${reference}" is already the reference of the decision on line ${earlier}`)
        continue
      }
      referenceLines.set(reference, candidate.line)
      const referenceAt = locate('/reference')
      unchecked.push({ reference, at: referenceAt })
      if (unchecked.length >= batchSize) await checkStored()
      if (problems.length > 0) continue // once anything failed the rest is only checked, to list every problem
      const staged: StagedDecision = { line: candidate.line, referenceAt, recordId: randomUUID(), content: checked.decision, audience: normaliseAudience(checked.audience) }
      if (!out.write(`${JSON.stringify(staged)}\n`)) await once(out, 'drain')
      count++
    }
    if (!capped) await checkStored()
    out.end()
    await once(out, 'finish')
  } catch (err) {
    await dispose()
    throw err
  }
  if (problems.length > 0) {
    await dispose()
    problems.sort((a, b) => lineOf(a.pointer) - lineOf(b.pointer))
    const listed = capped ? `the first ${maxProblems} are listed and reading stopped there` : `${problems.length} listed`
    throw errors.importRejected(`nothing was imported (an import is all or nothing): the file has problems, ${listed}`, problems)
  }
  if (count === 0) {
    await dispose()
    throw errors.importRejected('nothing was imported: the file holds no decisions', [{ pointer: 'line 1', detail: 'no decisions found' }])
  }
  return {
    count,
    async * read () {
      const lines = createInterface({ input: createReadStream(path, { encoding: 'utf8' }), crlfDelay: Infinity })
      for await (const line of lines) if (line !== '') yield JSON.parse(line) as StagedDecision
    },
    dispose
  }
}

const lineOf = (pointer: string) => Number(/^line (\d+)/.exec(pointer)?.[1] ?? 0)

async function removeStale (dir: string): Promise<void> {
  const now = Date.now()
  for (const name of await readdir(dir).catch(() => [] as string[])) {
    if (!name.startsWith('import-')) continue
    const file = join(dir, name)
    const info = await stat(file).catch(() => undefined)
    if (info !== undefined && now - info.mtimeMs > STALE_MS) await rm(file, { force: true })
  }
}
