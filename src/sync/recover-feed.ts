import type { Transaction } from 'kysely'
import type { Database } from '../db/schema.js'
import { ChainError, findEntryHash, findFeedHead, storeEntries, verifyChain, type VerifiedEntry, type WireEntry } from '../feed/index.js'
import { listPeers, type Peer } from '../peers/index.js'
import { KeyPolicy, type Jwks } from '../signing/index.js'
import { entryRow } from './ingest.js'
import type { SyncContext } from './sync-peer.js'
import { checkView, storeView, type CheckedView } from './witness.js'

// Recovery from allies (docs/federation.md section 2): what our peers hold of our own feed,
// and the tail of it our database lost (a restore from a backup), fetched back and verified.

export interface RecoveryPlan {
  /** Our head as this database has it. */
  head: { seq: number, hash: string | null }
  /** What each peer that answered co-signed of our feed. */
  views: CheckedView[]
  /** Peers that did not answer, or whose answer did not verify. */
  unanswered: Array<{ peer: string, why: string }>
  /** Peers holding another entry than ours at a seq we hold: our history and theirs differ. */
  forked: Array<{ peer: string, seq: number }>
  /** The peer holding the most of our feed beyond our head, and the entries we lack, verified. */
  source: string | undefined
  tail: VerifiedEntry[]
  /** Seqs of the tail whose content no peer holds (kept as placeholders: hash and prev). */
  lost: number[]
}

/**
 * Asks every active peer what it holds of our feed (`GET /v1/witness/{us}`, co-signed), and from
 * the one holding the most beyond our head, our entries after it (`GET /v1/witness/{us}/entries`,
 * as the issuer we read them in full), an entry it holds as a placeholder from another peer that
 * has it. Every entry is verified with our own keys (`ownJwks`, any state, and the keys the tail
 * announces) and the chain from our head, and the last must be the hash the peer co-signed.
 * Nothing is stored: `storeRecoveredEntries` does, in the caller's transaction.
 */
export async function planRecovery (ctx: Pick<SyncContext, 'db' | 'client' | 'clock' | 'logger'>, self: string, ownJwks: Jwks): Promise<RecoveryPlan> {
  const head = await findFeedHead(ctx.db, self)
  const plan: RecoveryPlan = { head: { seq: head.seq, hash: head.hash }, views: [], unanswered: [], forked: [], source: undefined, tail: [], lost: [] }
  const peers = (await listPeers(ctx.db)).filter((p) => p.status === 'active')
  for (const peer of peers) {
    try {
      const checked = checkView(peer, undefined, self, await ctx.client.witnessView(peer, self))
      if (typeof checked === 'string') {
        plan.unanswered.push({ peer: peer.agencyId, why: checked })
        continue
      }
      await storeView(ctx.db, checked)
      plan.views.push(checked)
      if (checked.seq <= head.seq && checked.seq > 0 && await findEntryHash(ctx.db, self, checked.seq) !== checked.hash) plan.forked.push({ peer: peer.agencyId, seq: checked.seq })
    } catch (err) {
      plan.unanswered.push({ peer: peer.agencyId, why: err instanceof Error ? err.message : String(err) })
    }
  }
  const best = plan.views.reduce<CheckedView | undefined>((a, b) => (a === undefined || b.seq > a.seq ? b : a), undefined)
  if (best === undefined || best.seq <= head.seq || plan.forked.length > 0) return plan
  const source = peers.find((p) => p.agencyId === best.witness) as Peer
  const wire: WireEntry[] = []
  for (let after = head.seq; after < best.seq;) {
    const page = await ctx.client.copyPage(source, self, after, Math.min(1000, best.seq - after))
    if (page.entries.length === 0) break
    wire.push(...page.entries)
    after = page.entries[page.entries.length - 1]?.seq ?? best.seq
  }
  for (const [i, entry] of wire.entries()) {
    if ('jws' in entry) continue
    for (const other of plan.views.filter((v) => v.witness !== best.witness && v.seq >= entry.seq)) {
      const peer = peers.find((p) => p.agencyId === other.witness) as Peer
      const found = await ctx.client.copyPage(peer, self, entry.seq - 1, 1).then((p) => p.entries[0], () => undefined)
      if (found !== undefined && 'jws' in found && found.seq === entry.seq) {
        wire[i] = found
        break
      }
    }
  }
  plan.tail = await verifyChain(self, wire, ownJwks, head, undefined, new KeyPolicy())
  const last = plan.tail.at(-1)
  if (last === undefined || last.seq !== best.seq || last.hash !== best.hash) {
    throw new ChainError('broken-chain', last?.seq ?? head.seq, `${best.witness} co-signed our feed at ${best.seq} but served entries that end elsewhere`)
  }
  plan.source = best.witness
  plan.lost = plan.tail.filter((e) => e.jws === undefined).map((e) => e.seq)
  return plan
}

/** Stores recovered entries of our own feed, in the caller's transaction (which holds the head's lock). */
export async function storeRecoveredEntries (trx: Transaction<Database>, self: string, entries: readonly VerifiedEntry[]): Promise<void> {
  await storeEntries(trx, entries.map((e) => entryRow(self, e)), { onConflict: 'fail' })
}
