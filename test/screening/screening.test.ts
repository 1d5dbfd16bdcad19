import t from 'tap'
import type { TestAgency } from '../helpers/agency.js'
import { decision, publishDecision, startFederation, syncAll } from '../helpers/federation.js'

// Names: Gazprombank from the OFAC SDN list (ofac-sdn-2021/sdn.csv, aliases in alt.csv: "GAZPROMBANK OPEN JOINT
// STOCK COMPANY", "GPB (OJSC)"); Huawei from the BIS Entity List (us-restricted-lists-2026/bis_entity_list.json).

async function screen (agency: TestAgency, body: Record<string, unknown>) {
  return agency.app.inject({ method: 'POST', url: '/v1/screenings', headers: { authorization: await agency.auth('officer') }, payload: body })
}

const gazprombankDenial = {
  outcome: 'denied',
  decisionDate: '2026-01-15',
  destination: 'RU',
  parties: [{ role: 'end_user', name: 'Gazprombank Open Joint Stock Company', aliases: ['GPB (OJSC)', 'Gazprombank OAO'], country: 'RU', identifiers: [{ scheme: 'registration', value: '1027700167110' }] }],
  items: [{ codes: [{ regime: 'uk', code: '3A001.a.1' }], description: 'Radiation hardened integrated circuits', manufacturer: 'Example Semi', partNumber: 'RH-1000' }]
}

const application = (overrides: Record<string, unknown> = {}) => ({
  reference: 'APP-1',
  parties: [{ role: 'end_user', name: 'Gazprom Bank', aliases: [], country: 'RU', identifiers: [] }],
  items: [{ codes: [{ regime: 'wassenaar', code: '3.A.1.a.1' }], description: 'Rad-hard integrated circuits' }],
  destination: 'RU',
  date: '2026-06-01',
  ...overrides
})

