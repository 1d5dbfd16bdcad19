import { sql, type Transaction } from 'kysely'
import type { Db } from '../db/create-db.js'
import type { Database } from '../db/schema.js'
import { findEntryHash, findFeedHead } from '../feed/index.js'
import type { Clock } from '../lib/clock.js'
import { currentKeysOf, findPeer, listPeers, type Peer } from '../peers/index.js'
import { checkpointText, cosignNoteText, parseNote, readCheckpointText, verifyCheckpointNote, verifyCosignature, type SigningKey } from '../signing/index.js'
import type { WitnessView } from './peer-client.js'
import { findSyncRow, quarantinePeer } from './queries.js'
import { SyncFailure } from './sync-failure.js'
import type { SyncContext } from './sync-peer.js'

// Witnesses (docs/federation.md section 4): each agency co-signs what it has verified of each
// peer's feed, asks its peers what they verified of every feed (its own included), and keeps
// the latest answer per subject and witness in `witness_views`. Two histories of one feed, each
// signed by its agency and one co-signed by an ally, are a split view.

/**
 * What we hold of `issuer`'s feed, as a C2SP checkpoint we co-sign: its text at our cursor, the
 * issuer's own signature line when its last checkpoint we verified is at that very seq, then our
 * cosignature. Undefined when `issuer` is not a peer of ours.
 */
export async function witnessStatement (db: Db, self: string, key: SigningKey, clock: Clock, issuer: string): Promise<WitnessView | undefined> {
  const row = await findSyncRow(db, issuer)
  if (row === undefined || issuer === self) return undefined
  const text = checkpointText(issuer, row.cursor_seq, row.cursor_hash)
  const theirs = row.head_checkpoint !== null && row.head_seq === row.cursor_seq ? parseNote(row.head_checkpoint) : undefined
  const issuerLines = theirs?.text === text ? theirs.signatures.filter((s) => s.name === issuer).map((s) => s.line).join('') : ''
  const ours = cosignNoteText(text, self, key, Math.floor(clock.now().getTime() / 1000))
  return { issuer, seq: row.cursor_seq, hash: row.cursor_hash, checkpoint: `${text}\n${issuerLines}${ours}` }
}

/** A witness's view, verified: its cosignature under its keys, and the subject's signature when it carries one. */
export interface CheckedView {
  subject: string
  witness: string
  seq: number
  hash: string | null
  note: string
  cosignedAt: Date
  /** Whether the note carries the subject's own signature (then two views of one size are two signed checkpoints). */
  signedBySubject: boolean
}

/**
 * Checks what `witness` answered about `subject`: a checkpoint of that subject, co-signed by the
 * witness under one of its current keys, and signed by the subject itself if a line claims to be
 * (a line that does not verify refuses the view). Returns why not, as text, for an answer that is
 * not one.
 */
export function checkView (witness: Peer, subject: { agencyId: string, jwks: Peer['jwks'] } | undefined, subjectId: string, view: WitnessView): CheckedView | string {
  const note = parseNote(view.checkpoint)
  const body = note === undefined ? undefined : readCheckpointText(note.text)
  if (note === undefined || body === undefined || body.origin !== subjectId) return 'not a checkpoint of the feed asked about'
  let cosignedAt: number | undefined
  for (const line of note.signatures.filter((s) => s.name === witness.agencyId)) {
    for (const key of currentKeysOf(witness).keys) cosignedAt ??= verifyCosignature(note.text, line, key)
  }
  if (cosignedAt === undefined) return `no cosignature by ${witness.agencyId} under its current keys`
  let signedBySubject = false
  if (subject !== undefined && note.signatures.some((s) => s.name === subjectId)) {
    try {
      verifyCheckpointNote(view.checkpoint, subjectId, subject.jwks)
      signedBySubject = true
    } catch {
      return `the line signed as ${subjectId} does not verify`
    }
  }
  return { subject: subjectId, witness: witness.agencyId, seq: body.size, hash: body.hash, note: view.checkpoint, cosignedAt: new Date(cosignedAt * 1000), signedBySubject }
}

/** Keeps a view unless we hold a later one of the same witness. */
export async function storeView (db: Db, view: CheckedView): Promise<void> {
  const row = { seq: view.seq, hash: view.hash, note: view.note, cosigned_at: view.cosignedAt, fetched_at: new Date() }
  await db.insertInto('witness_views').values({ subject: view.subject, witness: view.witness, ...row })
    .onConflict((oc) => oc.columns(['subject', 'witness']).doUpdateSet(row).where('witness_views.seq', '<=', view.seq)).execute()
}

