import { loadConfigOrExit } from '../config.js'
import { verifyAuditTrail } from '../use-cases/index.js'
import type { Command } from './main.js'
import { print, usageError, withDatabase } from './services.js'

const USAGE = 'audit verify [--from-seq N] [--batch N]'

const positiveInteger = (value: string | boolean | undefined, fallback: number) =>
  value === undefined ? fallback : typeof value === 'string' && /^[1-9]\d{0,14}$/.test(value) ? Number(value) : undefined

/**
 * `audit verify`: checks the audit trail's hash chain as `GET /v1/audit-events/verification`
 * does, reading it a batch at a time, then every anchor of it our feed holds (a cut end, a
 * rewritten event: `verifyAuditTrail`), and prints one summary line. Exit 0 when intact, 1
 * naming the first bad seq and why (hash-mismatch, broken-link, gap, cut, rewritten), 2 for bad
 * usage. The database is only read, never migrated, so it runs with read-only credentials.
 */
export const auditCommand: Command = {
  summary: 'Verify the audit trail\'s hash chain (every hash, every link, no missing seq) and its anchors in our feed (no cut end)',
  usage: USAGE,
  options: { 'from-seq': { type: 'string' }, batch: { type: 'string' } },
  allowPositionals: true,
  async run ({ values, positionals }) {
    const [action, ...rest] = positionals
    if (action !== 'verify') return usageError('audit', USAGE, 'expected "verify"')
    if (rest.length > 0) return usageError('audit', USAGE, `unexpected argument "${rest[0] as string}"`)
    const fromSeq = positiveInteger(values['from-seq'], 1)
    if (fromSeq === undefined) return usageError('audit', USAGE, `--from-seq must be a seq (1 or more), got "${String(values['from-seq'])}"`)
    const batch = positiveInteger(values.batch, 1000)
    if (batch === undefined || batch > 100_000) return usageError('audit', USAGE, `--batch must be 1 to 100000, got "${String(values.batch)}"`)
    const config = loadConfigOrExit(process.env)
    const { chain: result, anchors } = await withDatabase(config, (db) => verifyAuditTrail({ db, config }, { fromSeq, batch }), { migrate: false })
    const head = result.lastSeq === null ? 'no events' : `last intact seq ${result.lastSeq} (hash ${result.lastHash ?? 'null'})`
    const anchored = anchors.last === null ? 'no anchor in our feed yet' : `${anchors.checked} anchors in our feed checked, the last (entry ${anchors.last.feedSeq}) at seq ${anchors.last.auditSeq}`
    if (!result.ok) {
      const { seq, reason, detail } = result.firstBad
      print(`audit trail broken at seq ${seq}: ${reason}: ${detail} (${result.checked} events intact from seq ${fromSeq}, ${head})`)
      return 1
    }
    if (anchors.fault !== null) {
      print(`audit trail ${anchors.fault.reason} after seq ${result.lastSeq ?? 0}: ${anchors.fault.detail} (${result.checked} events intact from seq ${fromSeq}, ${head})`)
      return 1
    }
    print(`audit trail intact: ${result.checked} events checked from seq ${fromSeq}, ${head}; ${anchored}`)
    return 0
  }
}
