import t from 'tap'
import { citeConsultation, listConsultations } from '../../src/consultations/index.js'
import { signMessage, type MessagePayload } from '../../src/consultations/messages.js'
import { deadlineFrom, parseDeadlines, periodFor } from '../../src/lib/deadlines.js'
import { fixedClock, systemClock } from '../../src/lib/clock.js'
import { buildDivergenceReport } from '../../src/reports/index.js'
import { createLogger } from '../../src/lib/logger.js'
import { CONSULTATION_TYP, signPartnerToken, verifyCompact, type Jwks } from '../../src/signing/index.js'
import { drainOutbox } from '../../src/use-cases/index.js'
import type { TestAgency } from '../helpers/agency.js'
import { decision, publishDecision, startFederation, syncAll } from '../helpers/federation.js'
import { DENIED_PARTY, PROPOSED } from '../helpers/gazprombank.js'

async function call (agency: TestAgency, method: 'GET' | 'POST', url: string, payload?: unknown) {
  const res = await agency.app.inject({ method, url, headers: { authorization: await agency.auth('officer') }, ...(payload === undefined ? {} : { payload: payload as object }) })
  return { status: res.statusCode, body: res.json() }
}

async function auditActions (agency: TestAgency) {
  const res = await agency.app.inject({ method: 'GET', url: '/v1/audit-events?limit=1000', headers: { authorization: await agency.auth('auditor') } })
  return (res.json().events as Array<{ action: string, actor: string, subject: { type: string, id: string }, detail: Record<string, unknown> }>)
}

async function denyGazprombank (alpha: TestAgency) {
  return publishDecision(alpha, decision({
    outcome: 'denied',
    decisionDate: '2026-01-15',
    destination: 'RU',
    parties: DENIED_PARTY,
    items: [{ codes: [{ regime: 'uk', code: '3A001.a.1' }], description: 'Radiation hardened integrated circuits' }]
  }))
}