/** The views of a peer's feed at a seq our copy holds (up to `cursor`) with another hash: each witness saw another history. */
export async function conflictingViews (db: Db, subject: string, cursor: number): Promise<Array<{ witness: string, seq: number, hash: string | null, note: string, held: string | null }>> {
  const rows = await db.selectFrom('witness_views as v')
    .leftJoin('feed_entries as e', (join) => join.onRef('e.issuer', '=', 'v.subject').onRef('e.seq', '=', 'v.seq'))
    .select(['v.witness', 'v.seq', 'v.hash', 'v.note', 'e.hash as held'])
    .where('v.subject', '=', subject).where('v.seq', '>', 0).where('v.seq', '<=', cursor)
    .execute()
  return rows.filter((r) => r.held !== r.hash).map((r) => ({ witness: r.witness, seq: r.seq, hash: r.hash, note: r.note, held: r.held ?? null }))
}

/**
 * Checks our copy of `peer`'s feed against what its other allies co-signed of it: a view of a
 * seq we hold with another hash is a split view (SPLIT_VIEW, quarantine), its evidence the
 * checkpoint the peer signed for us and the one a witness co-signed.
 */
export async function checkAgainstWitnesses (db: Db, peer: string): Promise<void> {
  const ours = await findSyncRow(db, peer)
  const [conflict] = await conflictingViews(db, peer, ours?.cursor_seq ?? 0)
  if (conflict === undefined) return
  throw new SyncFailure('SPLIT_VIEW', `${conflict.witness} co-signed another history of ${peer}'s feed: at seq ${conflict.seq} it holds ${String(conflict.hash)}, we hold ${String(conflict.held)}`, {
    evidence: { ours: ours?.head_checkpoint ?? null, oursSeq: ours?.head_seq ?? null, heldHash: conflict.held, witness: conflict.witness, theirs: conflict.note }
  })
}

export interface WitnessRound {
  /** Views fetched and checked, and those that were refused (with why). */
  views: CheckedView[]
  refused: Array<{ witness: string, subject: string, why: string }>
  /** Peers quarantined for a split view in this round. */
  splitViews: string[]
  /** The witnesses that hold more of our own feed than we do: our database lost entries (a restore). */
  ahead: Array<{ witness: string, seq: number }>
  /** The witnesses that hold another history of our own feed: someone signed entries as us. */
  forked: Array<{ witness: string, seq: number }>
}

/**
 * Asks every active peer what it holds of every other active peer's feed and of ours, checks and
 * keeps each answer, and quarantines a peer whose feed a witness saw otherwise than we do. A peer
 * that does not answer is skipped (the next round asks again). What the witnesses hold of our
 * own feed is reported: ahead of us means our database lost entries (recover them), another
 * hash means someone signed entries as us.
 */
export async function collectWitnessViews (ctx: Pick<SyncContext, 'db' | 'client' | 'clock' | 'logger'>, self: string): Promise<WitnessRound> {
  const round: WitnessRound = { views: [], refused: [], splitViews: [], ahead: [], forked: [] }
  const peers = (await listPeers(ctx.db)).filter((p) => p.status === 'active')
  const log = ctx.logger.child({ component: 'witness' })
  for (const witness of peers) {
    for (const subjectId of [self, ...peers.map((p) => p.agencyId)].filter((id) => id !== witness.agencyId)) {
      let view: WitnessView
      try {
        view = await ctx.client.witnessView(witness, subjectId)
      } catch (err) {
        log.debug({ witness: witness.agencyId, subject: subjectId, err }, 'witness view not available')
        continue
      }
      const subject = subjectId === self ? undefined : peers.find((p) => p.agencyId === subjectId)
      const checked = checkView(witness, subject, subjectId, view)
      if (typeof checked === 'string') {
        round.refused.push({ witness: witness.agencyId, subject: subjectId, why: checked })
        log.warn({ witness: witness.agencyId, subject: subjectId, why: checked }, 'witness view refused')
        continue
      }
      await storeView(ctx.db, checked)
      round.views.push(checked)
    }
  }
  const head = await findFeedHead(ctx.db, self)
  for (const view of round.views.filter((v) => v.subject === self)) {
    if (view.seq > head.seq) round.ahead.push({ witness: view.witness, seq: view.seq })
    else if (view.seq > 0 && await findEntryHash(ctx.db, self, view.seq) !== view.hash) round.forked.push({ witness: view.witness, seq: view.seq })
  }
  for (const entry of round.forked) log.error({ witness: entry.witness, seq: entry.seq }, 'a peer holds another history of our own feed: entries were signed as us elsewhere')
  for (const peer of peers) {
    try {
      await checkAgainstWitnesses(ctx.db, peer.agencyId)
    } catch (err) {
      if (!(err instanceof SyncFailure)) throw err
      const current = await findPeer(ctx.db, peer.agencyId)
      if (current?.status !== 'active') continue
      await quarantinePeer(ctx.db, peer.agencyId, { code: err.code, message: err.message, evidence: err.evidence }, ctx.clock.now())
      round.splitViews.push(peer.agencyId)
      log.error({ peer: peer.agencyId, reason: err.message }, 'split view: peer quarantined')
    }
  }
  return round
}

