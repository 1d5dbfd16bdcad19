import { loadConfigOrExit } from '../config.js'
import {
  DEMO_AGENCIES, demoDecisions, enrolEachOther, formatDivergenceOverview, readDemoSlice, readDivergenceOverview, showCaseAlert, startDemoAgency, summarise, syncFederation,
  type DemoAgency
} from '../demo/index.js'
import { runBackgroundJobs } from '../jobs/index.js'
import { systemClock } from '../lib/clock.js'
import { createLogger } from '../lib/logger.js'
import { importStagingDir } from '../records/index.js'
import { issueLocalUserToken } from '../signing/index.js'
import { importCandidates } from '../use-cases/index.js'
import type { Command } from './main.js'
import { createProgress, formatDuration } from './progress.js'
import { note, print } from './services.js'

/**
 * `demo`: a federation of three agencies on 127.0.0.1 in one process: fresh databases
 * (embedded in DATA_DIR/demo/<agency>, or databases demo_<agency> on DATABASE_URL's server),
 * keys, mutual enrolment, real data loaded into each, a full sync with a progress bar, and a
 * summary. The agencies keep serving until Ctrl-C, unless --exit.
 */
export const demoCommand: Command = {
  summary: 'Start three agencies, enrol them with each other, load real data, sync, and print a summary',
  usage: 'demo [--port-base 8081] [--exit]',
  options: { 'port-base': { type: 'string' }, exit: { type: 'boolean' } },
  async run ({ values }) {
    const config = loadConfigOrExit(process.env)
    const portBase = Number(values['port-base'] ?? 8081)
    if (!Number.isInteger(portBase) || portBase < 1 || portBase > 65_533) {
      note(`demo: --port-base must be a port number, got "${String(values['port-base'])}"`)
      return 2
    }
    const logger = createLogger({ level: 'warn', name: 'demo' })
    const clock = systemClock
    const started = performance.now()
    const step = (text: string) => note(`[${formatDuration((performance.now() - started) / 1000)}] ${text}`)
    const agencies: DemoAgency[] = []
    try {
      step(`starting ${DEMO_AGENCIES.length} agencies on ${config.databaseUrl === undefined ? 'embedded databases' : 'PostgreSQL'}…`)
      for (const [i, spec] of DEMO_AGENCIES.entries()) {
        agencies.push(await startDemoAgency(spec, portBase + i, { databaseUrl: config.databaseUrl, dataDir: config.dataDir }, logger, clock))
      }
      step('enrolling each agency with the others (by base URL and JWKS URL)…')
      await enrolEachOther(agencies, clock)
      const slice = await readDemoSlice(clock.now())
      step(`loading real data, its dates moved ${slice.shiftDays} days forward (its last licence, of ${slice.lastDate.original}, falls on ${slice.lastDate.shifted})…`)
      for (const [i, agency] of agencies.entries()) {
        const decisions = demoDecisions(slice, i, agencies.length, agency.spec.referencePrefix)
        const progress = createProgress({ label: `load ${agency.spec.id}`, total: decisions.length, unit: 'decisions' })
        await importCandidates({ ...agency.deps, clock }, 'demo',
          (async function * () { for (const [n, decision] of decisions.entries()) yield { line: n + 1, value: decision } })(),
          { onBatch: ({ imported }) => progress.update(imported), stagingDir: importStagingDir(agency.config) })
        progress.finish()
      }
      step('syncing every agency from the others…')
      const progress = createProgress({ label: 'sync' })
      const outcomes = await syncFederation(agencies, clock, ({ done, total }) => progress.update(done, total))
      progress.finish()
      const failures = outcomes.filter((o) => o.status !== 'synced')
      step(`done: ${outcomes.length - failures.length} of ${outcomes.length} peer feeds synced and verified`)
      printSummary(await summarise(agencies, clock.now().toISOString().slice(0, 10)))
      step('reading the divergences each agency found…')
      const overview = await readDivergenceOverview(agencies, clock.now())
      for (const line of formatDivergenceOverview(overview, { baseUrl: agencies[0]?.url ?? '', running: values.exit !== true })) print(line)
      step('an officer opens a case at one agency; another denies the same end user…')
      const shown = await showCaseAlert(agencies, clock)
      print(shown === undefined
        ? '\n! no alert reached the case: see the logs'
        : [
            `\nAlerted before deciding: a case open at ${shown.caseAgency} (${shown.caseReference}) was alerted`,
            `  by ${shown.deniedBy}'s denial ${shown.denialReference}, ${shown.path === 'push' ? 'pushed' : 'pulled'}, ${shown.delayMs} ms after it was published${shown.essentiallyIdentical ? ',' : '.'}`,
            ...(shown.essentiallyIdentical ? ['  essentially identical (same end user, related item, same destination, in force).'] : [])
          ].join('\n'))
      for (const failure of failures) print(`! ${failure.peer}: ${failure.status} ${'code' in failure ? failure.code : ''} ${'message' in failure ? failure.message : ''}`)
      if (values.exit === true) return failures.length === 0 && shown !== undefined ? 0 : 1
      print('\nThe agencies are running; try:')
      for (const agency of agencies) {
        const token = await issueLocalUserToken(agency.config.dataDir, agency.config.idp, { subject: 'demo-officer', roles: ['officer', 'auditor', 'admin'], lifetimeSeconds: 8 * 3600 }, clock)
        print(`  ${agency.spec.id}: ${agency.url}/docs    curl -H "authorization: Bearer ${token}" ${agency.url}/v1/peers`)
      }
      const first = agencies[0]
      if (first !== undefined) print(`  ${first.spec.id}'s divergence report: curl -H "authorization: Bearer <its token>" "${first.url}/v1/reports/divergences?format=html" > divergences.html`)
      print(`(dates in the data are moved ${slice.shiftDays} days forward: its last licence, of ${slice.lastDate.original}, falls on ${slice.lastDate.shifted}; Ctrl-C stops)`)
      // from here each agency runs as `SYNC_IN_PROCESS=true npm start` would: syncs, the outbox, the alert watch, lapses
      const stop = new AbortController()
      const jobs = Promise.all(agencies.map((agency) => runBackgroundJobs(agency.deps, stop.signal)))
      await new Promise<void>((resolve) => { process.once('SIGINT', resolve); process.once('SIGTERM', resolve) })
      stop.abort()
      await jobs
      return 0
    } finally {
      for (const agency of agencies) {
        await agency.app.close()
        await agency.deps.db.destroy()
      }
    }
  }
}

function printSummary (rows: Awaited<ReturnType<typeof summarise>>) {
  print('')
  print(['agency'.padEnd(9), 'published'.padStart(9), 'denials in force'.padStart(16), 'allied records'.padStart(14), 'allied denials'.padStart(14), '  peers: held/head, lag, state, verification failures'].join(' '))
  for (const row of rows) {
    const peers = row.peers.map((p) => `${p.agencyId} ${p.cursor}/${p.headSeq ?? '?'} lag ${p.lag ?? '?'} ${p.state} ${p.verificationFailures} failed`).join('; ')
    print([row.id.padEnd(9), String(row.published).padStart(9), String(row.denialsInForce).padStart(16), String(row.alliedRecords).padStart(14), String(row.alliedDenialsInForce).padStart(14), `  ${peers}`].join(' '))
  }
}