t.test('B asks A, A asks for more, B answers, A objects, B grants anyway with its justification: the notice reaches C, the audit trails show every step', async (t) => {
  const agencies = await startFederation(t, ['alpha', 'bravo', 'charlie'])
  const [alpha, bravo, charlie] = agencies as [TestAgency, TestAgency, TestAgency]
  const denial = await denyGazprombank(alpha)
  await syncAll(agencies)

  const asked = await call(bravo, 'POST', '/v1/consultations', {
    denial: { issuer: 'alpha', recordId: denial.record.id },
    proposed: PROPOSED,
    question: 'The end user now buys for its civil satellite ground segment only. Do you object?',
    regime: 'eu'
  })
  t.equal(asked.status, 201, JSON.stringify(asked.body))
  const id = asked.body.id as string
  const today = systemClock.now().toISOString().slice(0, 10)
  t.match(asked.body, {
    direction: 'outgoing',
    requester: 'bravo',
    consulted: 'alpha',
    peer: 'alpha',
    state: 'requested',
    regime: 'eu',
    overdue: false,
    deadline: deadlineFrom(today, periodFor(parseDeadlines('eu=10wd,default=30d'), 'eu')),
    denial: { issuer: 'alpha', recordId: denial.record.id },
    messages: [{ position: 1, kind: 'request', from: 'bravo', to: 'alpha', delivery: 'delivered', attempts: 1 }]
  }, 'stored with its deadline (10 working days for the EU) and delivered to alpha at once')
  const request = await verifyCompact(asked.body.messages[0].jws, asked.body.keys.bravo as Jwks, CONSULTATION_TYP)
  t.match(request.payload, { iss: 'bravo', aud: 'alpha', consultation: id, kind: 'request', request: { denial: { issuer: 'alpha', recordId: denial.record.id }, regime: 'eu' } }, 'the request verifies offline with bravo\'s keys')

  const incoming = await call(alpha, 'GET', '/v1/consultations?direction=incoming')
  t.match(incoming.body.consultations, [{ id, direction: 'incoming', requester: 'bravo', consulted: 'alpha', state: 'requested', deadline: asked.body.deadline, createdBy: null }], 'alpha\'s officers see it, with the same deadline')
  t.equal((await call(alpha, 'GET', '/v1/consultations?direction=outgoing')).body.consultations.length, 0)

  t.equal((await call(bravo, 'POST', `/v1/consultations/${id}/replies`, { answer: 'no-objection', text: 'me' })).body.code, 'INVALID_TRANSITION', 'the requester does not answer its own request')
  t.equal((await call(bravo, 'POST', `/v1/consultations/${id}/information`, { text: 'unasked' })).status, 409, 'information comes when asked for')

  const more = await call(alpha, 'POST', `/v1/consultations/${id}/replies`, { answer: 'more-information', text: 'Who operates the ground station?' })
  t.equal(more.status, 201)
  t.match(more.body, { state: 'more-information', messages: [{ kind: 'request' }, { kind: 'reply', answer: 'more-information', from: 'alpha', delivery: 'delivered' }] })
  t.match((await call(bravo, 'GET', `/v1/consultations/${id}`)).body, { state: 'more-information', messages: [{}, { kind: 'reply', answer: 'more-information', text: 'Who operates the ground station?', delivery: 'received' }] })

  const cited = { id, justification: 'Civil end use verified on site' }
  const early = await call(bravo, 'POST', '/v1/decisions', decision({ outcome: 'granted', decisionDate: '2026-03-01', validUntil: '2028-03-01', ...PROPOSED, consultation: cited }))
  t.match(early.body, { code: 'CONSULTATION_NOT_CITABLE', detail: /asked for more information/ }, 'a consultation awaiting our information cannot be cited yet')

  t.equal((await call(bravo, 'POST', `/v1/consultations/${id}/information`, { text: 'Roscosmos weather service, under a state contract' })).body.state, 'requested')
  t.match((await call(alpha, 'GET', `/v1/consultations/${id}`)).body, { state: 'requested' }, 'alpha awaits its own reply again')
  const objection = await call(alpha, 'POST', `/v1/consultations/${id}/replies`, { answer: 'objection', text: 'The bank finances military procurement' })
  t.equal(objection.body.state, 'objection')
  t.equal((await call(alpha, 'POST', `/v1/consultations/${id}/replies`, { answer: 'no-objection', text: 'changed our mind' })).body.code, 'INVALID_TRANSITION', 'answered once')
  const atBravo = (await call(bravo, 'GET', `/v1/consultations/${id}`)).body
  t.match(atBravo, { state: 'objection', answeredAt: String })
  t.same(atBravo.messages.map((m: { kind: string, answer: string | null }) => `${m.kind}${m.answer === null ? '' : `:${m.answer}`}`), ['request', 'reply:more-information', 'information', 'reply:objection'], 'both ends hold the same four messages')
  for (const message of atBravo.messages) {
    const verified = await verifyCompact(message.jws, atBravo.keys[message.from] as Jwks, CONSULTATION_TYP)
    t.equal((verified.payload as MessagePayload).message, message.id, `message ${message.position} verifies with ${message.from}'s keys`)
  }

  const grant = decision({ outcome: 'granted', decisionDate: '2026-03-01', validUntil: '2028-03-01', ...PROPOSED })
  const warned = await call(bravo, 'POST', '/v1/decisions', grant)
  t.match(warned.body, { code: 'UNDERCUT_WARNING', conflicts: [{ issuer: 'alpha', recordId: denial.record.id }] }, 'without the citation, the warning')
  const recorded = await call(bravo, 'POST', '/v1/decisions', { ...grant, consultation: cited })
  t.equal(recorded.status, 201, JSON.stringify(recorded.body))
  t.match(recorded.body.record.decision.consultation, { id, agency: 'alpha', denial: { issuer: 'alpha', recordId: denial.record.id }, answer: 'objection', justification: 'Civil end use verified on site' }, 'the service writes the full citation into the signed grant')

  await syncAll(agencies)
  const held = (await call(charlie, 'GET', '/v1/decisions?issuer=bravo')).body.records as Array<{ id: string, signature: { status: string }, decision: Record<string, unknown> }>
  const notice = held.find((r) => r.id === recorded.body.record.id)
  t.match(notice, {
    signature: { status: 'verified' },
    decision: { outcome: 'granted', consultation: { id, agency: 'alpha', answer: 'objection', justification: 'Civil end use verified on site' } }
  }, 'the signed "granted after consultation" notice reached charlie with its citation and justification')
  for (const agency of agencies) {
    const res = await agency.app.inject({ method: 'GET', url: '/v1/divergences', headers: { authorization: await agency.auth('auditor') } })
    t.match(res.json().divergences, [{ kind: 'undercut', severity: 'medium', first: { issuer: 'alpha' }, second: { issuer: 'bravo' }, explanation: /cites a consultation with alpha about alpha's denial .* \(answer: objection\)/ }],
      `${agency.id}: the undercut, medium as it was consulted on`)
  }

  const bravoTrail = await auditActions(bravo)
  const steps = (trail: typeof bravoTrail) => trail.filter((e) => e.subject.type === 'consultation' || e.action === 'undercut-recorded').map((e) => `${e.action}${typeof e.detail.kind === 'string' ? `:${e.detail.kind}` : ''}`)
  t.same(steps(bravoTrail), [
    'consultation-message-sent:request', 'consultation-message-received:reply', 'consultation-message-sent:information', 'consultation-message-received:reply', 'undercut-recorded'
  ], 'bravo\'s trail: every message and the grant recorded over the denial')
  t.match(bravoTrail.find((e) => e.action === 'undercut-recorded'), { actor: 'user-officer', detail: { consultation: id, answer: 'objection', denials: [{ issuer: 'alpha', recordId: denial.record.id, coveredByConsultation: true }] } })
  t.match(bravoTrail.find((e) => e.action === 'consultation-message-sent'), { actor: 'user-officer', subject: { id } })
  t.same(steps(await auditActions(alpha)), [
    'consultation-message-received:request', 'consultation-message-sent:reply', 'consultation-message-received:information', 'consultation-message-sent:reply'
  ], 'alpha\'s trail: every message, received ones by the peer')
  t.match((await auditActions(alpha)).find((e) => e.action === 'consultation-message-received'), { actor: 'peer:bravo' })
  for (const agency of [alpha, bravo]) {
    const res = await agency.app.inject({ method: 'GET', url: '/v1/audit-events/verification', headers: { authorization: await agency.auth('auditor') } })
    t.match(res.json(), { ok: true }, `${agency.id}'s trail verifies`)
  }

  const amended = await bravo.app.inject({
    method: 'POST',
    url: `/v1/decisions/${recorded.body.record.id as string}/amendments`,
    headers: { authorization: await bravo.auth('officer') },
    payload: { version: 1, reason: 'typo', decision: { ...recorded.body.record.decision, consultation: { ...recorded.body.record.decision.consultation, answer: 'no-objection' } } }
  })
  t.match(amended.json(), { code: 'RECORD_NOT_AMENDABLE', detail: /consultation is written with the grant/ }, 'an amendment cannot rewrite the citation')
})

t.test('messages a peer cannot take are retried; unanswered past the deadline they are overdue and citable as unanswered', async (t) => {
  const agencies = await startFederation(t, ['kilo', 'lima'])
  const [kilo, lima] = agencies as [TestAgency, TestAgency]
  const denial = await denyGazprombank(kilo)
  await syncAll(agencies)
  const { base_url: baseUrl } = await lima.db.selectFrom('peers').select('base_url').where('agency_id', '=', 'kilo').executeTakeFirstOrThrow()
  await lima.db.updateTable('peers').set({ base_url: 'http://127.0.0.1:9' }).where('agency_id', '=', 'kilo').execute()
  const asked = await call(lima, 'POST', '/v1/consultations', { denial: { issuer: 'kilo', recordId: denial.record.id }, proposed: PROPOSED, question: 'Any objection?' })
  t.equal(asked.status, 201, 'the request is kept although kilo cannot be reached')
  t.match(asked.body, { regime: 'uk', state: 'requested', messages: [{ delivery: 'pending', attempts: 1, lastError: /could not be reached/ }] }, 'the regime of the denial\'s first entry; pending, with why')
  t.equal((await call(kilo, 'GET', '/v1/consultations')).body.consultations.length, 0)
  const messageId = asked.body.messages[0].id as string
  const queued = () => lima.db.selectFrom('outbox').select(['topic', 'key', 'payload', 'state', 'attempts', 'last_error']).execute()
  t.match(await queued(), [{ topic: 'consultation-message', key: `consultation-message ${messageId}`, payload: { messageId }, state: 'pending', attempts: 1, last_error: /could not be reached/ }],
    'its delivery is one outbox item, tried once at once, its retry the outbox\'s')

  // the outbox job, as it runs: nothing before the backoff has passed, then a retry per run
  const ctx = { config: lima.config, db: lima.db, keyRing: lima.app.keyRing, clock: systemClock, logger: createLogger({ level: 'silent' }) }
  const backoffPassed = () => lima.db.updateTable('outbox').set({ next_attempt_at: new Date(Date.now() - 1000) }).where('state', '=', 'pending').execute()
  t.match(await drainOutbox(ctx), { delivered: 0, failed: 0 }, 'not retried before its backoff has passed')
  await backoffPassed()
  t.match(await drainOutbox(ctx), { delivered: 0, failed: 1 }, 'kilo still down: failed again')
  t.match((await call(lima, 'GET', `/v1/consultations/${asked.body.id as string}`)).body.messages, [{ delivery: 'pending', attempts: 2, lastError: /could not be reached/ }], 'the officers see each attempt and why it failed')

  await lima.db.updateTable('peers').set({ base_url: baseUrl }).where('agency_id', '=', 'kilo').execute()
  await backoffPassed()
  t.match(await drainOutbox(ctx), { delivered: 1, failed: 0 }, 'kilo up again: the outbox job\'s next run delivers it')
  await backoffPassed()
  t.match(await drainOutbox(ctx), { delivered: 0, failed: 0 }, 'once')
  t.match((await call(lima, 'GET', `/v1/consultations/${asked.body.id as string}`)).body.messages, [{ delivery: 'delivered', attempts: 3, lastError: null }])
  t.match(await queued(), [{ state: 'delivered', attempts: 3, last_error: null }])
  t.match((await call(kilo, 'GET', '/v1/consultations')).body.consultations, [{ id: asked.body.id, state: 'requested' }], 'kilo has it')

  const deadline = asked.body.deadline as string
  const after = fixedClock(new Date(`${deadline}T00:00:00Z`))
  after.advance(3 * 86_400_000)
  for (const agency of agencies) {
    const overdue = await listConsultations({ db: agency.db, clock: after }, { overdue: true, limit: 10 })
    t.match(overdue.consultations, [{ id: asked.body.id, overdue: true, daysOverdue: 3 }], `${agency.id}: overdue three days after its deadline`)
    t.equal((await listConsultations({ db: agency.db, clock: after }, { overdue: false, limit: 10 })).consultations.length, 0)
  }
  t.equal((await call(lima, 'GET', '/v1/consultations?overdue=true')).body.consultations.length, 0, 'not overdue today')
  const report = (await lima.app.inject({ url: '/v1/reports/divergences', headers: { authorization: await lima.auth('auditor') } })).json()
  t.match(report.consultations, { open: { outgoing: 1, incoming: 0 }, overdue: { outgoing: 0, incoming: 0 }, perPeer: [{ peer: 'kilo', outgoing: 1, overdue: 0 }], openList: [{ id: asked.body.id, direction: 'outgoing', daysOverdue: 0 }] }, 'the auditors\' report: open, not overdue')
  const later = await buildDivergenceReport(kilo.db, {}, { agency: 'kilo', now: after.now() })
  t.match(later.consultations, { open: { incoming: 1 }, overdue: { incoming: 1 }, perPeer: [{ peer: 'lima', incoming: 1, overdue: 1 }], openList: [{ direction: 'incoming', peer: 'lima', daysOverdue: 3, denial: { issuer: 'kilo' } }] }, 'and overdue after the deadline')
  await t.rejects(citeConsultation(lima.db, systemClock.now().toISOString().slice(0, 10), { id: asked.body.id, justification: 'x' }), { code: 'CONSULTATION_NOT_CITABLE', message: /kilo has until/ }, 'before the deadline, the reply is awaited')
  t.match(await citeConsultation(lima.db, after.now().toISOString().slice(0, 10), { id: asked.body.id, justification: 'No reply within the period' }), { agency: 'kilo', answer: 'none' }, 'after it, citable as unanswered')
  await t.rejects(citeConsultation(kilo.db, after.now().toISOString().slice(0, 10), { id: asked.body.id, justification: 'x' }), { code: 'CONSULTATION_NOT_CITABLE', message: /asked of us/ }, 'the consulted agency cannot cite it')

  const id = asked.body.id as string
  t.match((await call(kilo, 'POST', `/v1/consultations/${id}/withdrawal`, { reason: 'not ours to withdraw' })).body, { code: 'INVALID_TRANSITION', detail: /only the requesting agency \(lima\)/ })
  const withdrawn = await call(lima, 'POST', `/v1/consultations/${id}/withdrawal`, { reason: 'The exporter withdrew the application' })
  t.match(withdrawn.body, { state: 'withdrawn', overdue: false, messages: [{ kind: 'request' }, { kind: 'withdrawal', text: 'The exporter withdrew the application', delivery: 'delivered' }] }, 'the requester withdraws it, with a signed message')
  t.match((await call(kilo, 'GET', `/v1/consultations/${id}`)).body, { state: 'withdrawn', messages: [{}, { kind: 'withdrawal', delivery: 'received' }] }, 'kilo holds the withdrawal')
  t.match((await call(kilo, 'POST', `/v1/consultations/${id}/replies`, { answer: 'objection', text: 'late' })).body, { code: 'INVALID_TRANSITION', detail: /withdrawn/ }, 'a withdrawn consultation is not answered')
  t.equal((await call(lima, 'POST', `/v1/consultations/${id}/withdrawal`, { reason: 'again' })).status, 409, 'nor withdrawn twice')
  await t.rejects(citeConsultation(lima.db, after.now().toISOString().slice(0, 10), { id, justification: 'x' }), { code: 'CONSULTATION_NOT_CITABLE', message: /we withdrew it/ }, 'nor cited')
  t.equal((await listConsultations({ db: kilo.db, clock: after }, { overdue: true, limit: 10 })).consultations.length, 0, 'nor overdue')
  t.same((await buildDivergenceReport(kilo.db, {}, { agency: 'kilo', now: after.now() })).consultations.open, { outgoing: 0, incoming: 0 }, 'nor open in the report')
})

t.test('the inbox refuses messages that are not from the caller, not to us, badly signed, or about what we do not hold; a repeat is a no-op', async (t) => {
  const agencies = await startFederation(t, ['mike', 'november', 'oscar'])
  const [mike, november, oscar] = agencies as [TestAgency, TestAgency, TestAgency]
  const denial = await denyGazprombank(mike)
  const grantAtMike = await publishDecision(mike, decision({ outcome: 'granted', validUntil: '2028-01-01' }))
  const key = await november.app.keyRing.current()
  const base = (overrides: Partial<MessagePayload> = {}): MessagePayload => ({
    iss: 'november',
    aud: 'mike',
    consultation: crypto.randomUUID(),
    message: crypto.randomUUID(),
    kind: 'request',
    sentAt: new Date().toISOString(),
    request: { denial: { issuer: 'mike', recordId: denial.record.id, reference: 'R' }, proposed: PROPOSED as never, regime: 'eu', deadline: '2027-01-01', question: 'Objection?' },
    ...overrides
  })
  const push = async (jws: string, from = november) => {
    const token = await signPartnerToken(await from.app.keyRing.current(), { issuer: from.id, audience: 'mike', lifetimeSeconds: 60 }, systemClock)
    const res = await mike.app.inject({ method: 'POST', url: '/v1/inbox/consultations', headers: { authorization: `Bearer ${token}` }, payload: { jws } })
    return { status: res.statusCode, body: res.json() }
  }

  const goodPayload = base()
  const good = signMessage(goodPayload, key)
  t.match(await push(good), { status: 201, body: { status: 'stored', state: 'requested' } })
  t.match(await push(good), { status: 200, body: { status: 'duplicate' } }, 'the same message again')
  t.match(await push(good, oscar), { status: 422, body: { code: 'MESSAGE_REFUSED', detail: /from "november" but was sent by "oscar"/ } }, 'relayed by another agency')
  t.match(await push(signMessage(base({ aud: 'oscar' }), key)), { status: 422, body: { detail: /addressed to "oscar"/ } })
  const tampered = good.split('.')
  tampered[1] = Buffer.from(JSON.stringify({ ...base(), question: 'changed' })).toString('base64url')
  t.match(await push(tampered.join('.')), { status: 422, body: { code: 'MESSAGE_REFUSED', errors: [{ detail: 'bad-signature' }] } }, 'a signature that does not verify')
  t.match(await push(signMessage(base({ request: { ...base().request!, denial: { issuer: 'mike', recordId: grantAtMike.record.id, reference: 'R' } } }), key)), { status: 422, body: { detail: /names no denial of ours that you may see/ } })
  t.match(await push(signMessage(base({ request: { ...base().request!, denial: { issuer: 'oscar', recordId: denial.record.id, reference: 'R' } } }), key)), { status: 422, body: { detail: /ask that agency/ } })
  t.match(await push(signMessage(base({ kind: 'reply', answer: 'objection', request: undefined }), key)), { status: 404, body: { code: 'CONSULTATION_NOT_FOUND' } }, 'a reply to nothing')
  t.match(await push(signMessage({ ...base(), request: undefined } as MessagePayload, key)), { status: 422, body: { errors: [{ pointer: '/payload/request' }] } }, 'a request without its request')
  t.match(await push(signMessage({ ...goodPayload, text: 'other content' }, key)), { status: 422, body: { detail: /held already with other content/ } }, 'a message id reused with other content')
  const other = await push(signMessage({ ...base(), kind: 'information', request: undefined, text: 'x', consultation: goodPayload.consultation }, key))
  t.match(other, { status: 409, body: { code: 'INVALID_TRANSITION' } }, 'information nobody asked for')
  t.equal((await mike.db.selectFrom('consultations').select('id').execute()).length, 1, 'only the good request is held')
  t.equal((await mike.db.selectFrom('consultation_messages').select('id').execute()).length, 1)
})

t.test('a request about a denial outside the sender\'s audience, an unknown id and a grant get one answer, byte for byte, and nothing is stored', async (t) => {
  const agencies = await startFederation(t, ['romeo', 'sierra', 'tango'])
  const [romeo, sierra] = agencies as [TestAgency, TestAgency, TestAgency]
  const hidden = await publishDecision(romeo, decision({ outcome: 'denied', audience: ['tango'] }))
  const shared = await publishDecision(romeo, decision({ outcome: 'denied', audience: ['sierra', 'tango'] }))
  const grant = await publishDecision(romeo, decision({ outcome: 'granted', validUntil: '2028-01-01' }))
  const key = await sierra.app.keyRing.current()
  const token = async () => `Bearer ${await signPartnerToken(key, { issuer: 'sierra', audience: 'romeo', lifetimeSeconds: 60 }, systemClock)}`
  const ask = async (recordId: string) => {
    const payload: MessagePayload = {
      iss: 'sierra',
      aud: 'romeo',
      consultation: crypto.randomUUID(),
      message: crypto.randomUUID(),
      kind: 'request',
      sentAt: new Date().toISOString(),
      request: { denial: { issuer: 'romeo', recordId, reference: 'R-1' }, proposed: PROPOSED as never, regime: 'eu', deadline: '2027-01-01', question: 'Objection?' }
    }
    const res = await romeo.app.inject({ method: 'POST', url: '/v1/inbox/consultations', headers: { authorization: await token() }, payload: { jws: signMessage(payload, key) } })
    return { payload, status: res.statusCode, type: res.headers['content-type'], body: res.body }
  }

  const refused = [
    { name: 'a denial whose audience excludes the sender', ...await ask(hidden.record.id) },
    { name: 'an id we never used', ...await ask(crypto.randomUUID()) },
    { name: 'a grant the sender may see', ...await ask(grant.record.id) }
  ]
  const [first] = refused as [typeof refused[number]]
  t.match(JSON.parse(first.body), { status: 422, code: 'MESSAGE_REFUSED', errors: [{ pointer: '/payload/request/denial/recordId' }] })
  const withoutInstance = (body: string) => body.replace(/"instance":"[^"]*",?/, '')
  for (const answer of refused) {
    t.same({ status: answer.status, type: answer.type, body: withoutInstance(answer.body) }, { status: first.status, type: first.type, body: withoutInstance(first.body) }, `${answer.name}: the same answer`)
  }
  const consultations = refused.map((r) => r.payload.consultation)
  t.same(await romeo.db.selectFrom('consultations').select('id').where('id', 'in', consultations).execute(), [], 'no consultation stored')
  t.same(await romeo.db.selectFrom('consultation_messages').select('id').where('id', 'in', refused.map((r) => r.payload.message)).execute(), [], 'no message stored')
  t.same(await romeo.db.selectFrom('audit_events').select('seq').where('subject_id', 'in', consultations).execute(), [], 'no audit event')

  const accepted = await ask(shared.record.id)
  t.equal(accepted.status, 201, `a denial whose audience names the sender is taken: ${accepted.body}`)
})

t.test('an amendment that makes a grant undercut is warned as a new grant is; an override may be added, not removed', async (t) => {
  const agencies = await startFederation(t, ['papa', 'quebec'])
  const [papa, quebec] = agencies as [TestAgency, TestAgency]
  await denyGazprombank(papa)
  await syncAll(agencies)
  const grant = await publishDecision(quebec, decision({ outcome: 'granted', decisionDate: '2026-03-01', validUntil: '2028-03-01', ...PROPOSED, parties: [{ role: 'end_user', name: 'Rosneft Trading', aliases: [], country: 'RU', identifiers: [] }] }))
  const amend = async (content: Record<string, unknown>, version: number) => quebec.app.inject({
    method: 'POST', url: `/v1/decisions/${grant.record.id}/amendments`, headers: { authorization: await quebec.auth('officer') }, payload: { version, reason: 'end user corrected', decision: content }
  })
  const current = (await call(quebec, 'GET', `/v1/decisions/${grant.record.id}`)).body.record.decision
  const renamed = { ...current, parties: PROPOSED.parties }
  t.match((await amend(renamed, 1)).json(), { code: 'UNDERCUT_WARNING', conflicts: [{ issuer: 'papa' }] }, 'the amended end user is papa\'s denied one')
  const overridden = await amend({ ...renamed, undercutOverride: { reason: 'Licence transferred by court order' } }, 1)
  t.equal(overridden.statusCode, 201, overridden.body)
  t.match((await amend(renamed, 2)).json(), { code: 'RECORD_NOT_AMENDABLE', detail: /undercutOverride, once given, cannot be changed or removed/ })
  const trail = (await auditActions(quebec)).filter((e) => e.action === 'undercut-recorded')
  t.match(trail, [{ subject: { id: grant.record.id }, detail: { override: 'Licence transferred by court order', denials: [{ issuer: 'papa' }] } }], 'the amendment over the warning is in the audit trail')
  const res = await quebec.app.inject({ method: 'GET', url: '/v1/divergences', headers: { authorization: await quebec.auth('auditor') } })
  t.match(res.json().divergences, [{ kind: 'undercut', severity: 'high', second: { issuer: 'quebec', recordId: grant.record.id }, explanation: /recorded over the undercut warning: "Licence transferred by court order"/ }], 'and the auditors have the divergence')
})
