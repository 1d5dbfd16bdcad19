import { promises as fs } from 'node:fs'
import * as path from 'node:path'
import { randomUUID } from 'node:crypto'
import { sql } from 'kysely'
import { FileMigrationProvider, Migrator } from 'kysely/migration'
import t from 'tap'
import { createDb } from '../../src/db/create-db.js'
import { MIGRATIONS_DIR } from '../../src/db/migrate.js'
import { createEmptyDatabase } from '../helpers/test-database.js'

// Messages stored while consultations had a retry loop of their own are handed to the outbox by
// the migration that ended it: a pending one is retried from where it stood, a refused one is
// counted as refused, a delivered or received one is not queued.

t.test('the migration queues the messages still pending in the outbox, as they stood', async (t) => {
  const db = await createDb({ databaseUrl: await createEmptyDatabase(t), dataDir: '/nonexistent' })
  t.teardown(() => db.destroy())
  const migrator = new Migrator({ db, provider: new FileMigrationProvider({ fs, path, migrationFolder: MIGRATIONS_DIR }) })
  t.notOk((await migrator.migrateTo('202612061010_create_outbox_and_webhooks')).error, 'migrated to before the move')

  const consultation = randomUUID()
  await sql`insert into consultations (id, direction, requester, consulted, denial_issuer, denial_record_id, denial_reference, regime, proposed, question, state, deadline, requested_at, updated_at)
    values (${consultation}, 'outgoing', 'lima', 'kilo', 'kilo', ${randomUUID()}, 'R-1', 'uk', '{}', 'Any objection?', 'requested', '2027-01-01', now(), now())`.execute(db)
  const retryAt = new Date(Date.now() + 60_000)
  const messages = {
    pending: { id: randomUUID(), delivery: 'pending', attempts: 3, next: retryAt, error: 'the peer\'s inbox could not be reached (CONNECT)' },
    refused: { id: randomUUID(), delivery: 'refused', attempts: 1, next: null, error: '422 MESSAGE_REFUSED: no' },
    delivered: { id: randomUUID(), delivery: 'delivered', attempts: 1, next: null, error: null },
    received: { id: randomUUID(), delivery: 'received', attempts: 0, next: null, error: null }
  }
  let position = 0
  for (const m of Object.values(messages)) {
    position += 1
    await sql`insert into consultation_messages (id, consultation_id, position, kind, sender, receiver, jws, sent_at, delivery, attempts, next_attempt_at, last_error)
      values (${m.id}, ${consultation}, ${position}, ${position === 1 ? 'request' : 'information'}, 'lima', 'kilo', 'x.y.z', now(), ${m.delivery}, ${m.attempts}, ${m.next}, ${m.error})`.execute(db)
  }

  t.notOk((await migrator.migrateToLatest()).error, 'migrated to the latest')
  const queued = await db.selectFrom('outbox').select(['topic', 'key', 'payload', 'state', 'attempts', 'next_attempt_at', 'last_error']).orderBy('attempts', 'desc').execute()
  t.match(queued, [
    { topic: 'consultation-message', key: `consultation-message ${messages.pending.id}`, payload: { messageId: messages.pending.id }, state: 'pending', attempts: 3, next_attempt_at: retryAt, last_error: messages.pending.error },
    { topic: 'consultation-message', key: `consultation-message ${messages.refused.id}`, payload: { messageId: messages.refused.id }, state: 'refused', attempts: 1, next_attempt_at: null, last_error: messages.refused.error }
  ], 'the pending message retried from where it stood; the refused one counted; no other')
  t.equal(queued.length, 2)
  const { rows } = await sql<{ column_name: string }>`select column_name from information_schema.columns where table_name = 'consultation_messages' and column_name = 'next_attempt_at'`.execute(db)
  t.same(rows, [], 'the messages no longer schedule their own retries')
})
