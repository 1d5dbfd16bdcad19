import t from 'tap'
import { fixedClock } from '../../src/lib/clock.js'
import { startAgency } from '../helpers/agency.js'
import { call, entryPayload, headSeq, sampleClassification, sampleDecision, uniqueRef } from '../helpers/records.js'

t.test('a decision is recorded, signed into the feed and read back', async (t) => {
  const agency = await startAgency(t)
  const body = sampleDecision()
  const res = await call(agency, 'POST', '/v1/decisions', body)
  t.equal(res.status, 201, JSON.stringify(res.body))
  const { record, entry } = res.body
  t.match(record, { version: 1, status: 'in_force', revokedFrom: null, audience: [], decision: { reference: body.reference, outcome: 'denied' } })
  t.equal(record.decision.validUntil, '2028-03-14', 'a denial stays in force for DENIAL_REVIEW_YEARS (3) after its decision date')
  t.match(entry, { seq: 1, hash: /^[A-Za-z0-9_-]{43}$/, entryId: /^[0-9a-f-]{36}$/ })

  const payload = await entryPayload(agency, entry.seq)
  t.match(payload, { kind: 'decision', id: entry.entryId, aud: ['*'], body: { recordId: record.id, version: 1, reference: body.reference, validUntil: '2028-03-14' } })
  t.same(payload.body.parties[0].aliases, [], 'schema defaults are signed, so every reader sees the same body')

  const read = await call(agency, 'GET', `/v1/decisions/${record.id}`, undefined, 'auditor')
  t.equal(read.status, 200)
  t.same(read.body.record, record, 'GET returns what POST returned')
  t.match(read.body.versions, [{ version: 1, kind: 'decision', seq: entry.seq, entryId: entry.entryId, body: { reference: body.reference } }])
})

t.test('a grant without validUntil stays in force until revoked; a denial keeps an explicit validUntil', async (t) => {
  const agency = await startAgency(t, undefined, { env: { DENIAL_REVIEW_YEARS: '5' } })
  const grant = await call(agency, 'POST', '/v1/decisions', sampleDecision({ outcome: 'granted' }))
  t.equal(grant.status, 201)
  t.equal(grant.body.record.decision.validUntil, undefined)
  const leap = await call(agency, 'POST', '/v1/decisions', sampleDecision({ decisionDate: '2024-02-29' }))
  t.equal(leap.body.record.decision.validUntil, '2029-02-28', 'DENIAL_REVIEW_YEARS is read from config; 29 February rolls back to the 28th')
  const explicit = await call(agency, 'POST', '/v1/decisions', sampleDecision({ validUntil: '2026-01-01' }))
  t.equal(explicit.body.record.decision.validUntil, '2026-01-01')
})

t.test('amend, revoke and renew publish new versions that name the one they supersede', async (t) => {
  const agency = await startAgency(t)
  const first = (await call(agency, 'POST', '/v1/decisions', sampleDecision())).body
  const id = first.record.id

  const parties = () => agency.db.selectFrom('record_parties').select(['name', 'country']).where('record_id', '=', id).orderBy('ordinal').execute()
  t.same(await parties(), [{ name: 'Abdul Satar Ghoura', country: 'AF' }], 'a published decision fills the query tables')
  const amendedDecision = sampleDecision({
    reference: first.record.decision.reference,
    destination: 'SY',
    parties: [{ role: 'end_user', name: 'Assadullah Majed', country: 'AF' }, { role: 'consignee', name: 'Iqra Computer Products', country: 'AE' }]
  })
  const amended = await call(agency, 'POST', `/v1/decisions/${id}/amendments`, { version: 1, reason: 'destination misread', decision: amendedDecision })
  t.equal(amended.status, 201, JSON.stringify(amended.body))
  t.match(amended.body.record, { id, version: 2, decision: { destination: 'SY' } })
  t.same(await parties(), [{ name: 'Assadullah Majed', country: 'AF' }, { name: 'Iqra Computer Products', country: 'AE' }], 'an amendment rebuilds them')
  t.match(await entryPayload(agency, amended.body.entry.seq), {
    kind: 'amendment',
    body: { recordId: id, version: 2, supersedes: { entryId: first.entry.entryId, version: 1 }, reason: 'destination misread', recordKind: 'decision', content: { destination: 'SY' } }
  })

  const stale = await call(agency, 'POST', `/v1/decisions/${id}/amendments`, { version: 1, reason: 'again', decision: amendedDecision })
  t.match(stale, { status: 409, body: { code: 'RECORD_SUPERSEDED' } }, 'an amendment of version 1 after version 2 is refused')

  const renewed = await call(agency, 'POST', `/v1/decisions/${id}/renewals`, { version: 2, reason: 'annual review', validUntil: '2031-12-31' })
  t.equal(renewed.status, 201, JSON.stringify(renewed.body))
  t.match(renewed.body.record, { version: 3, decision: { validUntil: '2031-12-31', destination: 'SY' } })
  t.match(await entryPayload(agency, renewed.body.entry.seq), { kind: 'renewal', body: { version: 3, supersedes: { entryId: amended.body.entry.entryId, version: 2 }, validUntil: '2031-12-31' } })

  const revoked = await call(agency, 'POST', `/v1/decisions/${id}/revocations`, { version: 3, reason: 'licence application withdrawn' })
  t.equal(revoked.status, 201, JSON.stringify(revoked.body))
  const today = new Date().toISOString().slice(0, 10)
  t.match(revoked.body.record, { version: 4, status: 'revoked', revokedFrom: today })
  t.match(await entryPayload(agency, revoked.body.entry.seq), { kind: 'revocation', body: { version: 4, recordKind: 'decision', effectiveDate: today, reason: 'licence application withdrawn' } })

  const afterRevocation = await call(agency, 'POST', `/v1/decisions/${id}/amendments`, { version: 4, reason: 'too late', decision: amendedDecision })
  t.match(afterRevocation, { status: 409, body: { code: 'RECORD_NOT_AMENDABLE' } })
  t.match(await call(agency, 'POST', `/v1/decisions/${id}/renewals`, { version: 4, reason: 'too late' }), { status: 409, body: { code: 'RECORD_NOT_AMENDABLE' } })
  t.match(await call(agency, 'POST', `/v1/decisions/${id}/revocations`, { version: 4, reason: 'twice' }), { status: 409, body: { code: 'RECORD_NOT_AMENDABLE' } })

  const codes = await agency.db.selectFrom('record_codes').select(['regime', 'code']).where('record_id', '=', id).execute()
  t.same(codes, [{ regime: 'uk', code: 'ML10' }], 'the query tables follow the current content')

  const history = await call(agency, 'GET', `/v1/decisions/${id}`)
  t.same(history.body.versions.map((v: { version: number, kind: string }) => [v.version, v.kind]),
    [[1, 'decision'], [2, 'amendment'], [3, 'renewal'], [4, 'revocation']], 'the whole history, oldest first')
  t.equal(await headSeq(agency), 4, 'the refused changes left no entry behind')
})

