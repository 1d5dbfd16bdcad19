import t from 'tap'
import type { TestAgency } from '../helpers/agency.js'
import { startFederation, syncRound } from '../helpers/federation.js'
import { call } from '../helpers/records.js'

// Two allies classify one item that has no part number, each in its own words, under codes that
// name different entries of the dual-use list: real agencies (HTTP servers on 127.0.0.1, their
// own keys and databases), the classification reaching the ally by a sync of its signed feed.
// "Frequency changers (converters or inverters)" is ccl-alpha-index-2015's entry for 3A225;
// the other wordings (case, punctuation, word order, a typo) are an officer's.

interface Divergence { id: string, kind: string, severity: string, state: string, holds: boolean, explanation: string, first: { issuer: string, recordId: string }, second: { issuer: string, recordId: string } }

async function divergencesAt (agency: TestAgency): Promise<Divergence[]> {
  const res = await call(agency, 'GET', '/v1/divergences', undefined, 'auditor')
  if (res.status !== 200) throw new Error(`${agency.id}: ${res.status} ${JSON.stringify(res.body)}`)
  return res.body.divergences as Divergence[]
}

async function classify (agency: TestAgency, description: string, code: { regime: string, code: string }, classificationDate: string): Promise<string> {
  const res = await call(agency, 'POST', '/v1/classifications', { item: { description }, result: 'listed', codes: [code], classificationDate })
  if (res.status !== 201) throw new Error(`classify at ${agency.id}: ${res.status} ${JSON.stringify(res.body)}`)
  return res.body.record.id as string
}

async function synced (agency: TestAgency, peer: string): Promise<void> {
  const outcome = await syncRound(agency, peer)
  if (outcome?.status !== 'synced') throw new Error(`sync ${agency.id} <- ${peer}: ${JSON.stringify(outcome)}`)
}

t.test('an item without part number, classified by two allies in other words under unrelated codes: a conflicting classification', async (t) => {
  const [alpha, bravo] = await startFederation(t, ['alpha', 'bravo']) as [TestAgency, TestAgency]
  const theirs = await classify(alpha, 'Frequency changers (converters or inverters)', { regime: 'eu', code: '3A225' }, '2026-02-01')
  const ours = await classify(bravo, 'INVERTERS or convreters: frequency-CHANGER', { regime: 'uk', code: '3A201' }, '2026-03-01')
  t.same(await divergencesAt(bravo), [], 'nothing before bravo holds alpha\'s classification')

  await synced(bravo, 'alpha')
  const atBravo = await divergencesAt(bravo)
  t.equal(atBravo.length, 1, 'bravo sees the conflict once alpha\'s classification is projected')
  t.match(atBravo[0], {
    kind: 'conflicting-classification',
    severity: 'medium',
    state: 'open',
    holds: true,
    first: { issuer: 'alpha', recordId: theirs },
    second: { issuer: 'bravo', recordId: ours },
    explanation: /alpha classified "Frequency changers \(converters or inverters\)" on 2026-02-01 as listed under eu 3A225; bravo classified it on 2026-03-01 as listed under uk 3A201: the codes are unrelated.*the same item: descriptions \d+% alike/
  })
  const detail = await call(bravo, 'GET', `/v1/divergences/${atBravo[0]?.id}`)
  t.match(detail.body.evidence, { item: { basis: 'description', partNumber: { value: 'unknown' } }, conflict: 'codes' }, 'found by description: no part number on either side')

  await synced(alpha, 'bravo')
  const atAlpha = await divergencesAt(alpha)
  t.equal(atAlpha.length, 1, 'alpha finds it too, when bravo\'s classification reaches it')
  t.equal(atAlpha[0]?.explanation, atBravo[0]?.explanation, 'in the same words')
})

t.test('items without part number described differently are not in conflict, whatever their codes', async (t) => {
  const [alpha, bravo] = await startFederation(t, ['alpha', 'bravo']) as [TestAgency, TestAgency]
  await classify(alpha, 'Frequency changers (converters or inverters)', { regime: 'eu', code: '3A225' }, '2026-02-01')
  await classify(bravo, 'Gas centrifuge rotor tubes', { regime: 'uk', code: '0B001.c' }, '2026-03-01')
  await classify(bravo, 'Analog-to-digital converters, integrated circuits', { regime: 'uk', code: '3A001.a.5' }, '2026-03-02')
  await synced(bravo, 'alpha')
  await synced(alpha, 'bravo')
  const held = await bravo.db.selectFrom('records').select('record_id').where('issuer', '=', 'alpha').where('kind', '=', 'classification').execute()
  t.equal(held.length, 1, 'bravo holds alpha\'s classification')
  t.same(await divergencesAt(bravo), [], 'none at bravo')
  t.same(await divergencesAt(alpha), [], 'none at alpha')
})
