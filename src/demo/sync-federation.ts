import { findFeedHead } from '../feed/index.js'
import type { Clock } from '../lib/clock.js'
import { countHeldRecords } from '../records/index.js'
import { agencySyncContext } from '../use-cases/index.js'
import { listPeerHealth, newWorkerId, runOneRound, type PeerHealth, type RoundOutcome } from '../sync/index.js'
import type { DemoAgency } from './start-agencies.js'

export interface FederationProgress { done: number, total: number }

/**
 * Syncs every agency from every other, exactly as the sync worker does (one lease and round
 * per peer, repeated until it reports nothing more), and reports entries held out of entries
 * published after every page. Returns each round's final outcome.
 */
export async function syncFederation (agencies: readonly DemoAgency[], clock: Clock, onProgress: (progress: FederationProgress) => void): Promise<RoundOutcome[]> {
  const heads = new Map<string, number>()
  const cursors = new Map<string, number>()
  for (const agency of agencies) {
    heads.set(agency.spec.id, (await findFeedHead(agency.deps.db, agency.spec.id)).seq)
  }
  const total = [...heads.values()].reduce((sum, seq) => sum + seq, 0) * (agencies.length - 1)
  const report = () => onProgress({ done: [...cursors.values()].reduce((a, b) => a + b, 0), total })
  const outcomes: RoundOutcome[] = []
  await Promise.all(agencies.map(async (agency) => {
    const { ctx, options } = agencySyncContext({ ...agency.deps, clock, logger: agency.logger })
    ctx.onProgress = ({ peer, cursor }) => { cursors.set(`${agency.spec.id}<${peer}`, cursor); report() }
    const owner = newWorkerId()
    for (const peer of agencies) {
      if (peer === agency) continue
      let outcome: RoundOutcome | undefined
      for (let attempt = 0; attempt < 5; attempt++) {
        outcome = await runOneRound(ctx, options, owner, peer.spec.id)
        if (outcome?.status === 'synced' || outcome?.status === 'quarantined') break
      }
      if (outcome !== undefined) outcomes.push(outcome)
    }
  }))
  report()
  return outcomes
}

export interface AgencySummary {
  id: string
  url: string
  published: number
  denialsInForce: number
  peers: PeerHealth[]
  alliedRecords: number
  alliedDenialsInForce: number
}

/** What each agency holds after the sync, read from its own database. */
export async function summarise (agencies: readonly DemoAgency[], today: string): Promise<AgencySummary[]> {
  return Promise.all(agencies.map(async (agency) => {
    const db = agency.deps.db
    const head = await findFeedHead(db, agency.spec.id)
    const counts = await countHeldRecords(db, agency.spec.id, today)
    return {
      id: agency.spec.id,
      url: agency.url,
      published: head.seq,
      denialsInForce: counts.ownDenialsInForce,
      peers: await listPeerHealth(db),
      alliedRecords: counts.allied,
      alliedDenialsInForce: counts.alliedDenialsInForce
    }
  }))
}