t.test('renewals: a denial defaults to today plus the review window, a grant must name its end', async (t) => {
  const agency = await startAgency(t)
  const denial = (await call(agency, 'POST', '/v1/decisions', sampleDecision())).body
  const renewed = await call(agency, 'POST', `/v1/decisions/${denial.record.id}/renewals`, { version: 1, reason: 'still of concern' })
  const now = new Date()
  t.equal(renewed.body.record.decision.validUntil, `${now.getUTCFullYear() + 3}${now.toISOString().slice(4, 10)}`.replace('-02-29', '-02-28'))

  const grant = (await call(agency, 'POST', '/v1/decisions', sampleDecision({ outcome: 'granted' }))).body
  const bare = await call(agency, 'POST', `/v1/decisions/${grant.record.id}/renewals`, { version: 1, reason: 'extension' })
  t.match(bare, { status: 400, body: { code: 'INVALID_REQUEST', errors: [{ pointer: '/body/validUntil' }] } })
  const past = await call(agency, 'POST', `/v1/decisions/${grant.record.id}/renewals`, { version: 1, reason: 'extension', validUntil: '2020-01-01' })
  t.match(past, { status: 400, body: { code: 'INVALID_REQUEST' } })
})

t.test('references are unique among our decisions', async (t) => {
  const agency = await startAgency(t)
  const reference = uniqueRef()
  t.equal((await call(agency, 'POST', '/v1/decisions', sampleDecision({ reference }))).status, 201)
  const again = await call(agency, 'POST', '/v1/decisions', sampleDecision({ reference, outcome: 'granted' }))
  t.match(again, { status: 409, body: { code: 'DUPLICATE_REFERENCE' } })
  t.equal(await headSeq(agency), 1, 'the refused decision was not published')

  const other = (await call(agency, 'POST', '/v1/decisions', sampleDecision())).body
  const clash = await call(agency, 'POST', `/v1/decisions/${other.record.id}/amendments`, { version: 1, reason: 'renumbered', decision: sampleDecision({ reference }) })
  t.match(clash, { status: 409, body: { code: 'DUPLICATE_REFERENCE' } }, 'an amendment cannot take another decision\'s reference')

  const concurrent = await Promise.all(Array.from({ length: 5 }, () => call(agency, 'POST', '/v1/decisions', sampleDecision({ reference: 'RACE-1' }))))
  t.same(concurrent.map((r) => r.status).sort(), [201, 409, 409, 409, 409], 'concurrent publishes of one reference: one wins, the rest are told why')
})

