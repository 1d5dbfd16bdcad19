import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { sql } from 'kysely'
import t, { type Test } from 'tap'
import { auditHash } from '../../src/audit/append-events.js'
import { verifyAuditChain } from '../../src/audit/index.js'
import { fixedClock, systemClock } from '../../src/lib/clock.js'
import { publishDecision, type DecisionInput, type RecordsContext } from '../../src/records/index.js'
import { startAgency, type TestAgency } from '../helpers/agency.js'
import { runCli } from '../helpers/processes.js'
import { headSeq, sampleClassification, sampleCrosswalk, sampleDecision } from '../helpers/records.js'

/** A request by the user `subject` holding `role`, through the real routes. */
async function as (agency: TestAgency, subject: string, role: 'officer' | 'auditor', method: 'GET' | 'POST', url: string, payload?: unknown, contentType?: string) {
  const res = await agency.app.inject({
    method,
    url,
    headers: { authorization: `Bearer ${await agency.idp.token(subject, [role])}`, ...(contentType === undefined ? {} : { 'content-type': contentType }) },
    ...(payload === undefined ? {} : { payload: payload as string })
  })
  return { status: res.statusCode, body: res.json() as Record<string, any> }
}

const events = (agency: TestAgency) => agency.db.selectFrom('audit_events').selectAll().orderBy('seq').execute()

async function cliEnv (t: Test, agency: TestAgency) {
  const dataDir = await mkdtemp(join(tmpdir(), 'reciprocity-cli-audit-'))
  t.teardown(() => rm(dataDir, { recursive: true, force: true }))
  return { AGENCY_ID: agency.id, DATABASE_URL: agency.databaseUrl, DATA_DIR: dataDir, KEY_ENCRYPTION_KEY: (agency.config.keyEncryptionKey as { value: string }).value }
}

