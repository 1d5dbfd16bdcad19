import { listAuditEvents, type AuditEvent } from '../audit/index.js'
import type { AlertsConfig } from '../config.js'
import { consultationParties, listOpenConsultations } from '../consultations/index.js'
import type { Db } from '../db/create-db.js'
import { countStillHoldingSql } from '../divergence/index.js'
import type { Clock } from '../lib/clock.js'
import { denialsDueForReview, todayOf } from '../records/index.js'
import { listPeerHealth } from '../sync/index.js'
import { raiseAlerts, type AlertFinding } from './alerts.js'
import type { DeliveryRouting } from './deliveries.js'
import type { AlertKind } from './schemas.js'

export interface EventWatchDeps {
  db: Db
  self: string
  clock: Clock
  alerts: Pick<AlertsConfig, 'deadlineDays' | 'reviewDays' | 'peerLagSeconds'>
  routing: DeliveryRouting
}

/** Audit events read per transaction while following the trail. */
const AUDIT_BATCH = 200
const DAY_MS = 86_400_000

/** What one watch raised. */
export interface EventWatchOutcome { followed: number, raised: number }

/**
 * Raises the alerts no record's arrival raises, each once (its finding key):
 * - following the audit trail from where it stopped (`alert_watch`): a consultation request,
 *   reply or information received (for the officer who asked, or the officers when we were
 *   asked), a divergence opened or escalated (the auditors) — what the use cases that write
 *   those events already announce, in their transactions;
 * - looking at what no write announces: a consultation's deadline within ALERT_DEADLINE_DAYS or
 *   passed, our denial within ALERT_REVIEW_DAYS of the end of its review window (the officers),
 *   a peer quarantined or not synced for ALERT_PEER_LAG_SECONDS (the administrators; no longer
 *   holding once it syncs again).
 */
export async function watchEvents (deps: EventWatchDeps): Promise<EventWatchOutcome> {
  const outcome: EventWatchOutcome = { followed: 0, raised: 0 }
  // the trail, a batch a transaction; the position advances with the alerts it raised. Read
  // before the transaction (the embedded database has one connection: nothing may use the pool
  // inside one), and only if no other watcher moved the position meanwhile
  for (;;) {
    const after = (await deps.db.selectFrom('alert_watch').select('audit_seq').executeTakeFirst())?.audit_seq ?? 0
    const { events } = await listAuditEvents(deps.db, { afterSeq: after, limit: AUDIT_BATCH })
    if (events.length === 0) break
    const findings = await findingsOfEvents(deps, events)
    const last = (events.at(-1) as AuditEvent).seq
    const moved = await deps.db.transaction().execute(async (trx) => {
      const position = await trx.selectFrom('alert_watch').select('audit_seq').forUpdate().executeTakeFirst()
      if ((position?.audit_seq ?? 0) !== after) return false
      outcome.raised += (await raiseAlerts(trx, findings, deps.clock, deps.routing)).length
      if (position === undefined) await trx.insertInto('alert_watch').values({ audit_seq: last }).execute()
      else await trx.updateTable('alert_watch').set({ audit_seq: last }).execute()
      return true
    })
    if (!moved) break
    outcome.followed += events.length
    if (events.length < AUDIT_BATCH) break
  }
  const findings = [...await deadlineFindings(deps), ...await reviewFindings(deps), ...await peerFindings(deps)]
  outcome.raised += (await deps.db.transaction().execute((trx) => raiseAlerts(trx, findings, deps.clock, deps.routing))).length
  return outcome
}

function finding (kind: AlertKind, findingKey: string, recipient: AlertFinding['recipient'], subject: AlertFinding['subject'], title: string, explanation: string, detail: unknown): AlertFinding {
  return { kind, findingKey, recipient, subject, record: null, holds: true, title, explanation, detail }
}

async function findingsOfEvents (deps: EventWatchDeps, events: readonly AuditEvent[]): Promise<AlertFinding[]> {
  const received = events.filter((e) => e.action === 'consultation-message-received')
  const consultations = await consultationParties(deps.db, [...new Set(received.map((e) => e.subject.id))])
  const findings: AlertFinding[] = []
  for (const e of events) {
    const d = e.detail
    if (e.action === 'consultation-message-received') {
      const c = consultations.get(e.subject.id)
      if (c === undefined) continue
      const what = d.kind === 'request' ? 'asks us about our denial' : d.kind === 'reply' ? `replied: ${String(d.answer ?? '')}` : d.kind === 'withdrawal' ? 'withdrew its consultation' : 'sent information'
      findings.push(finding('consultation-received', `consultation-received ${String(d.message)}`,
        c.direction === 'outgoing' && c.createdBy !== null ? { user: c.createdBy, role: null } : { user: null, role: 'officer' },
        { type: 'consultation', id: e.subject.id },
        `${c.peer} ${what} (${c.denialReference})`,
        `A consultation ${d.kind === 'request' ? 'request' : d.kind === 'reply' ? 'reply' : 'message'} from ${c.peer} about ${c.denialReference}, received ${e.at}; the deadline is ${c.deadline}.`,
        { consultation: e.subject.id, message: d.message, kind: d.kind, from: d.from, state: d.state }))
    } else if (e.action === 'divergence-detected') {
      findings.push(finding('divergence-opened', `divergence-opened ${e.subject.id}`, { user: null, role: 'auditor' }, { type: 'divergence', id: e.subject.id },
        `A ${String(d.severity ?? '')} ${String(d.kind ?? 'divergence')} was detected`.replace('A  ', 'A '),
        String(d.explanation ?? ''), { divergence: e.subject.id, kind: d.kind, severity: d.severity }))
    } else if (e.action === 'divergence-transition' && d.to === 'escalated') {
      findings.push(finding('divergence-escalated', `divergence-escalated ${e.subject.id} ${e.seq}`, { user: null, role: 'auditor' }, { type: 'divergence', id: e.subject.id },
        `A divergence was escalated by ${e.actor}`, String(d.reason ?? ''), { divergence: e.subject.id, from: d.from, by: e.actor }))
    }
  }
  return findings
}

