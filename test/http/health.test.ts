import pg from 'pg'
import t from 'tap'
import { startAgency } from '../helpers/agency.js'
import { PG_ADMIN_URL } from '../helpers/test-database.js'

t.test('live and ready answer 200 while the database answers', async (t) => {
  const agency = await startAgency(t)
  for (const url of ['/health/live', '/health/ready']) {
    const res = await agency.app.inject({ url })
    t.equal(res.statusCode, 200, url)
    t.same(res.json(), { status: 'ok' })
  }
})

t.test('ready answers 503 DATABASE_UNAVAILABLE once the database is gone; live stays 200', async (t) => {
  const agency = await startAgency(t)
  t.equal((await agency.app.inject({ url: '/health/ready' })).statusCode, 200, 'ready before')

  // the agency's own database, dropped for real: its open connections are terminated and it cannot reconnect
  const name = new URL(agency.databaseUrl).pathname.slice(1)
  const admin = new pg.Client({ connectionString: PG_ADMIN_URL })
  await admin.connect()
  try {
    await admin.query(`drop database "${name}" with (force)`)
  } finally {
    await admin.end()
  }

  const ready = await agency.app.inject({ url: '/health/ready' })
  t.equal(ready.statusCode, 503)
  t.match(ready.headers['content-type'], /^application\/problem\+json/)
  t.match(ready.json(), { status: 503, code: 'DATABASE_UNAVAILABLE', detail: /database unavailable/ })
  t.equal((await agency.app.inject({ url: '/health/live' })).statusCode, 200, 'the process itself is still alive')
})
