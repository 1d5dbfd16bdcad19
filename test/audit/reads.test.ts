import { parse } from 'csv-parse/sync'
import { sql } from 'kysely'
import t from 'tap'
import { verifyAuditChain } from '../../src/audit/index.js'
import type { TestAgency } from '../helpers/agency.js'
import { captureLogs } from '../helpers/capture-logs.js'
import { decision, publishDecision, startFederation, syncAll, syncRound } from '../helpers/federation.js'
import { DENIED_PARTY, PROPOSED } from '../helpers/gazprombank.js'
import { sampleClassification } from '../helpers/records.js'

// Issue 15 part 5a: the searches, views and exports of officers and auditors through the JSON
// API are audit events, written before the answer, naming who read what and exactly what was
// returned. The allied record is alpha's denial of Gazprombank (OFAC SDN), synced to bravo;
// bravo's grant to "Gazprom Bank" over the warning is the divergence both records meet in.

interface Event { seq: number, actor: string, action: string, subject_type: string, subject_id: string, detail: Record<string, any> }

/** A GET by the user `subject` holding `role`, through the real routes. */
async function read (agency: TestAgency, subject: string, role: 'officer' | 'auditor', url: string) {
  const authorization = `Bearer ${await agency.idp.token(subject, [role])}`
  const res = await agency.app.inject({ method: 'GET', url, headers: { authorization } })
  return { status: res.statusCode, body: res.body, json: () => res.json() as Record<string, any>, authorization }
}

const lastSeq = async (agency: TestAgency) =>
  (await agency.db.selectFrom('audit_events').select((eb) => eb.fn.max('seq').as('seq')).executeTakeFirstOrThrow()).seq ?? 0
const eventsAfter = async (agency: TestAgency, seq: number) =>
  await agency.db.selectFrom('audit_events').select(['seq', 'actor', 'action', 'subject_type', 'subject_id', 'detail']).where('seq', '>', seq).orderBy('seq').execute() as Event[]

/** The events `fn`'s reads wrote, in order. */
async function eventsOf (agency: TestAgency, fn: () => Promise<unknown>): Promise<Event[]> {
  const before = await lastSeq(agency)
  await fn()
  return eventsAfter(agency, before)
}

