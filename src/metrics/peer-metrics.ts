import { Counter, Gauge, type Registry } from 'prom-client'
import { listPeerHealth, type PeerHealth, type PeerState } from '../sync/index.js'
import { source, type Source } from './source.js'

const STATES: readonly PeerState[] = ['active', 'backing_off', 'quarantined', 'disabled', 'removed']

/** The sync health of every enrolled peer (the names /metrics has shown since issue 5: docs/sync.md). */
export function peerSource (registry: Registry): Source {
  const state = new Gauge({ name: 'reciprocity_peer_state', help: 'Sync state of the peer (1 for the current state).', labelNames: ['peer', 'state'] as const, registers: [registry] })
  const perPeer = [
    gauge('reciprocity_peer_cursor_seq', 'Last seq of the peer\'s feed we hold.', (h) => h.cursor),
    gauge('reciprocity_peer_head_seq', 'Peer head seq in its last verified checkpoint.', (h) => h.headSeq),
    gauge('reciprocity_peer_lag_entries', 'Entries the peer has published that we do not hold yet.', (h) => h.lag),
    counter('reciprocity_peer_entries_ingested_total', 'Entries ingested from the peer.', (h) => h.entriesIngested),
    counter('reciprocity_peer_verification_failures_total', 'Verification failures (bad signature, broken chain, fork).', (h) => h.verificationFailures),
    gauge('reciprocity_peer_last_success_timestamp_seconds', 'Unix time of the last successful sync round.', (h) => h.lastSuccessAt === null ? null : h.lastSuccessAt.getTime() / 1000),
    gauge('reciprocity_peer_last_error_timestamp_seconds', 'Unix time of the last failed sync round.', (h) => h.lastErrorAt === null ? null : h.lastErrorAt.getTime() / 1000)
  ]

  function gauge (name: string, help: string, value: (h: PeerHealth) => number | null) {
    const metric = new Gauge({ name, help, labelNames: ['peer'] as const, registers: [registry] })
    const show = (h: PeerHealth) => {
      const v = value(h)
      if (v !== null) metric.set({ peer: h.agencyId }, v)
    }
    return { metric, show }
  }
  function counter (name: string, help: string, value: (h: PeerHealth) => number) {
    const metric = new Counter({ name, help, labelNames: ['peer'] as const, registers: [registry] })
    return { metric, show: (h: PeerHealth) => { metric.inc({ peer: h.agencyId }, value(h)) } }
  }

  return source('peers', [state, ...perPeer.map((m) => m.metric)], (db) => listPeerHealth(db), (health) => {
    for (const h of health) {
      for (const s of STATES) state.set({ peer: h.agencyId, state: s }, h.state === s ? 1 : 0)
      for (const m of perPeer) m.show(h)
    }
  })
}