t.test('screening an application against allied decisions', async (t) => {
  const [alpha, bravo] = await startFederation(t, ['alpha', 'bravo']) as [TestAgency, TestAgency]
  const denial = await publishDecision(bravo, decision(gazprombankDenial))
  const unrelated = await publishDecision(bravo, decision({ ...gazprombankDenial, parties: [{ role: 'end_user', name: 'Gazprom Neft', aliases: [], country: 'RU', identifiers: [] }], destination: 'RU' }))
  const grant = await publishDecision(bravo, decision({
    outcome: 'granted',
    decisionDate: '2026-02-01',
    destination: 'CN',
    validUntil: '2028-02-01',
    parties: [{ role: 'consignee', name: 'Huawei Technologies Co., Ltd.', aliases: [], country: 'CN', identifiers: [] }],
    items: [{ codes: [{ regime: 'us-eccn', code: '5A002.a' }], description: 'Encryption items' }]
  }))
  const own = await publishDecision(alpha, decision(gazprombankDenial))
  // the same bank granted something else elsewhere: counted, not listed
  const grantElsewhere = await publishDecision(bravo, decision({
    ...gazprombankDenial, outcome: 'granted', destination: 'KZ', validUntil: '2028-01-15', items: [{ codes: [{ regime: 'uk', code: '5A002.a' }], description: 'Encryption items' }]
  }))
  // UN 6908056 and 6908053 (un-consolidated-2026/un_names.csv): one ally writes the Latin primary name, the other the original script
  const iraqDenial = (name: string) => decision({ ...gazprombankDenial, destination: 'IQ', parties: [{ role: 'end_user', name, aliases: [], country: 'IQ', identifiers: [] }] })
  const zubaidi = await publishDecision(bravo, iraqDenial('MUHAMMAD HAMZA ZUBAIDI'))
  const duri = await publishDecision(bravo, iraqDenial('عزت ابراهيم الدوري'))
  await syncAll([alpha, bravo])

  await t.test('a name in Arabic script finds its Latin spelling, and the other way round', async (t) => {
    for (const [name, found, listed] of [['محمد حمزة زبيدي', zubaidi, 'MUHAMMAD HAMZA ZUBAIDI'], ['IZZAT IBRAHIM AL-DURI', duri, 'عزت ابراهيم الدوري']] as const) {
      const res = await screen(alpha, { applications: [application({ destination: 'IQ', parties: [{ role: 'end_user', name, aliases: [], country: 'IQ', identifiers: [] }] })] })
      t.equal(res.statusCode, 200, res.body)
      const hit = res.json().results[0].hits.find((h: { record: { recordId: string } }) => h.record.recordId === found.record.id)
      t.ok(hit?.party?.isMatch, `${name} finds ${listed}`)
      t.equal(hit?.assessment.essentiallyIdentical, true, 'the same end user, item and destination')
    }
  })

  await t.test('the transliterated, split name and another numbering of the entry are essentially identical', async (t) => {
    const res = await screen(alpha, { applications: [application()] })
    t.equal(res.statusCode, 200, res.body)
    const [result] = res.json().results
    const ids = result.hits.map((h: { record: { recordId: string } }) => h.record.recordId)
    t.equal(ids[0], denial.record.id, 'the Gazprombank denial ranks first')
    t.notOk(ids.includes(own.record.id), 'our own denial is left out by default')
    t.notOk(ids.includes(grant.record.id), 'an unrelated grant elsewhere is not a hit')
    const hit = result.hits[0]
    t.match(hit, {
      record: { issuer: 'bravo', own: false, outcome: 'denied', lifecycle: 'in_force', signature: { status: 'verified', entrySeq: denial.entry.seq } },
      party: { applicationParty: 0, candidateParty: 0, isMatch: true, matched: { queryName: 'Gazprom Bank' } },
      item: { relation: 'same-entry' },
      destination: { same: true },
      timeWindow: { inForce: true, decidedBefore: true },
      assessment: { essentiallyIdentical: true },
      disposition: null,
      suppressed: false
    })
    t.ok(hit.party.score >= 0.85, `party score ${hit.party.score}`)
    t.match(hit.party.explanation, /Gazprom Bank/, 'the explanation names our name')
    t.equal(typeof hit.record.signature.kid, 'string', 'the signing key is named')

    const neft = result.hits.find((h: { record: { recordId: string } }) => h.record.recordId === unrelated.record.id)
    t.ok(neft, 'a denial of the same item to the same destination is a hit by item')
    t.equal(neft.party, null, 'Gazprom Neft is not Gazprom Bank: no party match')
    t.equal(neft.assessment.essentiallyIdentical, false)

    t.notOk(ids.includes(grantElsewhere.record.id), 'a grant to the same bank elsewhere, for another item, is not listed')
    t.same(result.parties, [{ applicationParty: 0, name: 'Gazprom Bank', listed: 1, others: { granted: 1, denied: 0 } }], 'it is counted under the party it names')
  })

  await t.test('includeOwn brings our own decisions in; another destination is not essentially identical', async (t) => {
    const res = await screen(alpha, { applications: [application({ destination: 'BY' })], options: { includeOwn: true } })
    const hits = res.json().results[0].hits
    t.ok(hits.some((h: { record: { recordId: string, own: boolean } }) => h.record.recordId === own.record.id && h.record.own), 'own denial listed')
    t.ok(hits.every((h: { assessment: { essentiallyIdentical: boolean } }) => !h.assessment.essentiallyIdentical), 'none essentially identical for another destination')
  })

  await t.test('a party found by identifier alone', async (t) => {
    const res = await screen(alpha, { applications: [application({ parties: [{ role: 'end_user', name: 'Joint Stock Company X', aliases: [], country: 'RU', identifiers: [{ scheme: 'registration', value: '1027700-167110' }] }], destination: 'BY' })] })
    const hits = res.json().results[0].hits
    t.ok(hits.some((h: { record: { recordId: string } }) => h.record.recordId === denial.record.id), 'the registration number retrieves the denial')
  })

  await t.test('a false-positive disposition suppresses the same hit for the same party next time', async (t) => {
    const first = (await screen(alpha, { applications: [application()] })).json().results[0]
    const hit = first.hits.find((h: { record: { recordId: string } }) => h.record.recordId === denial.record.id)
    const res = await alpha.app.inject({
      method: 'POST',
      url: `/v1/screenings/${first.screeningId}/hits/${encodeURIComponent(hit.hitId)}/dispositions`,
      headers: { authorization: await alpha.auth('officer') },
      payload: { disposition: 'false-positive', reason: 'different bank, checked the registry' }
    })
    t.equal(res.statusCode, 201, res.body)
    t.match(res.json(), { disposition: 'false-positive', issuer: 'bravo', recordId: denial.record.id, suppressesLaterHits: true })

    const again = (await screen(alpha, { applications: [application()] })).json().results[0]
    t.notOk(again.hits.some((h: { record: { recordId: string } }) => h.record.recordId === denial.record.id), 'not among the hits')
    t.equal(again.suppressedCount, 1)
    t.same(again.suppressed, [], 'not listed unless asked')
    const shown = (await screen(alpha, { applications: [application()], options: { includeSuppressed: true } })).json().results[0]
    t.match(shown.suppressed, [{ record: { recordId: denial.record.id }, suppressed: true, disposition: { disposition: 'false-positive', reason: 'different bank, checked the registry' } }])

    const otherParty = (await screen(alpha, { applications: [application({ parties: [{ role: 'end_user', name: 'GAZPROMBANK', aliases: [], country: 'RU', identifiers: [] }] })] })).json().results[0]
    t.ok(otherParty.hits.some((h: { record: { recordId: string } }) => h.record.recordId === denial.record.id), 'another party of ours is not suppressed')

    const unknown = await alpha.app.inject({
      method: 'POST', url: `/v1/screenings/${first.screeningId}/hits/nope/dispositions`, headers: { authorization: await alpha.auth('officer') }, payload: { disposition: 'exact', reason: 'x' }
    })
    t.equal(unknown.statusCode, 404)
  })

  await t.test('a revoked denial is left out unless asked for', async (t) => {
    const res = await bravo.app.inject({
      method: 'POST', url: `/v1/decisions/${denial.record.id}/revocations`, headers: { authorization: await bravo.auth('officer') }, payload: { version: 1, reason: 'appeal upheld', effectiveDate: '2026-05-01' }
    })
    t.equal(res.statusCode, 201, res.body)
    await syncAll([alpha, bravo])
    const app = application({ parties: [{ role: 'end_user', name: 'Gazprombank', aliases: [], country: 'RU', identifiers: [] }] })
    const hits = (await screen(alpha, { applications: [app] })).json().results[0].hits
    t.notOk(hits.some((h: { record: { recordId: string } }) => h.record.recordId === denial.record.id), 'revoked: gone')
    t.match((await screen(alpha, { applications: [app] })).json().results[0].parties, [{ listed: 0, others: { granted: 1, denied: 1 } }], 'counted among the others')
    const all = (await screen(alpha, { applications: [app], options: { includeInactive: true } })).json().results[0].hits
    t.match(all.find((h: { record: { recordId: string } }) => h.record.recordId === denial.record.id), { record: { lifecycle: 'revoked' }, assessment: { essentiallyIdentical: false } })
  })

  await t.test('batches, stored screenings and the audit trail', async (t) => {
    const res = await screen(alpha, { applications: [application({ reference: 'B-1' }), application({ reference: 'B-2', destination: 'CN' })] })
    const body = res.json()
    t.equal(body.results.length, 2)
    t.same(body.results.map((r: { reference: string }) => r.reference), ['B-1', 'B-2'])
    t.equal(body.officer, 'user-officer')
    const stored = await alpha.app.inject({ method: 'GET', url: `/v1/screenings/${body.results[1].screeningId}`, headers: { authorization: await alpha.auth('auditor') } })
    t.equal(stored.statusCode, 200, stored.body)
    t.match(stored.json(), { officer: 'user-officer', application: { reference: 'B-2' }, result: { screeningId: body.results[1].screeningId } })
    const events = await alpha.db.selectFrom('audit_events').selectAll().orderBy('seq').execute()
    t.ok(events.length >= 2)
    t.same(events.map((e) => e.seq), events.map((_, i) => i + 1), 'gap-free seqs')
    for (let i = 1; i < events.length; i++) t.equal(events[i]?.prev_hash, events[i - 1]?.hash, `event ${i + 1} chains to ${i}`)
    const last = events.at(-1)
    t.match(last, { actor: 'user-officer', action: 'screening', subject_type: 'screening', subject_id: body.results[1].screeningId })
    t.match(last?.detail, { asked: { reference: 'B-2' } })
    const dispositionEvents = events.filter((e) => e.action === 'disposition')
    t.equal(dispositionEvents.length, 1, 'the disposition is in the trail')
  })

  await t.test('bad input and access', async (t) => {
    const bad = await screen(alpha, { applications: [] })
    t.equal(bad.statusCode, 400)
    const noItems = await screen(alpha, { applications: [{ ...application(), items: [] }] })
    t.equal(noItems.statusCode, 400)
    t.match(noItems.json(), { code: 'INVALID_REQUEST', errors: [{ pointer: '/body/applications/0/items' }] })
    const auditor = await alpha.app.inject({ method: 'POST', url: '/v1/screenings', headers: { authorization: await alpha.auth('auditor') }, payload: { applications: [application()] } })
    t.equal(auditor.statusCode, 403, 'auditors read screenings, officers run them')
    const missing = await alpha.app.inject({ method: 'GET', url: '/v1/screenings/00000000-0000-4000-8000-000000000000', headers: { authorization: await alpha.auth('officer') } })
    t.equal(missing.statusCode, 404)
  })
})
