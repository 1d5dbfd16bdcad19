import t, { type Test } from 'tap'
import type { TestAgency } from '../helpers/agency.js'
import { decision, publishDecision, startFederation, syncAll } from '../helpers/federation.js'
import { call } from '../helpers/records.js'

// Names: Gazprombank from the OFAC SDN list (ofac-sdn-2021/sdn.csv, aliases in alt.csv: "GPB (OJSC)"),
// written by the allies as "Gazprombank OAO" (legal form after the name), "Газпромбанк" (Cyrillic) and
// misspelt "Gasprombank"; Gazprom Neft is another company of the same group.

interface Listed {
  issuer: string
  own: boolean
  id: string
  version: number
  status: string
  revokedFrom: string | null
  latestSeq: number
  signature: { status: string, entrySeq: number, kid: string | null, storedAt: string }
  decision: { reference: string, decisionDate: string }
  match?: { party: number, matched: { queryName: string, candidateName: string, candidateNameKind: string }, score: number, explanation: string }
}

const party = (name: string, country: string, role = 'end_user', aliases: string[] = []) => ({ role, name, aliases, country, identifiers: [] })
const item = (regime: string, code: string, description = 'Radiation hardened integrated circuits') => ({ codes: [{ regime, code }], description })

async function kidsOf (agency: TestAgency): Promise<string[]> {
  const res = await agency.app.inject({ method: 'GET', url: '/.well-known/jwks.json' })
  return (res.json() as { keys: Array<{ kid: string }> }).keys.map((k) => k.kid)
}