t.test('every publication is an audit event naming the officer, written with the entry or not at all', async (t) => {
  const agency = await startAgency(t)
  const officer = 'officer-jane'
  const post = (url: string, body: unknown) => as(agency, officer, 'officer', 'POST', url, body)

  const decision = await post('/v1/decisions', sampleDecision())
  t.equal(decision.status, 201, JSON.stringify(decision.body))
  const id = decision.body.record.id as string
  const reference = decision.body.record.decision.reference as string
  const classification = await post('/v1/classifications', sampleClassification())
  const crosswalk = await post('/v1/crosswalks', sampleCrosswalk())
  const amended = await post(`/v1/decisions/${id}/amendments`, { version: 1, reason: 'destination misread', decision: sampleDecision({ reference, destination: 'SY' }) })
  const renewed = await post(`/v1/decisions/${id}/renewals`, { version: 2, reason: 'reviewed', validUntil: '2031-01-01' })
  const revoked = await post(`/v1/classifications/${classification.body.record.id}/revocations`, { version: 1, reason: 'withdrawn', effectiveDate: '2026-01-01' })
  t.same([classification.status, crosswalk.status, amended.status, renewed.status, revoked.status], [201, 201, 201, 201, 201])

  t.match(await events(agency), [
    { seq: 1, actor: officer, action: 'record-published', subject_type: 'record', subject_id: id, prev_hash: null, detail: { kind: 'decision', version: 1, seq: 1, entryHash: decision.body.entry.hash, entryId: decision.body.entry.entryId, reference } },
    { seq: 2, actor: officer, action: 'record-published', subject_id: classification.body.record.id, detail: { kind: 'classification', version: 1, seq: 2, reference: null } },
    { seq: 3, actor: officer, action: 'record-published', subject_id: crosswalk.body.record.id, detail: { kind: 'crosswalk', version: 1, seq: 3 } },
    { seq: 4, actor: officer, action: 'record-amended', subject_id: id, detail: { kind: 'decision', version: 2, seq: 4, entryHash: amended.body.entry.hash, reference, reason: 'destination misread' } },
    { seq: 5, actor: officer, action: 'record-renewed', subject_id: id, detail: { version: 3, seq: 5, reason: 'reviewed', validUntil: '2031-01-01' } },
    { seq: 6, actor: officer, action: 'record-revoked', subject_id: classification.body.record.id, detail: { kind: 'classification', version: 2, seq: 6, reason: 'withdrawn', effectiveDate: '2026-01-01' } }
  ], 'publish, amend, renew and revoke: one event each, by the officer, naming the version and its feed entry')

  await t.test('a refused publication leaves no event', async (t) => {
    const duplicate = await post('/v1/decisions', sampleDecision({ reference }))
    t.equal(duplicate.status, 409)
    t.equal(duplicate.body.code, 'DUPLICATE_REFERENCE')
    const stale = await post(`/v1/decisions/${id}/amendments`, { version: 1, reason: 'late', decision: sampleDecision({ reference }) })
    t.equal(stale.body.code, 'RECORD_SUPERSEDED')
    t.equal((await events(agency)).length, 6)
  })

  await t.test('the event is written in the publishing transaction: a failure after it takes both back', async (t) => {
    const head = await headSeq(agency)
    const ctx: RecordsContext = { db: agency.db, issuer: agency.id, actor: 'cli:someone', clock: systemClock, keyRing: agency.app.keyRing, denialReviewYears: 3 }
    // the last thing a publish does is commit: a check deferred to it fails once entry, record and event are all written
    await sql`create function refuse_at_commit() returns trigger language plpgsql as $$ begin raise exception 'failure after the audit event was appended'; end $$`.execute(agency.db)
    await sql`create constraint trigger refuse_at_commit after insert on audit_events deferrable initially deferred for each row when (new.actor = 'cli:someone') execute function refuse_at_commit()`.execute(agency.db)
    t.teardown(() => sql`drop function refuse_at_commit() cascade`.execute(agency.db))
    const before = await agency.db.selectFrom('records').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()
    await t.rejects(publishDecision(ctx, sampleDecision() as unknown as DecisionInput), /failure after the audit event/)
    t.equal(await headSeq(agency), head, 'no entry')
    t.same(await agency.db.selectFrom('records').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow(), before, 'no record')
    t.equal((await events(agency)).length, 6, 'no event')
  })

  await t.test('a bulk import is one event naming the count and the seq range; a refused one none', async (t) => {
    const ndjson = [sampleDecision(), sampleDecision(), sampleDecision()].map((d) => JSON.stringify(d)).join('\n')
    const imported = await as(agency, 'officer-kim', 'officer', 'POST', '/v1/decisions/import', ndjson, 'application/x-ndjson')
    t.equal(imported.status, 201, JSON.stringify(imported.body))
    t.same(imported.body, { imported: 3, firstSeq: 7, lastSeq: 9 })
    const bad = await as(agency, 'officer-kim', 'officer', 'POST', '/v1/decisions/import', `${JSON.stringify(sampleDecision())}\n{"outcome":"maybe"}`, 'application/x-ndjson')
    t.equal(bad.status, 422)
    const trail = await events(agency)
    t.equal(trail.length, 7, 'one event for three decisions, none for the refused file')
    const last = await agency.db.selectFrom('feed_entries').select('hash').where('issuer', '=', agency.id).where('seq', '=', 9).executeTakeFirstOrThrow()
    t.match(trail[6], { seq: 7, actor: 'officer-kim', action: 'records-imported', subject_type: 'import', subject_id: '7-9', detail: { kind: 'decision', count: 3, firstSeq: 7, lastSeq: 9, lastEntryHash: last.hash, problems: 0 } })
  })

  t.same(await verifyAuditChain(agency.db), { ok: true, checked: 7, lastSeq: 7, lastHash: (await events(agency))[6]?.hash }, 'the trail verifies')
})

