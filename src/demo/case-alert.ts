import { setTimeout as sleep } from 'node:timers/promises'
import { listAlerts } from '../alerts/index.js'
import type { Clock } from '../lib/clock.js'
import { openCase, recordDecision } from '../use-cases/index.js'
import type { DemoAgency } from './start-agencies.js'
import { syncFederation } from './sync-federation.js'

/** What the demo showed: a case open at one agency alerted by another's denial, and how long it took. */
export interface CaseAlertShown {
  caseAgency: string
  caseReference: string
  deniedBy: string
  denialReference: string
  /** From the denial's publication at `deniedBy` to the alert at `caseAgency`. */
  delayMs: number
  /** How the denial reached the case's agency: pushed to its inbox, or pulled by a sync. */
  path: 'push' | 'pull'
  essentiallyIdentical: boolean
}

/** Waits this long for the push before pulling: the demo's agencies are on one host. */
const PUSH_WAIT_MS = 10_000

/**
 * An officer at the second agency opens a case (an application naming Mahan Airlines, OFAC SDN:
 * "MAHAN AIR"); the first agency records a denial of Mahan Air for the same item; the denial
 * is pushed to the second agency's inbox, matched against its open cases as it is stored, and
 * the case's officer is alerted. Returns the delay measured, from the denial's publication to the
 * alert's raising (both on this host's clock).
 */
export async function showCaseAlert (agencies: readonly DemoAgency[], clock: Clock): Promise<CaseAlertShown | undefined> {
  const [denier, watcher] = agencies
  if (denier === undefined || watcher === undefined) return undefined
  const officer = 'demo-officer'
  const today = clock.now().toISOString().slice(0, 10)
  const opened = await openCase(watcher.app.services, officer, {
    reference: `${watcher.spec.referencePrefix}-CASE-0001`,
    application: {
      parties: [{ role: 'end_user', name: 'Mahan Airlines', aliases: [], country: 'IR', identifiers: [] }],
      items: [{ codes: [{ regime: 'wassenaar', code: '9.A.1' }], description: 'Aero gas turbine engine parts' }],
      destination: 'IR',
      endUse: 'Maintenance of the civil fleet'
    }
  })
  const denial = await recordDecision(denier.app.services, officer, {
    reference: `${denier.spec.referencePrefix}-DEMO-0001`,
    outcome: 'denied',
    decisionDate: today,
    destination: 'IR',
    endUse: 'Spare parts for the airline\'s fleet',
    parties: [{ role: 'end_user', name: 'MAHAN AIR', aliases: ['Mahan Airlines', 'Mahan Air'], country: 'IR', identifiers: [] }],
    items: [{ codes: [{ regime: 'wassenaar', code: '9.A.1' }], description: 'Aero gas turbine engines and parts', quantity: 4 }],
    reasons: [{ scheme: 'eu-cp-2008-944', code: '7', text: 'risk of diversion to military end use' }],
    regimeReferences: [],
    audience: []
  })
  const publishedAt = denial.record.createdAt.getTime()
  const viewer = { subject: officer, roles: ['officer'] }
  const alertOf = async () => (await listAlerts(watcher.deps.db, viewer, { caseId: opened.id, limit: 1 })).alerts[0]
  let path: CaseAlertShown['path'] = 'push'
  let alert = await alertOf()
  for (const started = performance.now(); alert === undefined && performance.now() - started < PUSH_WAIT_MS; alert = await alertOf()) await sleep(20)
  if (alert === undefined) {
    path = 'pull'
    await syncFederation([watcher, denier], clock, () => {})
    alert = await alertOf()
  }
  // the push's answer, after the alert it caused: let it arrive before the demo goes on
  await denier.app.pusher?.idle()
  if (alert === undefined) return undefined
  return {
    caseAgency: watcher.spec.id,
    caseReference: opened.reference,
    deniedBy: denier.spec.id,
    denialReference: denial.record.content.reference,
    delayMs: Date.parse(alert.raisedAt) - publishedAt,
    path,
    essentiallyIdentical: (alert.detail as { assessment?: { essentiallyIdentical?: boolean } }).assessment?.essentiallyIdentical === true
  }
}
