import t from 'tap'
import { startAgency } from '../helpers/agency.js'
import { call, entryPayload, sampleClassification } from '../helpers/records.js'

t.test('a classification is recorded, amended, revoked and listed', async (t) => {
  const agency = await startAgency(t)
  const created = await call(agency, 'POST', '/v1/classifications', sampleClassification({ audience: ['bravo'] }))
  t.equal(created.status, 201, 'created')
  const { record, entry } = created.body
  t.match(record, { version: 1, status: 'in_force', audience: ['bravo'], classification: { result: 'listed', codes: [{ regime: 'eu', code: '6A003.b.4' }] } })
  t.match(await entryPayload(agency, entry.seq), { kind: 'classification', aud: ['bravo'], body: { recordId: record.id, version: 1, result: 'listed', classificationDate: '2025-02-01' } })

  const notListed = sampleClassification({ result: 'not_listed', codes: [], rationale: 'below the 6A003.b.4 thresholds', classificationDate: '2025-04-01' })
  const amended = await call(agency, 'POST', `/v1/classifications/${record.id}/amendments`, { version: 1, reason: 're-tested', classification: notListed })
  t.equal(amended.status, 201)
  t.match(amended.body.record, { version: 2, classification: { result: 'not_listed', codes: [] } })
  t.match(await entryPayload(agency, amended.body.entry.seq), {
    kind: 'amendment', aud: ['bravo'], body: { recordKind: 'classification', supersedes: { entryId: entry.entryId, version: 1 }, content: { result: 'not_listed' } }
  })

  const second = (await call(agency, 'POST', '/v1/classifications', sampleClassification({ classificationDate: '2025-03-01' }))).body
  const list = await call(agency, 'GET', '/v1/classifications?limit=10', undefined, 'auditor')
  t.same(list.body.records.map((r: { id: string }) => r.id), [record.id, second.record.id], 'newest classification date first (the amendment moved it to April)')
  t.same((await call(agency, 'GET', '/v1/classifications?from=2025-03-15')).body.records.map((r: { id: string }) => r.id), [record.id])

  const revoked = await call(agency, 'POST', `/v1/classifications/${record.id}/revocations`, { version: 2, reason: 'superseded by a ruling' })
  t.match(revoked.body.record, { version: 3, status: 'revoked' })
  t.match(await entryPayload(agency, revoked.body.entry.seq), { kind: 'revocation', body: { recordKind: 'classification' } })
  t.same((await call(agency, 'GET', '/v1/classifications?status=in_force')).body.records.map((r: { id: string }) => r.id), [second.record.id])

  const history = await call(agency, 'GET', `/v1/classifications/${record.id}`)
  t.same(history.body.versions.map((v: { kind: string }) => v.kind), ['classification', 'amendment', 'revocation'])
  t.match(await call(agency, 'POST', `/v1/classifications/${record.id}/amendments`, { version: 3, reason: 'x', classification: notListed }), { status: 409, body: { code: 'RECORD_NOT_AMENDABLE' } })
})

t.test('a classification with an unknown regime or field is refused', async (t) => {
  const agency = await startAgency(t)
  const res = await call(agency, 'POST', '/v1/classifications', sampleClassification({ codes: [{ regime: 'itar', code: 'XI' }], confidence: 'high' }))
  t.match(res, { status: 400, body: { code: 'INVALID_REQUEST' } })
  const pointers = res.body.errors.map((e: { pointer: string }) => e.pointer)
  t.ok(pointers.includes('/body/confidence'), 'the unknown field is named')
  t.ok(pointers.some((p: string) => p.startsWith('/body/codes/0/regime')), 'the bad regime is named')
})