t.test('lifecycle is computed with the clock: lapsed after validUntil, revoked from the effective date', async (t) => {
  const clock = fixedClock(new Date('2024-06-01T12:00:00Z'))
  const agency = await startAgency(t, undefined, { clock })
  const grant = (await call(agency, 'POST', '/v1/decisions', sampleDecision({ outcome: 'granted', decisionDate: '2024-01-10', validUntil: '2024-06-30' }))).body
  const denial = (await call(agency, 'POST', '/v1/decisions', sampleDecision({ decisionDate: '2024-05-01' }))).body
  t.equal(grant.record.status, 'in_force')

  const revoked = await call(agency, 'POST', `/v1/decisions/${denial.record.id}/revocations`, { version: 1, reason: 'overturned on appeal', effectiveDate: '2024-06-15' })
  t.match(revoked.body.record, { status: 'in_force', revokedFrom: '2024-06-15' }, 'in force until the revocation takes effect')

  clock.set(new Date('2024-06-30T23:59:00Z'))
  t.equal((await call(agency, 'GET', `/v1/decisions/${grant.record.id}`)).body.record.status, 'in_force', 'in force on its last day')
  t.equal((await call(agency, 'GET', `/v1/decisions/${denial.record.id}`)).body.record.status, 'revoked')

  clock.set(new Date('2024-07-01T00:00:00Z'))
  t.equal((await call(agency, 'GET', `/v1/decisions/${grant.record.id}`)).body.record.status, 'lapsed')
  const lapsed = await call(agency, 'GET', '/v1/decisions?status=lapsed')
  t.same(lapsed.body.records.map((r: { id: string }) => r.id), [grant.record.id])
  const renewed = await call(agency, 'POST', `/v1/decisions/${grant.record.id}/renewals`, { version: 1, reason: 'extended', validUntil: '2025-06-30' })
  t.equal(renewed.body.record.status, 'in_force', 'a renewal brings a lapsed grant back in force')
})

t.test('the audience of the first version is kept for every later one', async (t) => {
  const agency = await startAgency(t)
  const first = (await call(agency, 'POST', '/v1/decisions', sampleDecision({ audience: ['charlie', 'bravo', 'bravo-2'] }))).body
  t.same(first.record.audience, ['bravo', 'bravo-2', 'charlie'])
  const revoked = await call(agency, 'POST', `/v1/decisions/${first.record.id}/revocations`, { version: 1, reason: 'withdrawn' })
  t.same(revoked.body.record.audience, ['bravo', 'bravo-2', 'charlie'])
  t.same((await entryPayload(agency, revoked.body.entry.seq)).aud, ['bravo', 'bravo-2', 'charlie'], 'the revocation reaches exactly the allies that saw the decision')
})

t.test('bad input is a 400 naming the field; access follows the scopes', async (t) => {
  const agency = await startAgency(t)
  const unknown = await call(agency, 'POST', '/v1/decisions', sampleDecision({ priority: 'high' }))
  t.match(unknown, { status: 400, body: { code: 'INVALID_REQUEST', errors: [{ pointer: '/body/priority', detail: 'unknown field "priority"' }] } })
  const badParty = await call(agency, 'POST', '/v1/decisions', sampleDecision({ parties: [{ role: 'end_user', name: 'X', country: 'Iran' }] }))
  t.match(badParty, { status: 400, body: { errors: [{ pointer: '/body/parties/0/country' }] } })
  const dates = await call(agency, 'POST', '/v1/decisions', sampleDecision({ decisionDate: '2025-03-14', validUntil: '2025-03-13' }))
  t.match(dates, { status: 400, body: { errors: [{ pointer: '/body/validUntil' }] } })
  const notADay = await call(agency, 'POST', '/v1/decisions', sampleDecision({ decisionDate: '2025-02-30' }))
  t.match(notADay, { status: 400, body: { errors: [{ pointer: '/body/decisionDate' }] } })

  t.match(await call(agency, 'POST', '/v1/decisions', sampleDecision(), 'auditor'), { status: 403, body: { code: 'FORBIDDEN' } })
  t.equal((await call(agency, 'GET', '/v1/decisions', undefined, 'auditor')).status, 200)
  t.match(await call(agency, 'GET', '/v1/decisions', undefined, 'admin'), { status: 403 })
  t.equal((await agency.app.inject({ method: 'GET', url: '/v1/decisions' })).statusCode, 401)
  t.equal(await headSeq(agency), 0)

  t.match(await call(agency, 'GET', '/v1/decisions/not-a-uuid'), { status: 400 })
  t.match(await call(agency, 'GET', `/v1/decisions/${crypto.randomUUID()}`), { status: 404, body: { code: 'RECORD_NOT_FOUND' } })
  const classification = (await call(agency, 'POST', '/v1/classifications', sampleClassification())).body
  t.match(await call(agency, 'GET', `/v1/decisions/${classification.record.id}`), { status: 404, body: { code: 'RECORD_NOT_FOUND' } }, 'a classification is not a decision')
  t.match(await call(agency, 'POST', `/v1/decisions/${classification.record.id}/revocations`, { version: 1, reason: 'x' }), { status: 404 })
})
