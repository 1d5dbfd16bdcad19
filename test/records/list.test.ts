import t from 'tap'
import { startAgency } from '../helpers/agency.js'
import { call, sampleDecision, uniqueRef } from '../helpers/records.js'

const party = (name: string, country: string, aliases: string[] = []) => ({ role: 'end_user', name, country, aliases })

t.test('decisions are listed with filters and keyset pages', async (t) => {
  const agency = await startAgency(t)
  const publish = async (overrides: Record<string, unknown>) => {
    const res = await call(agency, 'POST', '/v1/decisions', sampleDecision(overrides))
    if (res.status !== 201) throw new Error(JSON.stringify(res.body))
    return res.body.record as { id: string, version: number, decision: { reference: string, decisionDate: string } }
  }
  const made = [
    await publish({ outcome: 'denied', destination: 'IR', decisionDate: '2025-05-01', parties: [party('Mahan Air', 'IR', ['Mahan Airlines'])] }),
    await publish({ outcome: 'granted', destination: 'AE', decisionDate: '2025-04-01', parties: [party('Emal Bilal Construction Company (EBCC)', 'AF')] }),
    await publish({ outcome: 'denied', destination: 'RU', decisionDate: '2025-04-01', parties: [party('100% Pure Trading', 'RU')] }),
    await publish({ outcome: 'granted', destination: 'IR', decisionDate: '2024-12-31', validUntil: '2025-01-31', parties: [party('Assadullah Majed', 'AF')] }),
    await publish({ outcome: 'denied', destination: 'SY', decisionDate: '2024-06-30', parties: [party('Afghan-German Construction Company', 'AF')] }),
    await publish({ outcome: 'granted', destination: 'AE', decisionDate: '2025-04-01', parties: [party('Al Naser Airlines', 'IQ', ['Al-Naser Wings'])] })
  ]
  const revoked = made[4] as (typeof made)[number]
  const revocation = await call(agency, 'POST', `/v1/decisions/${revoked.id}/revocations`, { version: 1, reason: 'overturned' })
  t.equal(revocation.status, 201)

  const ids = async (query: string) => {
    const res = await call(agency, 'GET', `/v1/decisions?${query}`, undefined, 'auditor')
    t.equal(res.status, 200, query)
    return res.body.records.map((r: { id: string }) => r.id) as string[]
  }
  const byId = (...indexes: number[]) => indexes.map((i) => (made[i] as { id: string }).id)
  const sameSet = (a: string[], b: string[], message: string) => t.same([...a].sort(), [...b].sort(), message)

  sameSet(await ids('outcome=denied'), byId(0, 2, 4), 'outcome')
  sameSet(await ids('destination=IR'), byId(0, 3), 'destination')
  sameSet(await ids('destination=IR&outcome=granted'), byId(3), 'filters combine')
  sameSet(await ids('status=revoked'), byId(4), 'revoked')
  sameSet(await ids('status=lapsed'), byId(3), 'lapsed: validUntil has passed')
  sameSet(await ids('status=in_force'), byId(0, 1, 2, 5), 'in force')
  sameSet(await ids(`reference=${encodeURIComponent((made[2] as { decision: { reference: string } }).decision.reference)}`), byId(2), 'reference')
  sameSet(await ids('from=2025-04-01&to=2025-04-30'), byId(1, 2, 5), 'decision-date range, inclusive')
  sameSet(await ids('party=Asadullah%20Majid'), byId(3), 'party: a name spelt otherwise')
  sameSet(await ids('party=mahan%20airlines'), byId(0), 'aliases are matched too, whatever the case')
  sameSet(await ids('party=EBCC'), byId(1), 'a name written in parentheses')
  sameSet(await ids('party=Afghan%20German%20Construction%20Co&outcome=denied'), byId(4), 'a legal form and punctuation aside')
  t.same(await ids('party=construction'), [], 'one generic word is not a match: the party filter scores names, it does not look for substrings')
  t.same(await ids(`reference=${uniqueRef()}`), [], 'an unknown reference lists nothing')

  const all = await ids('limit=500')
  const expected = [...made].sort((a, b) => b.decision.decisionDate.localeCompare(a.decision.decisionDate) || a.id.localeCompare(b.id)).map((r) => r.id)
  t.same(all, expected, 'newest decision date first, then by id')
  const listed = (await call(agency, 'GET', '/v1/decisions?scope=own')).body.records as Array<Record<string, any>>
  t.ok(listed.every((r) => r.issuer === agency.id && r.own === true && r.signature.status === 'own'), 'our own decisions say so')
  t.match(listed.find((r) => r.id === revoked.id), { version: 2, latestSeq: revocation.body.entry.seq, signature: { entrySeq: revocation.body.entry.seq } }, 'signed by the entry of the current version: the revocation')

  const walked: string[] = []
  let cursor: string | null = null
  let pages = 0
  do {
    const res = await call(agency, 'GET', `/v1/decisions?limit=2${cursor === null ? '' : `&cursor=${cursor}`}`)
    walked.push(...res.body.records.map((r: { id: string }) => r.id))
    cursor = res.body.nextCursor
    pages++
  } while (cursor !== null)
  t.same(walked, expected, 'pages of two walk the same order without gaps or repeats')
  t.equal(pages, 3)

  const first = await call(agency, 'GET', '/v1/decisions?limit=1&destination=AE')
  const second = await call(agency, 'GET', `/v1/decisions?limit=1&destination=AE&cursor=${first.body.nextCursor}`)
  t.same([...first.body.records, ...second.body.records].map((r: { id: string }) => r.id), expected.filter((id) => byId(1, 5).includes(id)), 'a cursor keeps to the filter')
  t.equal(second.body.nextCursor, null)

  t.match(await call(agency, 'GET', '/v1/decisions?cursor=bm90LWEtY3Vyc29y'), { status: 400, body: { code: 'INVALID_REQUEST', errors: [{ pointer: '/querystring/cursor' }] } })
  t.match(await call(agency, 'GET', '/v1/decisions?status=gone'), { status: 400, body: { code: 'INVALID_REQUEST' } })
  t.match(await call(agency, 'GET', '/v1/decisions?limit=501'), { status: 400 })
  t.match(await call(agency, 'GET', '/v1/decisions?colour=red'), { status: 400, body: { errors: [{ detail: 'unknown field "colour"' }] } })
  t.match(await call(agency, 'GET', '/v1/decisions?q=Mahan'), { status: 400, body: { errors: [{ pointer: '/querystring/q' }] } }, 'q gave way to party')
})