t.test('GET /v1/audit-events: auditors filter and page in seq order', async (t) => {
  const clock = fixedClock(new Date())
  const agency = await startAgency(t, undefined, { clock })
  const start = clock.now()
  for (const officer of ['ann', 'bob', 'ann']) {
    const res = await as(agency, officer, 'officer', 'POST', '/v1/decisions', sampleDecision())
    t.equal(res.status, 201)
    clock.advance(60_000)
  }
  const screened = await as(agency, 'bob', 'officer', 'POST', '/v1/screenings', {
    applications: [{ reference: 'APP-1', parties: [{ role: 'end_user', name: 'Abdul Satar Ghoura', aliases: [], country: 'AF', identifiers: [] }], items: [{ codes: [{ regime: 'uk', code: 'ML10' }], description: 'Aircraft components' }], destination: 'IR', date: '2026-06-01' }],
    options: { includeOwn: true }
  })
  t.equal(screened.status, 200, JSON.stringify(screened.body))
  t.ok(screened.body.results[0].hits.length > 0, 'the screening found our own denials: scores in its event')
  const get = async (query: string, role: 'auditor' | 'officer' = 'auditor') => as(agency, 'auditor-amy', role, 'GET', `/v1/audit-events${query}`)

  const all = await get('')
  t.equal(all.status, 200, JSON.stringify(all.body))
  t.same(all.body.events.map((e: { seq: number }) => e.seq), [1, 2, 3, 4])
  t.equal(all.body.nextAfterSeq, null)
  const first = all.body.events[0]
  t.match(first, { seq: 1, at: start.toISOString(), actor: 'ann', action: 'record-published', subject: { type: 'record', id: /^[0-9a-f-]{36}$/ }, detail: { kind: 'decision', version: 1, seq: 1 }, prevHash: null, hash: /^[\w-]{43}$/ })
  t.equal(all.body.events[1].prevHash, first.hash, 'each event names the hash of the one before')
  t.match(all.body.events[3], { actor: 'bob', action: 'screening', subject: { type: 'screening' } })

  const seqs = async (query: string) => (await get(query)).body.events.map((e: { seq: number }) => e.seq)
  t.same(await seqs('?actor=ann'), [1, 3])
  t.same(await seqs('?action=record-published&actor=bob'), [2])
  t.same(await seqs(`?subjectType=record&subjectId=${first.subject.id as string}`), [1])
  t.same(await seqs(`?from=${encodeURIComponent(new Date(start.getTime() + 60_000).toISOString())}&to=${encodeURIComponent(new Date(start.getTime() + 120_000).toISOString())}`), [2], 'from inclusive, to exclusive')

  const page1 = await get('?limit=3')
  t.same([page1.body.events.map((e: { seq: number }) => e.seq), page1.body.nextAfterSeq], [[1, 2, 3], 3])
  const page2 = await get(`?limit=3&afterSeq=${page1.body.nextAfterSeq as number}`)
  t.same([page2.body.events.map((e: { seq: number }) => e.seq), page2.body.nextAfterSeq], [[4], null])

  const bad = await get('?from=yesterday&limit=0')
  t.equal(bad.status, 400)
  t.same(bad.body.errors.map((e: { pointer: string }) => e.pointer).sort(), ['/querystring/from', '/querystring/limit'])
  t.equal((await get('', 'officer')).status, 403, 'auditors only')
  t.match(await verifyAuditChain(agency.db), { ok: true, checked: 4 }, 'publication and screening events chain alike')
})