/** The open consultations whose deadline is near (within ALERT_DEADLINE_DAYS) or past: once each way. */
async function deadlineFindings (deps: EventWatchDeps): Promise<AlertFinding[]> {
  const today = todayOf(deps.clock)
  const soon = new Date(Date.parse(`${today}T00:00:00Z`) + deps.alerts.deadlineDays * DAY_MS).toISOString().slice(0, 10)
  const open = (await listOpenConsultations(deps.db, today)).filter((c) => c.deadline <= soon)
  const parties = await consultationParties(deps.db, open.map((c) => c.id))
  return open.map((c) => {
    const passed = c.deadline < today
    const party = parties.get(c.id)
    const ours = c.direction === 'incoming'
    return finding('consultation-deadline', `consultation-deadline ${c.id} ${c.deadline} ${passed ? 'passed' : 'approaching'}`,
      !ours && party?.createdBy !== null && party?.createdBy !== undefined ? { user: party.createdBy, role: null } : { user: null, role: 'officer' },
      { type: 'consultation', id: c.id },
      `${ours ? 'Our reply to' : `${c.peer}'s reply to`} the consultation about ${c.denial.reference} ${passed ? `is ${c.daysOverdue} day${c.daysOverdue === 1 ? '' : 's'} overdue` : `is due by ${c.deadline}`}`,
      `${ours ? `${c.peer} asked us` : `We asked ${c.peer}`} on ${c.requestedAt.slice(0, 10)}; the deadline is ${c.deadline}.`,
      { consultation: c.id, deadline: c.deadline, direction: c.direction, passed })
  })
}

/** Our denials within ALERT_REVIEW_DAYS of the end of their review window: once per window. */
async function reviewFindings (deps: EventWatchDeps): Promise<AlertFinding[]> {
  const due = await denialsDueForReview({ db: deps.db, issuer: deps.self, clock: deps.clock, countOpenDivergences: countStillHoldingSql }, deps.alerts.reviewDays)
  return due.map((d) => ({
    ...finding('denial-review-due', `denial-review-due ${d.recordId} ${d.validUntil}`, { user: null, role: 'officer' }, { type: 'record', id: d.recordId },
      `Our denial ${d.reference} is due for review by ${d.validUntil}`,
      `In force until ${d.validUntil} (${d.daysLeft} day${d.daysLeft === 1 ? '' : 's'} left): renew it if the risk remains, or let it lapse.${d.openDivergences > 0 ? ` ${d.openDivergences} divergence${d.openDivergences === 1 ? '' : 's'} name it.` : ''}`,
      { recordId: d.recordId, reference: d.reference, validUntil: d.validUntil, destination: d.destination }),
    record: { issuer: deps.self, recordId: d.recordId, version: d.version }
  }))
}

/** Peers quarantined or not synced for ALERT_PEER_LAG_SECONDS (once per episode), and those alerts ended for a peer synced since. */
async function peerFindings (deps: EventWatchDeps): Promise<AlertFinding[]> {
  const now = deps.clock.now().getTime()
  const findings: AlertFinding[] = []
  const healthy = new Set<string>()
  for (const p of await listPeerHealth(deps.db)) {
    const subject = { type: 'peer', id: p.agencyId }
    const admins = { user: null, role: 'admin' }
    const lagging = p.state !== 'disabled' && p.state !== 'quarantined' && p.lastSuccessAt !== null && now - p.lastSuccessAt.getTime() > deps.alerts.peerLagSeconds * 1000
    if (p.state === 'quarantined') {
      findings.push(finding('peer-quarantined', `peer-quarantined ${p.agencyId} ${p.lastErrorAt?.toISOString() ?? ''}`, admins, subject,
        `Peer ${p.agencyId} is quarantined`, `${p.lastErrorCode ?? 'quarantined'}: ${p.statusReason ?? p.lastError ?? ''}. Review its evidence, then resume it.`,
        { peer: p.agencyId, code: p.lastErrorCode }))
    } else if (lagging) {
      findings.push(finding('peer-lagging', `peer-lagging ${p.agencyId} ${p.lastSuccessAt?.toISOString() ?? ''}`, admins, subject,
        `Peer ${p.agencyId} has not synced since ${p.lastSuccessAt?.toISOString() ?? ''}`,
        `The last round that succeeded was more than ${deps.alerts.peerLagSeconds} s ago${p.lastErrorCode === null ? '' : `; the last error: ${p.lastErrorCode}`}.`,
        { peer: p.agencyId, lastSuccessAt: p.lastSuccessAt, lastErrorCode: p.lastErrorCode }))
    } else if (p.state === 'active') {
      healthy.add(p.agencyId)
    }
  }
  if (healthy.size === 0) return findings
  const holding = await deps.db.selectFrom('alerts').select(['finding_key', 'kind', 'subject_id'])
    .where('subject_type', '=', 'peer').where('holds', '=', true).where('subject_id', 'in', [...healthy]).execute()
  for (const a of holding) {
    findings.push({ ...finding(a.kind as AlertKind, a.finding_key, { user: null, role: 'admin' }, { type: 'peer', id: a.subject_id }, '', `no longer holds: ${a.subject_id} synced again`, null), holds: false })
  }
  return findings
}
