import type { Transaction } from 'kysely'
import type { Database } from '../db/schema.js'
import type { EntryPayload, VerifiedEntry } from '../feed/index.js'
import { filterColumnsOf } from './to-record.js'
import type { ContentByKind, RecordKind } from './types.js'

export interface ProjectionResult {
  projected: number
  /** Entries stored but not projected (a body this version cannot read); logged by the caller. */
  skipped: Array<{ seq: number, why: string }>
}

const RECORD_KINDS: ReadonlySet<string> = new Set(['decision', 'classification', 'crosswalk'])

/**
 * Projects a peer's verified entries, in seq order, into `records`: new records are inserted,
 * amendments replace the content, renewals move `valid_until`, revocations set `revoked_from`
 * — each only when it is newer than the version we hold, so replays are no-ops. Placeholders
 * carry nothing to project. Runs in the caller's transaction (the one that stores the entries).
 */
export async function projectEntries (trx: Transaction<Database>, issuer: string, entries: readonly VerifiedEntry[]): Promise<ProjectionResult> {
  const result: ProjectionResult = { projected: 0, skipped: [] }
  for (const entry of entries) {
    if (entry.payload === undefined) continue
    const why = await projectOne(trx, issuer, entry.seq, entry.payload)
    if (why === undefined) result.projected += 1
    else result.skipped.push({ seq: entry.seq, why })
  }
  return result
}

async function projectOne (trx: Transaction<Database>, issuer: string, seq: number, payload: EntryPayload): Promise<string | undefined> {
  const body = payload.body as Record<string, unknown>
  const recordId = body.recordId
  const version = body.version
  if (typeof recordId !== 'string' || typeof version !== 'number') return 'the body has no recordId or version'
  const audience = payload.aud.includes('*') ? null : payload.aud
  if (RECORD_KINDS.has(payload.kind)) {
    const { recordId: _id, version: _v, ...content } = body
    return insertOrReplace(trx, issuer, seq, recordId, version, payload.kind as RecordKind, content, audience)
  }
  const current = await trx.selectFrom('records').select(['version', 'kind', 'body']).where('issuer', '=', issuer).where('record_id', '=', recordId).forUpdate().executeTakeFirst()
  if (payload.kind === 'amendment') {
    const kind = (body.recordKind ?? current?.kind) as RecordKind | undefined
    if (kind === undefined || !RECORD_KINDS.has(kind) || typeof body.content !== 'object' || body.content === null) return 'an amendment without recordKind or content'
    return insertOrReplace(trx, issuer, seq, recordId, version, kind, body.content as Record<string, unknown>, audience)
  }
  if (current === undefined) return `a ${payload.kind} of record ${recordId}, which we do not hold`
  if (current.version >= version) return undefined
  if (payload.kind === 'revocation') {
    if (typeof body.effectiveDate !== 'string') return 'a revocation without effectiveDate'
    await trx.updateTable('records').set({ version, status: 'revoked', revoked_from: body.effectiveDate, latest_seq: seq, updated_at: new Date() })
      .where('issuer', '=', issuer).where('record_id', '=', recordId).execute()
    return undefined
  }
  if (payload.kind === 'renewal') {
    if (typeof body.validUntil !== 'string') return 'a renewal without validUntil'
    await trx.updateTable('records').set({
      version, valid_until: body.validUntil, body: JSON.stringify({ ...current.body, validUntil: body.validUntil }), latest_seq: seq, updated_at: new Date()
    }).where('issuer', '=', issuer).where('record_id', '=', recordId).execute()
    return undefined
  }
  return `an entry of unknown kind "${payload.kind}"`
}

async function insertOrReplace (trx: Transaction<Database>, issuer: string, seq: number, recordId: string, version: number, kind: RecordKind, content: Record<string, unknown>, audience: string[] | null): Promise<string | undefined> {
  const columns = filterColumnsOf(kind, content as unknown as ContentByKind[typeof kind])
  const inserted = await trx.insertInto('records').values({
    issuer, record_id: recordId, kind, version, status: 'active', ...columns, revoked_from: null, audience,
    body: JSON.stringify(content), latest_seq: seq
  }).onConflict((oc) => oc.columns(['issuer', 'record_id']).doUpdateSet((eb) => ({
    version: eb.ref('excluded.version'),
    reference: eb.ref('excluded.reference'),
    outcome: eb.ref('excluded.outcome'),
    destination: eb.ref('excluded.destination'),
    decision_date: eb.ref('excluded.decision_date'),
    valid_until: eb.ref('excluded.valid_until'),
    body: eb.ref('excluded.body'),
    latest_seq: eb.ref('excluded.latest_seq'),
    updated_at: new Date()
  })).where('records.version', '<', version)).executeTakeFirst()
  return inserted === undefined ? 'not projected' : undefined
}
