import type { Transaction } from 'kysely'
import type { Database } from '../../src/db/schema.js'
import type { ClassificationContent, DecisionContent } from '../../src/records/index.js'
import { insertRecords } from '../../src/records/queries.js'
import { replaceRecordDetails } from '../../src/records/record-details.js'
import { filterColumnsOf } from '../../src/records/to-record.js'

const NOW = new Date('2026-06-01T12:00:00Z')
let seq = 0

export type HeldRecordInput =
  | { recordId: string, kind: 'decision', content: DecisionContent, revokedFrom?: string | null }
  | { recordId: string, kind: 'classification', content: ClassificationContent, revokedFrom?: string | null }

/**
 * Stores records of `issuer` as held records, through the records writer's own statements
 * (the record row, then its parties, items and codes: `party_names` and the match keys follow),
 * without a feed entry: for tests of what the indexes give.
 */
export async function storeHeldRecords (trx: Transaction<Database>, issuer: string, records: readonly HeldRecordInput[]): Promise<void> {
  await insertRecords(trx, records.map((r) => ({
    issuer,
    record_id: r.recordId,
    kind: r.kind,
    version: 1,
    status: (r.revokedFrom ?? null) === null ? 'active' : 'revoked',
    ...filterColumnsOf(r.kind, r.content as never),
    revoked_from: r.revokedFrom ?? null,
    audience: null,
    body: r.content as never,
    latest_seq: ++seq,
    created_at: NOW,
    updated_at: NOW
  })))
  await replaceRecordDetails(trx, records.map((r) => ({ issuer, recordId: r.recordId, kind: r.kind, content: r.content }) as never), { fresh: true })
}