t.test('GET /v1/decisions lists our decisions and our allies\', with the officer filters', async (t) => {
  const [alpha, bravo, charlie] = await startFederation(t, ['alpha', 'bravo', 'charlie']) as [TestAgency, TestAgency, TestAgency]
  const rec = {
    A1: await publishDecision(alpha, { outcome: 'denied', destination: 'RU', decisionDate: '2026-03-01', parties: [party('Gazprombank Joint Stock Company', 'RU')], items: [item('eu', '3A001.a.2')] }),
    A2: await publishDecision(alpha, { outcome: 'granted', decisionDate: '2026-03-02' }),
    B1: await publishDecision(bravo, {
      outcome: 'denied',
      destination: 'RU',
      decisionDate: '2026-01-15',
      parties: [party('Gazprombank OAO', 'RU', 'end_user', ['GPB (OJSC)']), party('Aeroguide Trading LLC', 'AE', 'consignee')],
      items: [item('wassenaar', '3.A.1.a.1')]
    }),
    B2: await publishDecision(bravo, {
      outcome: 'granted', destination: 'CN', decisionDate: '2026-02-01', validUntil: '2028-02-01', parties: [party('Huawei Technologies Co., Ltd.', 'CN')], items: [item('us-eccn', '5A002.a', 'Encryption items')]
    }),
    B3: await publishDecision(bravo, { outcome: 'denied', destination: 'RU', decisionDate: '2025-11-03', parties: [party('Gazprom Neft', 'RU')], items: [item('eu', '3A002.a', 'Oscilloscopes')] }),
    B4: await publishDecision(bravo, { outcome: 'granted', decisionDate: '2020-01-10', validUntil: '2021-01-10' }),
    B5: await publishDecision(bravo, { outcome: 'denied', destination: 'IR', decisionDate: '2025-06-01', parties: [party('Mahan Air', 'IR')], items: [item('uk', 'ML10', 'Aircraft components')] }),
    B6: await publishDecision(bravo, { outcome: 'denied', destination: 'BY', decisionDate: '2026-04-01', parties: [party('Gasprombank', 'RU')], items: [item('uk', '3A001.b', 'Microwave amplifiers')] }),
    C1: await publishDecision(charlie, { outcome: 'denied', destination: 'BY', decisionDate: '2025-12-01', parties: [party('Газпромбанк', 'RU')], items: [item('uk', '3A001a1')] }),
    C2: await publishDecision(charlie, { outcome: 'granted', destination: 'IN', decisionDate: '2026-01-15', parties: [party('Rosoboronexport', 'RU')], items: [item('uk', 'ML10', 'Aircraft components')] })
  }
  const revocation = await bravo.app.inject({
    method: 'POST', url: `/v1/decisions/${rec.B5.record.id}/revocations`, headers: { authorization: await bravo.auth('officer') }, payload: { version: 1, reason: 'overturned on appeal' }
  })
  t.equal(revocation.statusCode, 201, revocation.body)
  await syncAll([alpha, bravo, charlie])

  type Name = keyof typeof rec
  const nameOf = new Map(Object.entries(rec).map(([name, r]) => [r.record.id, name as Name]))
  /** Listing at alpha, asserting on `t` (each subtest its own). */
  const listing = (t: Test) => {
    const list = async (query: string) => {
      const res = await call(alpha, 'GET', `/v1/decisions?${query}`, undefined, 'auditor')
      t.equal(res.status, 200, `${query}: ${JSON.stringify(res.body).slice(0, 300)}`)
      return res.body as { records: Listed[], nextCursor: string | null }
    }
    const names = async (query: string) => (await list(query)).records.map((r) => nameOf.get(r.id) ?? r.id)
    const sameSet = async (query: string, expected: Name[], message: string) => t.same((await names(query)).sort(), [...expected].sort(), `${message} (${query})`)
    return { list, names, sameSet }
  }

  await t.test('allied decisions show their issuer, signature and lifecycle; newest first', async (t) => {
    const { list } = listing(t)
    const { records, nextCursor } = await list('limit=500')
    t.equal(nextCursor, null)
    const expected = (Object.keys(rec) as Name[]).map((name) => ({ name, issuer: name[0] === 'A' ? 'alpha' : name[0] === 'B' ? 'bravo' : 'charlie', record: rec[name] }))
    t.equal(records.length, expected.length, 'ours and both allies\'')
    const [alphaKids, bravoKids, charlieKids] = [await kidsOf(alpha), await kidsOf(bravo), await kidsOf(charlie)]
    for (const r of records) {
      const name = nameOf.get(r.id) as Name
      const issuer = name[0] === 'A' ? 'alpha' : name[0] === 'B' ? 'bravo' : 'charlie'
      t.equal(r.issuer, issuer, `${name}: issuer`)
      t.equal(r.own, issuer === 'alpha', `${name}: own`)
      t.equal(r.signature.status, issuer === 'alpha' ? 'own' : 'verified', `${name}: signature status`)
      t.equal(r.signature.entrySeq, r.latestSeq, `${name}: the entry of the current version`)
      t.ok((issuer === 'alpha' ? alphaKids : issuer === 'bravo' ? bravoKids : charlieKids).includes(r.signature.kid ?? ''), `${name}: signed by a key of ${issuer}`)
      t.ok(Number.isFinite(Date.parse(r.signature.storedAt)), `${name}: storedAt`)
    }
    const b5 = records.find((r) => r.id === rec.B5.record.id)
    t.match(b5, { issuer: 'bravo', version: 2, status: 'revoked', latestSeq: revocation.json().entry.seq, decision: { outcome: 'denied', destination: 'IR' } }, 'an ally\'s revocation, as it stands today')
    t.match(records.find((r) => r.id === rec.B4.record.id), { status: 'lapsed', revokedFrom: null })
    t.match(records.find((r) => r.id === rec.B1.record.id), { status: 'in_force', version: 1, latestSeq: rec.B1.entry.seq })
    t.notOk(records.some((r) => 'match' in r), 'no match without a party search')

    const order = [...records].sort((a, b) => b.decision.decisionDate.localeCompare(a.decision.decisionDate) || a.issuer.localeCompare(b.issuer) || a.id.localeCompare(b.id))
    t.same(records.map((r) => r.id), order.map((r) => r.id), 'newest decision date first, then issuer, then id')
    t.same(expected.map((e) => e.issuer).sort(), records.map((r) => r.issuer).sort())
  })

  await t.test('scope and issuer', async (t) => {
    const { names, sameSet } = listing(t)
    await sameSet('scope=own', ['A1', 'A2'], 'our own')
    await sameSet('scope=allied', ['B1', 'B2', 'B3', 'B4', 'B5', 'B6', 'C1', 'C2'], 'our allies\'')
    await sameSet('issuer=charlie', ['C1', 'C2'], 'one ally')
    await sameSet('issuer=alpha', ['A1', 'A2'], 'ours, by our id')
    await sameSet('issuer=charlie&scope=allied', ['C1', 'C2'], 'consistent issuer and scope')
    t.same(await names('issuer=delta'), [], 'an agency we hold nothing from')
  })

  await t.test('party: fuzzy, ranked by score, each with its match', async (t) => {
    const { list, names, sameSet } = listing(t)
    const { records } = await list('party=Gazprom%20Bank')
    t.same(records.map((r) => nameOf.get(r.id)), ['A1', 'B1', 'C1', 'B6'],
      'joined words, legal forms and Cyrillic all match; the misspelling last however new; not Gazprom Neft')
    t.match(records[1]?.match, { party: 0, matched: { queryName: 'Gazprom Bank', candidateName: 'Gazprombank OAO', candidateNameKind: 'name' }, score: 1 })
    t.match(records[1]?.match?.explanation, /Gazprom Bank.*Gazprombank OAO/)
    t.match(records[2]?.match, { matched: { candidateName: 'Газпромбанк' } }, 'the ally wrote it in Cyrillic')
    const last = records[3]?.match
    t.ok(last !== undefined && last.score >= 0.85 && last.score < 1, `a near spelling scores below an exact one: ${String(last?.score)}`)
    t.ok(records.every((r) => r.match !== undefined && r.match.score >= alpha.config.matching.partyThreshold), 'every listed decision is a match')

    await sameSet('party=OAO%20Gazprombank', ['A1', 'B1', 'C1', 'B6'], 'the legal form in front')
    await sameSet('party=GPB%20OJSC', ['B1'], 'aliases are matched too')
    t.match((await list('party=GPB%20OJSC')).records[0]?.match, { matched: { candidateName: 'GPB (OJSC)', candidateNameKind: 'alias' } })
    const aero = await list('party=Aero%20Guide%20Trading')
    t.same(aero.records.map((r) => nameOf.get(r.id)).sort(), ['A2', 'B1', 'B4'], 'split words')
    t.match(aero.records.find((r) => r.id === rec.B1.record.id)?.match, { party: 1, matched: { candidateName: 'Aeroguide Trading LLC' } }, 'the index of their party that matched')
    await sameSet('party=Gazprom%20Bank&scope=allied&destination=BY', ['C1', 'B6'], 'party combines with the other filters')
    t.same(await names('party=Gazprom%20Bank&country=AE'), [], 'with country, the party that matches must be in it')
    await sameSet('party=Gazprom%20Bank&country=RU&issuer=bravo', ['B1', 'B6'], 'country and issuer')
    t.same(await names('party=Sukhoi%20Design%20Bureau'), [], 'nobody of that name')
  })

  await t.test('country, destination, outcome, lifecycle, dates', async (t) => {
    const { sameSet } = listing(t)
    await sameSet('country=AE', ['A2', 'B1', 'B4'], 'any party\'s country')
    await sameSet('country=CN', ['B2'], 'a party\'s country')
    await sameSet('destination=RU', ['A1', 'B1', 'B3'], 'destination')
    await sameSet('outcome=granted', ['A2', 'B2', 'B4', 'C2'], 'outcome')
    await sameSet('outcome=denied&issuer=bravo', ['B1', 'B3', 'B5', 'B6'], 'filters combine')
    await sameSet('inForce=false', ['B4', 'B5'], 'revoked or lapsed')
    await sameSet('inForce=true', ['A1', 'A2', 'B1', 'B2', 'B3', 'B6', 'C1', 'C2'], 'in force today')
    await sameSet('status=lapsed', ['B4'], 'lapsed')
    await sameSet('status=revoked&inForce=false', ['B5'], 'revoked, consistently')
    await sameSet('from=2026-01-01', ['A1', 'A2', 'B1', 'B2', 'B6', 'C2'], 'from, inclusive')
    await sameSet('from=2025-09-01&to=2025-12-31', ['B3', 'C1'], 'a range')
    await sameSet('from=2026-01-15&to=2026-01-15', ['B1', 'C2'], 'one day')
    await sameSet(`reference=${encodeURIComponent(decision().reference)}`, [], 'an unknown reference')
  })

  await t.test('code: everything within the entry, in every list sharing its numbering', async (t) => {
    const { names, sameSet } = listing(t)
    await sameSet('regime=eu&code=3A001', ['A1', 'B1', 'B6', 'C1'], 'eu 3A001 finds wassenaar 3.A.1.a.1 and uk 3A001a1, not 3A002')
    await sameSet('regime=wassenaar&code=3.A.1.a', ['A1', 'B1', 'C1'], 'a sub-item: not 3A001.b')
    await sameSet('regime=uk&code=3A001.a.1&scope=allied', ['B1', 'C1'], 'the same entry written three ways')
    await sameSet('regime=eu&code=3A002', ['B3'], '3A002')
    await sameSet('regime=uk&code=ML10', ['B5', 'C2'], 'military')
    await sameSet('regime=us-eccn&code=5A002', ['B2'], 'ECCNs')
    t.same(await names('regime=eu&code=5A002'), [], 'an ECCN is not an EU entry: no crosswalk is followed')
    await sameSet('regime=eu&code=3A001&party=Gazprom%20Bank&outcome=denied&inForce=true', ['A1', 'B1', 'B6', 'C1'], 'with a party search')
  })

  await t.test('pages walk the whole list once, in both orders', async (t) => {
    const { list } = listing(t)
    const walk = async (query: string, limit: number) => {
      const ids: string[] = []
      let cursor: string | null = null
      let pages = 0
      do {
        const page = await list(`${query}&limit=${limit}${cursor === null ? '' : `&cursor=${cursor}`}`)
        t.ok(page.records.length <= limit)
        ids.push(...page.records.map((r) => r.id))
        cursor = page.nextCursor
        pages++
      } while (cursor !== null && pages < 20)
      return { ids, pages }
    }
    for (const [query, limit, pages] of [
      ['scope=all', 3, 4], ['scope=allied', 2, 4], ['outcome=denied', 1, 6], ['party=Gazprom%20Bank', 1, 4], ['party=Gazprom%20Bank&scope=allied', 2, 2]
    ] as const) {
      const all = (await list(`${query}&limit=500`)).records.map((r) => r.id)
      const walked = await walk(query, limit)
      t.same(walked.ids, all, `${query}, ${limit} a page: the same order, no gaps, no repeats`)
      t.equal(new Set(walked.ids).size, walked.ids.length)
      t.equal(walked.pages, pages, `${query}: ${pages} pages`)
    }
    const tied = await walk('from=2026-01-15&to=2026-01-15', 1)
    t.same(tied.ids, [rec.B1.record.id, rec.C2.record.id], 'one date, two issuers: ordered by issuer across pages')
  })

  await t.test('bad parameters: 400, naming the parameter', async (t) => {
    const { list } = listing(t)
    const dateCursor = (await list('limit=1')).nextCursor as string
    const partyCursor = (await list('party=Gazprom%20Bank&limit=1')).nextCursor as string
    const cases: Array<[string, string, RegExp?]> = [
      ['code=3A001', '/querystring/regime', /required with code/],
      ['regime=eu', '/querystring/code', /required with regime/],
      ['regime=uk&code=End%20Use', '/querystring/code', /not a uk control-list entry/],
      ['regime=eu&code=7A004-7A008', '/querystring/code', /not a eu control-list entry/],
      ['regime=klingon&code=3A001', '/querystring/regime'],
      ['regime=eu&code=3A001%25', '/querystring/code'],
      ['inForce=perhaps', '/querystring/inForce'],
      ['status=revoked&inForce=true', '/querystring/inForce', /contradicts status=revoked/],
      ['status=in_force&inForce=false', '/querystring/inForce'],
      ['scope=everyone', '/querystring/scope'],
      ['issuer=Bravo!', '/querystring/issuer'],
      ['issuer=bravo&scope=own', '/querystring/issuer', /scope=own/],
      ['issuer=alpha&scope=allied', '/querystring/issuer', /scope=allied/],
      ['country=Russia', '/querystring/country'],
      ['destination=ru', '/querystring/destination'],
      ['outcome=refused', '/querystring/outcome'],
      ['from=2026-02-30', '/querystring/from'],
      ['from=2026-02-01&to=2026-01-01', '/querystring/to', /before from/],
      ['party=LLC', '/querystring/party', /no name words/],
      ['party=x', '/querystring/party'],
      ['limit=0', '/querystring/limit'],
      ['cursor=bm90LWEtY3Vyc29y', '/querystring/cursor', /nextCursor/],
      [`party=Gazprom%20Bank&cursor=${dateCursor}`, '/querystring/cursor', /cannot continue a party search/],
      [`cursor=${partyCursor}`, '/querystring/cursor', /with party/],
      ['q=Gazprom', '/querystring/q', /unknown field "q"/]
    ]
    for (const [query, pointer, detail] of cases) {
      const res = await call(alpha, 'GET', `/v1/decisions?${query}`)
      t.match(res, { status: 400, body: { code: 'INVALID_REQUEST', errors: [{ pointer, ...(detail === undefined ? {} : { detail }) }] } }, query)
    }
  })
})