/** The cosignature lines our peers gave of our own checkpoint `text`: to publish with it. */
export async function cosignaturesOf (db: Db, self: string, text: string): Promise<string[]> {
  const body = readCheckpointText(text)
  if (body === undefined) return []
  const rows = await db.selectFrom('witness_views').select(['witness', 'note'])
    .where('subject', '=', self).where('seq', '=', body.size)
    .where(body.hash === null ? sql<boolean>`hash is null` : sql<boolean>`hash = ${body.hash}`)
    .orderBy('witness').execute()
  return rows.flatMap((row) => {
    const note = parseNote(row.note)
    return note?.text === text ? note.signatures.filter((s) => s.name === row.witness).map((s) => s.line) : []
  })
}

// WITNESS_QUORUM (docs/federation.md section 4): a peer's entries count for detection and alerts
// once enough allies co-signed its feed up to them; the records of those beyond wait here.

/**
 * How far `peer`'s feed is witnessed: the largest seq such that `quorum` allies (other than the
 * peer) co-signed a checkpoint of it at or beyond that seq that agrees with our copy. Views
 * beyond our cursor cannot be checked yet and do not count.
 */
export async function witnessedSeqOf (db: Db, peer: string, quorum: number): Promise<number> {
  const cursor = (await findSyncRow(db, peer))?.cursor_seq ?? 0
  const rows = await db.selectFrom('witness_views as v')
    .innerJoin('feed_entries as e', (join) => join.onRef('e.issuer', '=', 'v.subject').onRef('e.seq', '=', 'v.seq').onRef('e.hash', '=', 'v.hash'))
    .select('v.seq').where('v.subject', '=', peer).where('v.witness', '!=', peer).where('v.seq', '<=', cursor)
    .orderBy('v.seq', 'desc').execute()
  return quorum <= 0 ? cursor : rows[quorum - 1]?.seq ?? 0
}

/** The witnessed seq last recorded for `peer` (in the storing transaction). */
export async function recordedWitnessedSeq (trx: Transaction<Database>, peer: string): Promise<number> {
  return (await trx.selectFrom('peer_sync').select('witnessed_seq').where('agency_id', '=', peer).executeTakeFirst())?.witnessed_seq ?? 0
}

/** Keeps records of `peer` stored beyond its witnessed seq until it is witnessed that far. */
export async function holdUnwitnessed (trx: Transaction<Database>, peer: string, records: ReadonlyArray<{ recordId: string, seq: number }>): Promise<void> {
  if (records.length === 0) return
  await trx.insertInto('unwitnessed_records').values(records.map((r) => ({ issuer: peer, record_id: r.recordId, seq: r.seq })))
    .onConflict((oc) => oc.columns(['issuer', 'record_id']).doUpdateSet((eb) => ({ seq: eb.fn('greatest', [eb.ref('unwitnessed_records.seq'), eb.ref('excluded.seq')]) }))).execute()
}

/** Records `peer` witnessed up to `seq`, and hands back the records that waited for it (removed from the wait). */
export async function releaseWitnessed (trx: Transaction<Database>, peer: string, seq: number): Promise<Array<{ issuer: string, recordId: string }>> {
  await trx.updateTable('peer_sync').set({ witnessed_seq: seq }).where('agency_id', '=', peer).where('witnessed_seq', '<', seq).execute()
  const released = await trx.deleteFrom('unwitnessed_records').where('issuer', '=', peer).where('seq', '<=', seq).returning('record_id').execute()
  return released.map((r) => ({ issuer: peer, recordId: r.record_id }))
}
