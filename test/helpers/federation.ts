import type { Test } from 'tap'
import type { SyncConfig } from '../../src/config.js'
import { createLogger } from '../../src/lib/logger.js'
import { systemClock, type Clock } from '../../src/lib/clock.js'
import { agencySyncContext } from '../../src/use-cases/index.js'
import { runOneRound, newWorkerId, type PeerClient, type RoundOutcome } from '../../src/sync/index.js'
import { startAgency, type AgencyOptions, type TestAgency } from './agency.js'

/** Starts `ids.length` real agencies listening on 127.0.0.1, each enrolling all the others by JWKS URL. */
export async function startFederation (t: Test, ids: string[], options: AgencyOptions = {}): Promise<TestAgency[]> {
  const agencies = []
  for (const id of ids) agencies.push(await startAgency(t, id, { ...options, listen: true, env: { SYNC_BACKOFF_BASE_MS: '1', SYNC_BACKOFF_CAP_MS: '2', PEER_JWKS_COOLDOWN_SECONDS: '0', ...options.env } }))
  for (const agency of agencies) {
    for (const other of agencies) {
      if (other !== agency) await enrolByUrl(agency, other)
    }
  }
  return agencies
}

export async function enrolByUrl (agency: TestAgency, other: { id: string, url: string }, country = 'FR') {
  const res = await agency.app.inject({
    method: 'POST',
    url: '/v1/peers',
    headers: { authorization: await agency.auth('admin') },
    payload: { agencyId: other.id, name: `Agency ${other.id}`, country, baseUrl: other.url, jwksUrl: `${other.url}/.well-known/jwks.json` }
  })
  if (res.statusCode !== 201) throw new Error(`enrolling ${other.id} at ${agency.id}: ${res.statusCode} ${res.body}`)
}

/**
 * One sync round at `agency` for `peer`, exactly as the worker runs it (optionally through
 * another client, or with some of the agency's sync settings changed for this round).
 */
export async function syncRound (agency: TestAgency, peer: string, options: { client?: PeerClient, clock?: Clock, owner?: string, sync?: Partial<SyncConfig> } = {}): Promise<RoundOutcome | undefined> {
  const { ctx, options: workerOptions } = agencySyncContext(
    { config: agency.config, db: agency.db, keyRing: agency.app.keyRing, clock: options.clock ?? systemClock, logger: createLogger({ level: 'silent' }) },
    { sync: options.sync, client: options.client })
  return runOneRound(ctx, workerOptions, options.owner ?? newWorkerId(), peer)
}

/** Syncs every agency from every other until nothing new arrives. */
export async function syncAll (agencies: TestAgency[]): Promise<void> {
  for (const agency of agencies) {
    for (const other of agencies) {
      if (other === agency) continue
      const outcome = await syncRound(agency, other.id)
      if (outcome?.status !== 'synced') throw new Error(`sync ${agency.id} <- ${other.id}: ${JSON.stringify(outcome)}`)
    }
  }
}

/** The entries of `issuer` as `holder` stores them: seq, hash and whether the content is there. */
export async function heldEntries (holder: TestAgency, issuer: string) {
  return holder.db.selectFrom('feed_entries').select(['seq', 'hash', 'prev', 'jws']).where('issuer', '=', issuer).orderBy('seq').execute()
}

export async function peerHealth (agency: TestAgency, peer: string) {
  const res = await agency.app.inject({ method: 'GET', url: `/v1/peers/${peer}`, headers: { authorization: await agency.auth('admin') } })
  return res.json() as { status: string, statusReason: string | null, sync: { state: string, cursor: number, headSeq: number | null, lag: number | null, lastErrorCode: string | null, entriesIngested: number, verificationFailures: number } }
}

let counter = 0
/** A realistic denial or grant as an officer would record it. */
export function decision (overrides: Record<string, unknown> = {}) {
  counter += 1
  return {
    reference: `REF-${process.pid}-${counter}`,
    outcome: 'denied',
    decisionDate: '2026-03-02',
    destination: 'AE',
    endUse: 'Integration into UAV flight control systems',
    parties: [{ role: 'end_user', name: 'Aeroguide Trading LLC', aliases: ['Aero Guide Trading'], country: 'AE', identifiers: [] }],
    items: [{ codes: [{ regime: 'eu', code: '7A003.a' }, { regime: 'us-eccn', code: '7A003.a' }], description: 'Inertial measurement unit', manufacturer: 'Example Avionics', partNumber: 'IMU-400' }],
    reasons: [{ scheme: 'eu-cp-2008-944', code: '7' }],
    ...overrides
  }
}

export async function publishDecision (agency: TestAgency, overrides: Record<string, unknown> = {}) {
  const res = await agency.app.inject({ method: 'POST', url: '/v1/decisions', headers: { authorization: await agency.auth('officer') }, payload: decision(overrides) })
  if (res.statusCode !== 201) throw new Error(`publish at ${agency.id}: ${res.statusCode} ${res.body}`)
  return res.json() as { record: { id: string, version: number }, entry: { seq: number, hash: string } }
}
