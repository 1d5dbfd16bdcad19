import t from 'tap'
import { startAgency } from '../helpers/agency.js'
import { call, entryPayload, sampleCrosswalk } from '../helpers/records.js'

t.test('a crosswalk is recorded, amended, revoked and read back', async (t) => {
  const agency = await startAgency(t)
  const created = await call(agency, 'POST', '/v1/crosswalks', sampleCrosswalk())
  t.equal(created.status, 201)
  const { record, entry } = created.body
  t.match(record, { version: 1, status: 'in_force', crosswalk: { from: { regime: 'us-eccn', code: '3A001.a.1' }, relation: 'equivalent' } })
  t.match(await entryPayload(agency, entry.seq), { kind: 'crosswalk', body: { recordId: record.id, version: 1, to: { regime: 'wassenaar', code: '3.A.1.a.1' } } })

  const amended = await call(agency, 'POST', `/v1/crosswalks/${record.id}/amendments`, { version: 1, reason: 'EU text is narrower', crosswalk: sampleCrosswalk({ relation: 'broader' }) })
  t.match(amended.body.record, { version: 2, crosswalk: { relation: 'broader' } })
  const stale = await call(agency, 'POST', `/v1/crosswalks/${record.id}/revocations`, { version: 1, reason: 'stale' })
  t.match(stale, { status: 409, body: { code: 'RECORD_SUPERSEDED' } })
  const revoked = await call(agency, 'POST', `/v1/crosswalks/${record.id}/revocations`, { version: 2, reason: 'list restructured', effectiveDate: '2025-01-01' })
  t.match(revoked.body.record, { version: 3, status: 'revoked', revokedFrom: '2025-01-01' })

  const other = (await call(agency, 'POST', '/v1/crosswalks', sampleCrosswalk({ relation: 'narrower' }))).body
  const list = await call(agency, 'GET', '/v1/crosswalks?status=revoked', undefined, 'auditor')
  t.same(list.body.records.map((r: { id: string }) => r.id), [record.id])
  const all = await call(agency, 'GET', '/v1/crosswalks?limit=1')
  const next = await call(agency, 'GET', `/v1/crosswalks?limit=1&cursor=${all.body.nextCursor}`)
  t.same(new Set([...all.body.records, ...next.body.records].map((r: { id: string }) => r.id)), new Set([record.id, other.record.id]), 'crosswalks (no date) page by id')
  t.equal(next.body.nextCursor, null)

  const detail = await call(agency, 'GET', `/v1/crosswalks/${record.id}`)
  t.same(detail.body.versions.map((v: { kind: string }) => v.kind), ['crosswalk', 'amendment', 'revocation'])
  t.match(await call(agency, 'GET', `/v1/decisions/${record.id}`), { status: 404 }, 'a crosswalk is not a decision')
})