t.test('the chain verifies, and a changed or deleted event is found by the function, the API and the CLI', async (t) => {
  const agency = await startAgency(t)
  for (let i = 0; i < 6; i++) t.equal((await as(agency, 'officer-lee', 'officer', 'POST', '/v1/decisions', sampleDecision())).status, 201)
  const trail = await events(agency)
  const env = await cliEnv(t, agency)
  const verification = async () => (await as(agency, 'auditor-amy', 'auditor', 'GET', '/v1/audit-events/verification')).body

  const intact = { ok: true, checked: 6, lastSeq: 6, lastHash: trail[5]?.hash }
  t.same(await verifyAuditChain(agency.db, { batch: 4 }), intact, 'read in batches smaller than the trail')
  t.same(await verifyAuditChain(agency.db, { fromSeq: 3, batch: 2 }), { ...intact, checked: 4 }, 'from a later seq, linked to the event before it')
  t.same(await verification(), { ...intact, anchors: { checked: 0, lost: 0, last: null, fault: null } }, 'the API says the same (no anchor in our feed yet)')
  const ok = await runCli(['audit', 'verify'], env)
  t.equal(ok.code, 0, ok.stderr)
  t.equal(ok.stdout, `audit trail intact: 6 events checked from seq 1, last intact seq 6 (hash ${trail[5]?.hash ?? ''}); no anchor in our feed yet\n`)

  await t.test('a changed detail is a hash mismatch at that seq', async (t) => {
    await sql`update audit_events set detail = jsonb_set(detail, '{reference}', '"GB-FORGED"') where seq = 4`.execute(agency.db)
    const broken = { ok: false, checked: 3, lastSeq: 3, lastHash: trail[2]?.hash, firstBad: { seq: 4, reason: 'hash-mismatch' } }
    t.match(await verifyAuditChain(agency.db, { batch: 2 }), broken)
    t.match(await verification(), broken)
    const cli = await runCli(['audit', 'verify'], env)
    t.equal(cli.code, 1)
    t.match(cli.stdout, /^audit trail broken at seq 4: hash-mismatch: .*\(3 events intact from seq 1, last intact seq 3/)
  })

  await t.test('a changed event whose hash was recomputed breaks the link from the next one', async (t) => {
    const [row] = await sql<{ seq: number, at: Date, actor: string, action: string, subject_type: string, subject_id: string, detail: Record<string, unknown>, prev_hash: string | null }>`
      select * from audit_events where seq = 4`.execute(agency.db).then((r) => r.rows)
    if (row === undefined) throw new Error('no event 4')
    const hash = auditHash({ seq: 4, at: row.at.toISOString(), actor: row.actor, action: row.action, subject: { type: row.subject_type, id: row.subject_id }, detail: row.detail, prev: row.prev_hash })
    await sql`update audit_events set hash = ${hash} where seq = 4`.execute(agency.db)
    t.match(await verifyAuditChain(agency.db), { ok: false, checked: 4, lastSeq: 4, firstBad: { seq: 5, reason: 'broken-link' } })
    const cli = await runCli(['audit', 'verify', '--batch', '3'], env)
    t.equal(cli.code, 1)
    t.match(cli.stdout, /^audit trail broken at seq 5: broken-link: /)
  })

  await t.test('a deleted event is a gap', async (t) => {
    await sql`delete from audit_events where seq between 4 and 5`.execute(agency.db)
    t.match(await verifyAuditChain(agency.db), { ok: false, checked: 3, lastSeq: 3, firstBad: { seq: 4, reason: 'gap', detail: 'events 4 to 5 are missing: the next event is 6' } })
    t.match(await verification(), { ok: false, firstBad: { seq: 4, reason: 'gap' } })
    t.match(await verifyAuditChain(agency.db, { fromSeq: 6 }), { ok: false, checked: 0, firstBad: { seq: 5, reason: 'gap' } }, 'starting after a gap finds it too')
    const cli = await runCli(['audit', 'verify'], env)
    t.equal(cli.code, 1)
    t.match(cli.stdout, /^audit trail broken at seq 4: gap: events 4 to 5 are missing/)
  })
})

t.test('audit: bad usage exits 2 before opening anything', async (t) => {
  for (const args of [['audit'], ['audit', 'check'], ['audit', 'verify', 'now'], ['audit', 'verify', '--from-seq', '0'], ['audit', 'verify', '--batch', 'all']]) {
    const res = await runCli(args, { DATA_DIR: '/nonexistent/reciprocity-audit-usage' })
    t.equal(res.code, 2, `${args.join(' ')}: ${res.stderr}`)
    t.match(res.stderr, /usage: audit verify/)
    t.equal(res.stdout, '')
  }
})
