import { randomUUID } from 'node:crypto'
import { sql } from 'kysely'
import t from 'tap'
import { countStillHoldingSql, type DivergenceState } from '../../src/divergence/index.js'
import { createTestDatabase } from '../helpers/test-database.js'

// "Still holds" (divergence/types.ts stillHoldsSql) is what the review of our denials counts:
// the rule holds and the divergence is not resolved, whatever an auditor concluded otherwise.

t.test('a divergence naming a record still holds while its rule holds and it is not resolved', async (t) => {
  const { db } = await createTestDatabase(t)
  const record = randomUUID()
  const other = randomUUID()
  const now = new Date('2026-03-01T00:00:00Z')
  const divergence = (holds: boolean, state: DivergenceState, side: 'first' | 'second', recordId = record) => ({
    id: randomUUID(),
    kind: 'undercut' as const,
    pair_key: randomUUID(),
    first_issuer: side === 'first' ? 'alpha' : 'bravo',
    first_record_id: side === 'first' ? recordId : randomUUID(),
    first_version: 1,
    second_issuer: side === 'second' ? 'alpha' : 'bravo',
    second_record_id: side === 'second' ? recordId : randomUUID(),
    second_version: 1,
    severity: 'high' as const,
    state,
    holds,
    destination: 'IR',
    control_category: '3',
    explanation: 'test',
    evidence: '{}',
    detected_at: now,
    updated_at: now,
    resolved_at: state === 'resolved' ? now : null
  })
  await db.insertInto('divergences').values([
    divergence(true, 'open', 'first'),
    divergence(true, 'justified', 'second'),
    divergence(true, 'dismissed', 'first'),
    divergence(true, 'escalated', 'second'),
    divergence(true, 'resolved', 'first'),
    divergence(false, 'open', 'first'),
    divergence(false, 'acknowledged', 'second'),
    divergence(true, 'open', 'first', other)
  ]).execute()
  const count = async (issuer: string, recordId: string) => {
    const { rows } = await sql<{ n: number }>`select ${countStillHoldingSql({ issuer: sql`${issuer}::text`, recordId: sql`${recordId}::uuid` })} as n`.execute(db)
    return rows[0]?.n
  }
  t.equal(await count('alpha', record), 4, 'open, justified, dismissed and escalated, as first or second; not the resolved one, nor those that stopped holding')
  t.equal(await count('bravo', record), 0, 'the same record id from another issuer')
  t.equal(await count('alpha', other), 1)
})
