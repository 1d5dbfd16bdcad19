import { sql } from 'kysely'
import t from 'tap'
import { DIVERGENCE_KINDS, DIVERGENCE_STATES, OUTSTANDING_STATES, SEVERITIES, TRANSITIONS } from '../../src/divergence/index.js'
import { createTestDatabase } from '../helpers/test-database.js'

// The migrations keep their own literals (they are history); the lists of divergence/types.ts
// are what the code uses. They must name the same values as the database's check constraints.

t.test('the kinds, severities and states are the values the migrated database accepts', async (t) => {
  const { db } = await createTestDatabase(t)
  const { rows } = await sql<{ definition: string }>`
    select pg_get_constraintdef(c.oid) as definition from pg_constraint c
    where c.conrelid = 'divergences'::regclass and c.contype = 'c'`.execute(db)
  /** The literals the check constraint on `column` allows, e.g. CHECK ((kind = ANY (ARRAY['undercut'::text, …]))). */
  const allowed = (column: string) => {
    const checks = rows.filter((r) => new RegExp(`\\(\\(?${column} = ANY`).test(r.definition))
    t.equal(checks.length, 1, `one check constraint on divergences.${column}`)
    return [...(checks[0]?.definition ?? '').matchAll(/'([^']*)'::text/g)].map((m) => m[1]).sort()
  }
  t.same(allowed('kind'), [...DIVERGENCE_KINDS].sort(), 'DIVERGENCE_KINDS')
  t.same(allowed('severity'), [...SEVERITIES].sort(), 'SEVERITIES')
  t.same(allowed('state'), [...DIVERGENCE_STATES].sort(), 'DIVERGENCE_STATES')
})

t.test('the lifecycle names every state, and only states', async (t) => {
  t.same(Object.keys(TRANSITIONS).sort(), [...DIVERGENCE_STATES].sort(), 'a row of TRANSITIONS per state')
  for (const [from, to] of Object.entries(TRANSITIONS)) {
    for (const state of to) t.ok((DIVERGENCE_STATES as readonly string[]).includes(state), `${from} → ${state}`)
  }
  t.same(TRANSITIONS.resolved, [], 'resolved is final')
  for (const state of OUTSTANDING_STATES) t.ok(TRANSITIONS[state].length > 0, `an outstanding divergence (${state}) can still move`)
})
