import type { Logger } from 'pino'
import type { Db } from '../db/create-db.js'
import type { EntryPayload, PublishedEntry } from '../feed/index.js'
import type { Clock } from '../lib/clock.js'
import { HttpFailure, sendHttpRequest } from '../lib/http-client.js'
import type { PrivateAddresses } from '../lib/outbound-address.js'
import { sleepUnlessAborted } from '../lib/sleep.js'
import { listPeers, type Peer } from '../peers/index.js'
import { isUrgentEntry } from '../records/index.js'
import { peekJws, signPartnerToken, type KeyRing } from '../signing/index.js'
import { backoffDelayMs } from '../lib/backoff.js'

export interface Pusher {
  /** Pushes `entry` to the inbox of every active peer in its audience, if it is urgent; returns at once. */
  published (entry: PublishedEntry): void
  /** Stops retries and ends the requests under way; the pull delivers what was not pushed. */
  close (): void
  /** Resolves when every delivery started so far has ended (for tests and shutdown). */
  idle (): Promise<void>
}

export interface PushOptions {
  attempts: number
  connectTimeoutMs: number
  /** The whole request to the peer's inbox. */
  timeoutMs: number
  backoffBaseMs: number
  backoffCapMs: number
  privateAddresses: PrivateAddresses
}

/** The inbox answers with a small JSON document or a problem; anything longer is cut off. */
const MAX_ANSWER_BYTES = 64 * 1024

/**
 * Urgent entries (denials, grants recorded over an allied denial — after consultation or
 * overriding the warning —, and the revocations, renewals and amendments that change what is
 * in force) are pushed to peers' inboxes as soon as they are published, so an ally learns of a
 * denial before its next pull. Best effort: retried with backoff, then left to the pull, which
 * stays the source of truth (a pushed entry pulled later is a no-op at the peer).
 */
export function createPusher (deps: { db: Db, agencyId: string, keyRing: KeyRing, clock: Clock, logger: Logger }, options: PushOptions): Pusher {
  const stop = new AbortController()
  const running = new Set<Promise<void>>()
  const log = deps.logger.child({ component: 'push' })

  async function deliver (peer: Peer, entry: PublishedEntry) {
    for (let attempt = 0; attempt < options.attempts && !stop.signal.aborted; attempt++) {
      let outcome: string
      try {
        const token = await signPartnerToken(await deps.keyRing.current(), { issuer: deps.agencyId, audience: peer.agencyId, lifetimeSeconds: 60 }, deps.clock)
        const response = await sendHttpRequest(`${peer.baseUrl}/v1/inbox`, {
          method: 'POST',
          headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
          body: JSON.stringify({ jws: entry.jws }),
          limits: { connectTimeoutMs: options.connectTimeoutMs, responseTimeoutMs: options.timeoutMs, maxBytes: MAX_ANSWER_BYTES },
          privateAddresses: options.privateAddresses,
          signal: stop.signal
        })
        if (response.status >= 200 && response.status < 300) {
          log.info({ peer: peer.agencyId, seq: entry.seq, status: response.status }, 'entry pushed')
          return
        }
        if (response.status >= 400 && response.status < 500 && response.status !== 429) {
          log.warn({ peer: peer.agencyId, seq: entry.seq, status: response.status }, 'push refused; the pull will deliver the entry')
          return
        }
        outcome = `status ${response.status}`
      } catch (err) {
        if (err instanceof HttpFailure && (err.kind === 'URL_REFUSED' || err.kind === 'ADDRESS_REFUSED')) {
          log.warn({ peer: peer.agencyId, seq: entry.seq, reason: err.message }, 'push not sent: the peer\'s address is refused')
          return
        }
        outcome = (err as Error).message
      }
      const delay = backoffDelayMs(attempt, { baseMs: options.backoffBaseMs, capMs: options.backoffCapMs })
      log.debug({ peer: peer.agencyId, seq: entry.seq, attempt, outcome, retryInMs: Math.round(delay) }, 'push failed')
      await sleepUnlessAborted(delay, stop.signal)
    }
    log.warn({ peer: peer.agencyId, seq: entry.seq }, 'push gave up; the pull will deliver the entry')
  }

  function track (work: Promise<void>) {
    const tracked = work.catch((err: unknown) => { log.error({ err }, 'push failed') }).finally(() => running.delete(tracked))
    running.add(tracked)
  }

  return {
    published (entry) {
      const payload = peekJws(entry.jws)?.payload as EntryPayload | undefined
      if (payload === undefined || !isUrgentEntry(payload) || stop.signal.aborted) return
      track((async () => {
        const peers = (await listPeers(deps.db)).filter((p) => p.status === 'active' && (payload.aud.includes('*') || payload.aud.includes(p.agencyId)))
        await Promise.all(peers.map((peer) => deliver(peer, entry)))
      })())
    },
    close () { stop.abort() },
    async idle () { await Promise.all([...running]) }
  }
}