t.test('searches, views and exports through the JSON API: one event each, before the answer, naming exactly what was returned', async (t) => {
  const logs = captureLogs('debug')
  const [alpha, bravo] = await startFederation(t, ['reads-alpha', 'reads-bravo'], { logger: logs.logger }) as [TestAgency, TestAgency]
  const denial = await publishDecision(alpha, decision({
    outcome: 'denied',
    decisionDate: '2026-01-15',
    destination: 'RU',
    parties: DENIED_PARTY,
    items: [{ codes: [{ regime: 'uk', code: '3A001.a.1' }], description: 'Radiation hardened integrated circuits' }]
  }))
  await syncAll([alpha, bravo])
  const grant = await publishDecision(bravo, decision({ ...PROPOSED, outcome: 'granted', decisionDate: '2026-03-01', validUntil: '2028-03-01', undercutOverride: { reason: 'Ministerial direction' } }))
  const other = await publishDecision(bravo, decision({ outcome: 'denied' }))

  await t.test('records-searched: the filters as given, the cursor, every record of the page', async (t) => {
    let first: Awaited<ReturnType<typeof read>> | undefined
    const [searched] = await eventsOf(bravo, async () => { first = await read(bravo, 'officer-olga', 'officer', '/v1/decisions?party=Gazprom%20Bank&limit=1') })
    const page = first?.json() ?? {}
    t.equal(first?.status, 200, first?.body ?? '')
    t.equal(page.records.length, 1)
    t.type(page.nextCursor, 'string', 'a later page to ask for')
    t.same(searched, {
      seq: searched?.seq,
      actor: 'officer-olga',
      action: 'records-searched',
      subject_type: 'records',
      subject_id: 'decision',
      detail: {
        kind: 'decision',
        filters: { party: 'Gazprom Bank', scope: 'all', limit: 1 },
        cursor: null,
        records: page.records.map((r: { issuer: string, id: string, version: number }) => ({ issuer: r.issuer, id: r.id, version: r.version })),
        count: 1,
        nextCursor: page.nextCursor
      }
    }, 'who, the filters as given (defaults applied), the records returned')
    t.notOk(JSON.stringify(searched).includes(first?.authorization.slice('Bearer '.length) ?? 'none'), 'not the user\'s token')

    let second: Awaited<ReturnType<typeof read>> | undefined
    const [next] = await eventsOf(bravo, async () => { second = await read(bravo, 'officer-olga', 'officer', `/v1/decisions?party=Gazprom%20Bank&limit=1&cursor=${encodeURIComponent(page.nextCursor)}`) })
    const rest = second?.json() ?? {}
    t.match(next?.detail, { filters: { party: 'Gazprom Bank', limit: 1 }, cursor: page.nextCursor, count: rest.records.length, nextCursor: rest.nextCursor })
    t.notOk('cursor' in (next?.detail.filters ?? {}), 'the cursor apart from the filters')
    const found = [...page.records, ...rest.records].map((r: { issuer: string, id: string }) => `${r.issuer}/${r.id}`)
    t.same(found.sort(), [`reads-alpha/${denial.record.id}`, `reads-bravo/${grant.record.id}`].sort(), 'the allied denial and our grant, one a page')
    t.same(next?.detail.records.map((r: { issuer: string, id: string }) => `${r.issuer}/${r.id}`), rest.records.map((r: { issuer: string, id: string }) => `${r.issuer}/${r.id}`))

    const [allied] = await eventsOf(bravo, () => read(bravo, 'auditor-ari', 'auditor', '/v1/decisions?scope=allied'))
    t.match(allied, { actor: 'auditor-ari', detail: { filters: { scope: 'allied', limit: 50 }, records: [{ issuer: 'reads-alpha', id: denial.record.id, version: 1 }], count: 1, nextCursor: null } }, 'an auditor\'s listing of the allied decisions')

    const [listed] = await eventsOf(bravo, () => read(bravo, 'auditor-ari', 'auditor', '/v1/classifications?status=in_force'))
    t.match(listed, { action: 'records-searched', subject_id: 'classification', detail: { kind: 'classification', filters: { status: 'in_force', limit: 50 }, records: [], count: 0 } }, 'the classifications\' listing too')

    t.same(await eventsOf(bravo, async () => t.equal((await read(bravo, 'officer-olga', 'officer', '/v1/decisions?regime=eu')).status, 400)), [], 'a refused search returned nothing: no event')

    let due: Record<string, any> = {}
    const [reviewed] = await eventsOf(bravo, async () => { due = (await read(bravo, 'officer-olga', 'officer', '/v1/reviews/denials?withinDays=3650')).json() })
    t.same(due.denials.map((d: { recordId: string }) => d.recordId), [other.record.id], 'our denial due for review')
    t.same(reviewed?.detail, { kind: 'decision', filters: { reviewDueWithinDays: 3650 }, cursor: null, records: [{ issuer: 'reads-bravo', id: other.record.id, version: 1 }], count: 1, nextCursor: null }, 'the review list too')
  })

  await t.test('record-viewed: issuer, id, version, for our decisions and classifications', async (t) => {
    const [viewed] = await eventsOf(bravo, async () => t.equal((await read(bravo, 'auditor-ari', 'auditor', `/v1/decisions/${other.record.id}`)).status, 200))
    t.same(viewed && { ...viewed, seq: 0 }, {
      seq: 0,
      actor: 'auditor-ari',
      action: 'record-viewed',
      subject_type: 'record',
      subject_id: other.record.id,
      detail: { issuer: 'reads-bravo', id: other.record.id, version: 1, kind: 'decision' }
    })
    const posted = await bravo.app.inject({ method: 'POST', url: '/v1/classifications', headers: { authorization: await bravo.auth('officer') }, payload: sampleClassification() })
    const classification = posted.json().record.id as string
    const [seen] = await eventsOf(bravo, () => read(bravo, 'officer-olga', 'officer', `/v1/classifications/${classification}`))
    t.match(seen, { action: 'record-viewed', subject_id: classification, detail: { issuer: 'reads-bravo', id: classification, version: 1, kind: 'classification' } })
    t.same(await eventsOf(bravo, async () => t.equal((await read(bravo, 'officer-olga', 'officer', `/v1/decisions/${classification}`)).status, 404)), [], 'not found: no event')
  })

  await t.test('the divergence queue and a divergence: the ids listed, both records shown (the allied one too)', async (t) => {
    let queue: Record<string, any> = {}
    const [searched] = await eventsOf(bravo, async () => { queue = (await read(bravo, 'auditor-ari', 'auditor', '/v1/divergences?kind=undercut')).json() })
    t.equal(queue.divergences.length, 1)
    const id = queue.divergences[0].id as string
    t.match(searched, { actor: 'auditor-ari', action: 'divergences-searched', subject_type: 'divergences', detail: { filters: { kind: 'undercut', limit: 50 }, cursor: null, divergenceIds: [id], count: 1, nextCursor: null } })

    const [viewed] = await eventsOf(bravo, async () => t.equal((await read(bravo, 'officer-olga', 'officer', `/v1/divergences/${id}`)).status, 200))
    t.same(viewed && { ...viewed, seq: 0 }, {
      seq: 0,
      actor: 'officer-olga',
      action: 'divergence-viewed',
      subject_type: 'divergence',
      subject_id: id,
      detail: { kind: 'undercut', records: [{ issuer: 'reads-alpha', id: denial.record.id, version: 1 }, { issuer: 'reads-bravo', id: grant.record.id, version: 1 }] }
    }, 'the allied denial and our grant, as shown')
  })

  await t.test('report-exported, in each format: the filters and exactly the divergences sent', async (t) => {
    const url = '/v1/reports/divergences?agency=reads-alpha'
    const expected = (await read(bravo, 'auditor-ari', 'auditor', '/v1/divergences')).json().divergences.map((d: { id: string }) => d.id)
    t.equal(expected.length, 1)

    let csv = ''
    const [exported] = await eventsOf(bravo, async () => { csv = (await read(bravo, 'auditor-ari', 'auditor', `${url}&format=csv`)).body })
    const sent = (parse(csv, { columns: true }) as Array<{ id: string }>).map((r) => r.id)
    t.same(sent, expected)
    t.same(exported && { ...exported, seq: 0 }, {
      seq: 0,
      actor: 'auditor-ari',
      action: 'report-exported',
      subject_type: 'report',
      subject_id: 'divergences',
      detail: { report: 'divergences', format: 'csv', filters: { agency: 'reads-alpha' }, divergenceIds: sent, count: 1, total: 1 }
    })

    let json: Record<string, any> = {}
    const [asJson] = await eventsOf(bravo, async () => { json = (await read(bravo, 'officer-olga', 'officer', url)).json() })
    t.match(asJson, { actor: 'officer-olga', detail: { format: 'json', filters: { agency: 'reads-alpha' }, divergenceIds: json.divergences.map((d: { id: string }) => d.id), count: 1, total: json.totals.divergences } })

    let html = ''
    const [asHtml] = await eventsOf(bravo, async () => { html = (await read(bravo, 'auditor-ari', 'auditor', `${url}&format=html`)).body })
    const linked = [...html.matchAll(/href="\/app\/divergences\/([0-9a-f-]{36})"/g)].map((m) => m[1])
    t.same(asHtml?.detail.divergenceIds, [...new Set(linked)], 'the divergences the page lists')

    const [none] = await eventsOf(bravo, () => read(bravo, 'auditor-ari', 'auditor', '/v1/reports/divergences?format=csv&destination=CN'))
    t.match(none?.detail, { format: 'csv', filters: { destination: 'CN' }, divergenceIds: [], count: 0 }, 'an empty export is recorded too')
  })

  await t.test('auditors find them by action', async (t) => {
    const res = await read(bravo, 'auditor-ari', 'auditor', '/v1/audit-events?action=record-viewed')
    t.equal(res.status, 200)
    const events = res.json().events as Array<{ action: string, actor: string, subject: { type: string, id: string } }>
    t.ok(events.length >= 2)
    t.ok(events.every((e) => e.action === 'record-viewed'))
    t.match(events[0], { actor: 'auditor-ari', subject: { type: 'record', id: other.record.id } })
    const exports = (await read(bravo, 'auditor-ari', 'auditor', '/v1/audit-events?action=report-exported&actor=officer-olga')).json().events
    t.equal(exports.length, 1, 'by action and actor')
    t.match(await verifyAuditChain(bravo.db), { ok: true }, 'reads chain with the writes')
  })

  await t.test('a partner\'s read of our feed is logged, not audited', async (t) => {
    const before = await lastSeq(bravo)
    t.equal((await syncRound(alpha, 'reads-bravo'))?.status, 'synced', 'alpha pulls bravo\'s feed')
    t.same(await eventsAfter(bravo, before), [])
  })

  await t.test('a failed audit write fails the read: nothing of the records is sent', async (t) => {
    await sql`create function refuse_read_event() returns trigger language plpgsql as $$ begin raise exception 'the audit trail refuses this event'; end $$`.execute(bravo.db)
    await sql`create trigger refuse_read_event before insert on audit_events for each row when (new.actor = 'officer-blocked') execute function refuse_read_event()`.execute(bravo.db)
    t.teardown(() => sql`drop function refuse_read_event() cascade`.execute(bravo.db))
    for (const url of ['/v1/decisions?party=Gazprom%20Bank', `/v1/decisions/${other.record.id}`, '/v1/divergences', '/v1/reports/divergences?format=csv', '/v1/reports/divergences']) {
      const res = await read(bravo, 'officer-blocked', 'officer', url)
      t.equal(res.status, 500, `${url}: 500`)
      t.match(res.json(), { code: 'INTERNAL' }, 'a problem document')
      t.notMatch(res.body, /Gazprom|GAZPROMBANK|REF-|reads-alpha/, 'and nothing of what was read')
    }
    t.same(await bravo.db.selectFrom('audit_events').select('seq').where('actor', '=', 'officer-blocked').execute(), [], 'no event')
  })

  t.notMatch(logs.text(), /Gazprom|GAZPROMBANK/i, 'no log line names a party searched for or shown')
})
