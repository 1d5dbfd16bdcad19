import { parse } from 'csv-parse/sync'
import t from 'tap'
import { fixedClock } from '../../src/lib/clock.js'
import { createFormats } from '../../src/lib/format-dates.js'
import { listDivergenceIds, listDivergenceRows, renderDivergenceCsv, renderDivergenceReportHtml, type DivergenceReport } from '../../src/reports/index.js'
import { csvField } from '../../src/reports/render-csv.js'
import { startAgency, type TestAgency } from '../helpers/agency.js'
import { decision, enrolByUrl, publishDecision, startFederation, syncRound } from '../helpers/federation.js'

// Records as in test/divergence/federation.test.ts: Gazprombank (OFAC SDN) for undercuts,
// Huawei for a divergent outcome, the helpers' Aeroguide IMU for a second undercut.
const GAZPROMBANK = [{ role: 'end_user', name: 'GAZPROMBANK OAO', aliases: [], country: 'RU', identifiers: [] }]
const GAZPROM_BANK = [{ role: 'end_user', name: 'Gazprom Bank', aliases: [], country: 'RU', identifiers: [] }]
const HUAWEI = [{ role: 'consignee', name: 'Huawei Technologies Co., Ltd.', aliases: [], country: 'CN', identifiers: [] }]
const RAD_HARD = [{ codes: [{ regime: 'uk', code: '3A001.a.1' }], description: 'Radiation hardened integrated circuits' }]

interface Listed { id: string, kind: string, severity: string, state: string, destination: string | null, controlCategory: string | null, explanation: string, detectedAt: string, resolvedAt: string | null, first: { issuer: string, recordId: string, version: number }, second: { issuer: string, recordId: string, version: number } }

async function get (agency: TestAgency, url: string, role: 'auditor' | 'officer' | 'admin' = 'auditor') {
  return agency.app.inject({ method: 'GET', url, headers: { authorization: await agency.auth(role) } })
}

async function listAt (agency: TestAgency): Promise<Listed[]> {
  return (await get(agency, '/v1/divergences?limit=500')).json().divergences
}

async function patch (agency: TestAgency, id: string, state: string, reason: string) {
  const res = await agency.app.inject({ method: 'PATCH', url: `/v1/divergences/${id}`, headers: { authorization: await agency.auth('auditor') }, payload: { state, reason } })
  if (res.statusCode !== 200) throw new Error(`PATCH ${id} → ${state}: ${res.statusCode} ${res.body}`)
}

const BUCKET_STARTS = [0, 1, 7, 30, 90, 365]
const LABELS = ['under 1 day', '1 to 7 days', '7 to 30 days', '30 to 90 days', '90 to 365 days', '1 year or more']
const buckets = (counts: number[]) => BUCKET_STARTS.map((fromDays, i) => ({ label: LABELS[i], fromDays, toDays: BUCKET_STARTS[i + 1] ?? null, count: counts[i] }))

t.test('the divergence report, from divergences found by real agencies and moved by auditors', async (t) => {
  // alpha and bravo run on the system clock; charlie, whose auditors read the report, on a clock
  // the test sets, so that detection and resolution times (and the figures) are exact.
  const [alpha, bravo] = await startFederation(t, ['alpha', 'bravo']) as [TestAgency, TestAgency]
  const clock = fixedClock(new Date('2026-01-20T09:00:00Z'))
  const charlie = await startAgency(t, 'charlie', { clock, listen: true, env: { PEER_JWKS_COOLDOWN_SECONDS: '0' } })
  for (const ally of [alpha, bravo]) {
    await enrolByUrl(charlie, ally)
    await enrolByUrl(ally, charlie) // so that charlie may pull: it signs its partner tokens on the system clock
  }
  const pull = async () => { for (const peer of ['alpha', 'bravo']) t.equal((await syncRound(charlie, peer))?.status, 'synced', `charlie pulls ${peer}`) }

  await publishDecision(alpha, decision({ outcome: 'denied', decisionDate: '2026-01-15', destination: 'RU', parties: GAZPROMBANK, items: RAD_HARD }))
  await publishDecision(alpha, decision({ outcome: 'denied', decisionDate: '2026-03-02' })) // Aeroguide, AE, 7A003.a
  await publishDecision(bravo, decision({ outcome: 'denied', decisionDate: '2026-02-01', destination: 'CN', parties: [{ ...HUAWEI[0], name: 'HUAWEI TECHNOLOGIES CO LTD' }], items: [{ codes: [{ regime: 'uk', code: '5A002a' }], description: 'Encryption items' }] }))
  await pull()
  t.same(await listAt(charlie), [], 'nothing diverges yet')

  clock.set(new Date('2026-03-05T10:00:00Z'))
  const g1 = await publishDecision(charlie, decision({ outcome: 'granted', undercutOverride: { reason: 'recorded over the warning, for the auditors' }, decisionDate: '2026-03-01', destination: 'RU', validUntil: '2028-03-01', parties: GAZPROM_BANK, items: [{ codes: [{ regime: 'wassenaar', code: '3.A.1.a.1' }], description: 'Rad-hard microcircuits' }] }))
  const u1 = (await listAt(charlie)).find((d) => d.second.recordId === g1.record.id) as Listed
  t.match(u1, { kind: 'undercut', severity: 'high', first: { issuer: 'alpha' }, second: { issuer: 'charlie' }, detectedAt: '2026-03-05T10:00:00.000Z' })
  clock.set(new Date('2026-03-08T10:00:00Z'))
  await patch(charlie, u1.id, 'acknowledged', 'under review')
  clock.set(new Date('2026-03-17T10:00:00Z'))
  await patch(charlie, u1.id, 'resolved', 'grant withdrawn after talks with alpha') // 12 days

  clock.set(new Date('2026-04-10T10:00:00Z'))
  const g2 = await publishDecision(charlie, decision({ outcome: 'granted', undercutOverride: { reason: 'recorded over the warning, for the auditors' }, decisionDate: '2025-05-01', destination: 'CN', validUntil: '2027-05-01', parties: HUAWEI, items: [{ codes: [{ regime: 'eu', code: '5A002.a' }], description: 'Encryption' }] }))
  clock.set(new Date('2026-04-12T10:00:00Z'))
  const g3 = await publishDecision(charlie, decision({ outcome: 'granted', undercutOverride: { reason: 'recorded over the warning, for the auditors' }, decisionDate: '2026-04-11', validUntil: '2027-04-11' }))
  const listed = await listAt(charlie)
  const o1 = listed.find((d) => d.second.recordId === g2.record.id) as Listed
  const u2 = listed.find((d) => d.second.recordId === g3.record.id) as Listed
  t.match(o1, { kind: 'divergent-outcome', severity: 'info', first: { issuer: 'bravo' } })
  t.match(u2, { kind: 'undercut', severity: 'high', first: { issuer: 'alpha' } })
  clock.set(new Date('2026-04-13T10:00:00Z'))
  await patch(charlie, o1.id, 'resolved', 'granted before the denial: no action') // 3 days
  clock.set(new Date('2026-05-20T10:00:00Z'))
  await patch(charlie, u2.id, 'acknowledged', 'asked charlie\'s licensing team')

  // bravo grants against alpha's denial: charlie finds it when it pulls, at the time of the pull
  await publishDecision(bravo, decision({ outcome: 'granted', undercutOverride: { reason: 'recorded over the warning, for the auditors' }, decisionDate: '2026-03-01', destination: 'RU', validUntil: '2028-03-01', parties: GAZPROM_BANK, items: RAD_HARD }))
  await pull()
  const u3 = (await listAt(charlie)).find((d) => d.second.issuer === 'bravo') as Listed
  t.match(u3, { kind: 'undercut', first: { issuer: 'alpha' }, state: 'open' }, 'an undercut between two allies, found at charlie')

  clock.set(new Date('2026-06-30T10:00:00Z'))
  const period = '/v1/reports/divergences?from=2026-01-01&to=2026-06-30'

  await t.test('JSON: every figure of the first half of 2026', async (t) => {
    const res = await get(charlie, period)
    t.equal(res.statusCode, 200)
    t.match(res.headers['content-type'], /^application\/json/)
    const { divergences, ...figures } = res.json() as DivergenceReport
    // one by one, newest detection first: u2 (detected 2026-04-12), o1 (the pull of 2026-04-10, a grant of 2025 before bravo's denial of 2026-02-01), u1
    t.same(divergences.map((d) => [d.kind, d.state, d.firstIssuer, d.secondIssuer, d.destination, d.controlCategory, d.decidedOn]), [
      ['undercut', 'acknowledged', 'alpha', 'charlie', 'AE', '7', '2026-04-11'],
      ['divergent-outcome', 'resolved', 'bravo', 'charlie', 'CN', '5', '2026-02-01'],
      ['undercut', 'resolved', 'alpha', 'charlie', 'RU', '3', divergences[2]?.decidedOn]
    ])
    t.match(divergences[2]?.decidedOn, /^2026-03-/, 'u1 arose in March')
    t.strictSame(figures, {
      agency: 'charlie',
      generatedAt: '2026-06-30T10:00:00.000Z',
      period: { from: '2026-01-01', to: '2026-06-30' },
      filters: { kind: null, agency: null, destination: null },
      totals: {
        divergences: 3,
        outstanding: 1,
        resolved: 2,
        byKind: { undercut: 2, 'conflicting-classification': 0, 'divergent-outcome': 1 },
        bySeverity: { high: 2, medium: 0, low: 0, info: 1 },
        byState: { open: 0, acknowledged: 1, justified: 0, dismissed: 0, escalated: 0, resolved: 2 }
      },
      perAgency: [
        { agency: 'charlie', total: 3, asFirst: 0, asSecond: 3, outstanding: 1 },
        { agency: 'alpha', total: 2, asFirst: 2, asSecond: 0, outstanding: 1 },
        { agency: 'bravo', total: 1, asFirst: 1, asSecond: 0, outstanding: 0 }
      ],
      // by the month each arose (its later decision), detected, resolved: o1 arose in February, when bravo denied what charlie had granted
      perMonth: [
        { month: '2026-02', decided: 1, detected: 0, resolved: 0 }, { month: '2026-03', decided: 1, detected: 1, resolved: 1 }, { month: '2026-04', decided: 1, detected: 2, resolved: 1 }
      ],
      byControlCategory: [
        { controlCategory: '3', name: 'Electronics', total: 1, outstanding: 0 },
        { controlCategory: '5', name: 'Telecommunications and information security', total: 1, outstanding: 0 },
        { controlCategory: '7', name: 'Navigation and avionics', total: 1, outstanding: 1 }
      ],
      byDestination: [{ destination: 'AE', total: 1, outstanding: 1 }, { destination: 'CN', total: 1, outstanding: 0 }, { destination: 'RU', total: 1, outstanding: 0 }],
      // o1 resolved in 3 days, u1 in 12: median 7.5, p90 3 + 0.9 × (12 − 3)
      timeToResolution: { resolved: 2, medianDays: 7.5, p90Days: 11.1, buckets: buckets([0, 1, 1, 0, 0, 0]) },
      // u2, acknowledged: detected 2026-04-12T10:00, 79 days before the report
      outstandingByAge: { outstanding: 1, buckets: buckets([0, 0, 0, 1, 0, 0]) },
      consultations: { open: { outgoing: 0, incoming: 0 }, overdue: { outgoing: 0, incoming: 0 }, perPeer: [], openList: [] }
    })
  })

  await t.test('filters: kind, agency, destination, and the whole record', async (t) => {
    const undercuts = (await get(charlie, `${period}&kind=undercut`)).json() as DivergenceReport
    t.match(undercuts, { filters: { kind: 'undercut' }, totals: { divergences: 2, byKind: { undercut: 2, 'divergent-outcome': 0 } } })
    const cn = (await get(charlie, `${period}&destination=CN`, 'officer')).json() as DivergenceReport
    t.match(cn, { totals: { divergences: 1, byKind: { 'divergent-outcome': 1 } }, byDestination: [{ destination: 'CN', total: 1 }] }, 'officers read reports too')
    const bravoOnly = (await get(charlie, '/v1/reports/divergences?agency=bravo')).json() as DivergenceReport
    t.same(bravoOnly.perAgency.map((a) => [a.agency, a.asFirst, a.asSecond]), [['bravo', 1, 1], ['alpha', 1, 0], ['charlie', 0, 1]], 'bravo as the denying and as the granting agency')

    // ten days after the pull; the token has to outlive the clock's jump
    const token = await charlie.idp.token('user-auditor', ['auditor'], { lifetimeSeconds: 400 * 86_400 })
    clock.set(new Date(Date.parse(u3.detectedAt) + 10 * 86_400_000))
    t.teardown(() => clock.set(new Date('2026-06-30T10:00:00Z')))
    const all = (await charlie.app.inject({ url: '/v1/reports/divergences', headers: { authorization: `Bearer ${token}` } })).json() as DivergenceReport
    t.match(all, { period: { from: null, to: null }, totals: { divergences: 4, outstanding: 2, byState: { open: 1 } } })
    t.same(all.perAgency.map((a) => [a.agency, a.total]), [['alpha', 3], ['charlie', 3], ['bravo', 2]])
    t.equal(all.perMonth[0]?.month, '2026-02')
    t.match(all.perMonth.at(-1), { month: u3.detectedAt.slice(0, 7), detected: 1, resolved: 0 }, 'the last month: the pull')
    t.ok(all.perMonth.every((m, i, months) => i === 0 || m.month > (months[i - 1]?.month ?? '')), 'months in order, none missing between')
    t.equal(all.perMonth.length, monthsFrom('2026-02', u3.detectedAt.slice(0, 7)))
    const u2Age = (clock.now().getTime() - Date.parse('2026-04-12T10:00:00Z')) / 86_400_000
    const expected = [0, 0, 0, 0, 0, 0]
    expected[2] = 1 // u3: 10 days
    const u2Bucket = BUCKET_STARTS.findLastIndex((from) => u2Age >= from)
    expected[u2Bucket] = (expected[u2Bucket] ?? 0) + 1
    t.same(all.outstandingByAge.buckets.map((b) => b.count), expected, 'u3 10 days old, u2 since April')
  })

  await t.test('CSV: one RFC 4180 row per divergence, parsed back', async (t) => {
    const res = await get(charlie, period + '&format=csv')
    t.equal(res.statusCode, 200)
    t.equal(res.headers['content-type'], 'text/csv; charset=utf-8')
    t.equal(res.headers['content-disposition'], 'attachment; filename="divergences-charlie-from-2026-01-01-to-2026-06-30.csv"')
    t.match(res.body, /^id,kind,severity,state,first_issuer,first_record_id,first_version,second_issuer,second_record_id,second_version,destination,control_category,detected_at,resolved_at,explanation\r\n/)
    t.notMatch(res.body.replaceAll('\r\n', ''), /\n/, 'CRLF line ends (explanations hold no line break)')
    const rows = parse(res.body, { columns: true }) as Array<Record<string, string>>
    const byId = new Map((await listAt(charlie)).map((d) => [d.id, d]))
    t.same(rows.map((r) => r.id), [u1.id, o1.id, u2.id], 'oldest first, the period only')
    for (const row of rows) {
      const d = byId.get(row.id as string) as Listed
      t.same(row, {
        id: d.id,
        kind: d.kind,
        severity: d.severity,
        state: d.state,
        first_issuer: d.first.issuer,
        first_record_id: d.first.recordId,
        first_version: String(d.first.version),
        second_issuer: d.second.issuer,
        second_record_id: d.second.recordId,
        second_version: String(d.second.version),
        destination: d.destination ?? '',
        control_category: d.controlCategory ?? '',
        detected_at: d.detectedAt,
        resolved_at: d.resolvedAt ?? '',
        explanation: d.explanation
      }, `row ${d.kind} ${d.destination}`)
    }
    t.equal(rows[0]?.resolved_at, '2026-03-17T10:00:00.000Z')

    const paged: string[] = []
    const ids = await listDivergenceIds(charlie.db, {})
    t.same(ids, [u1.id, o1.id, u2.id, u3.id], 'the ids an export names: every divergence once, oldest first')
    for await (const batch of listDivergenceRows(charlie.db, ids, 1)) paged.push(...batch.map((r) => r.id))
    t.same(paged, ids, 'read in batches of one, in that order')
  })

  await t.test('HTML: a chart per figure, with titles and the numbers', async (t) => {
    const res = await get(charlie, period + '&format=html')
    t.equal(res.statusCode, 200)
    t.equal(res.headers['content-type'], 'text/html; charset=utf-8')
    t.match(res.headers['content-security-policy'], /default-src 'none'/)
    const html = res.body
    t.notMatch(html, /<script|<link|src=/i, 'no script, no external resource')
    const hrefs = [...html.matchAll(/href="([^"]*)"/g)].map((m) => m[1])
    t.ok(hrefs.length > 0 && hrefs.every((h) => /^\/app\/divergences\/[0-9a-f-]{36}$/.test(h ?? '')), 'the only links: each divergence to its page in the web application')
    t.match(html, /<h2 id="h-list">The divergences<\/h2>/, 'the divergences listed one by one')
    t.equal(html.match(/<figure /g)?.length, 10, 'ten figures')
    t.equal(html.match(/<figure [^>]*>(?:(?!<\/figure>).)*<svg [^>]*role="img"(?:(?!<\/figure>).)*<table>/gs)?.length, 10, 'each with an SVG chart and a table')
    const titles = [...html.matchAll(/<svg [^>]*><title id="[^"]+">([^<]+)<\/title>/g)].map((m) => m[1])
    t.same(titles, [
      'Divergences by kind', 'Divergences by severity', 'Divergences by state', 'Divergences per agency', 'Divergences arising and resolved per month',
      'Divergences by control category', 'Divergences by destination', 'Time to resolution', 'Outstanding divergences by age', 'Open consultations per peer'
    ])
    t.match(html, /@media print/)
    t.match(html, /<th scope="row">2026-04<\/th><td class="n">\d+<\/td><td class="n">2<\/td><td class="n">1<\/td>/, 'the month table: arose, detected, resolved')
    t.match(html, /median days to resolve<\/dt><dd>7\.5 d</)
  })

  await t.test('bad parameters are 400 problems naming the parameter; access', async (t) => {
    const cases: Array<[string, string]> = [
      ['?from=2026-06-01&to=2026-05-31', '/querystring/to'],
      ['?format=xml', '/querystring/format'],
      ['?from=2026-02-30', '/querystring/from'],
      ['?destination=ru', '/querystring/destination'],
      ['?kind=undercuts', '/querystring/kind'],
      ['?agency=Not%20An%20Id', '/querystring/agency'],
      ['?state=open', '/querystring/state']
    ]
    for (const [query, pointer] of cases) {
      const res = await get(charlie, `/v1/reports/divergences${query}`)
      t.equal(res.statusCode, 400, query)
      t.match(res.json(), { code: 'INVALID_REQUEST', errors: [{ pointer }] }, `${query} names ${pointer}`)
    }
    t.equal((await get(charlie, '/v1/reports/divergences?from=2026-06-01&to=2026-06-01')).statusCode, 200, 'a one-day period')
    t.equal((await get(charlie, '/v1/reports/divergences', 'admin')).statusCode, 403, 'administrators do not read reports')
    t.equal((await charlie.app.inject({ url: '/v1/reports/divergences' })).statusCode, 401)
  })
})

function monthsFrom (first: string, last: string): number {
  const [y1, m1] = first.split('-').map(Number) as [number, number]
  const [y2, m2] = last.split('-').map(Number) as [number, number]
  return (y2 - y1) * 12 + (m2 - m1) + 1
}

t.test('CSV cells cannot become formulas, and quoting follows RFC 4180', async (t) => {
  t.equal(csvField('=1+2'), '\'=1+2')
  t.equal(csvField('+44 20'), '\'+44 20')
  t.equal(csvField('-x'), '\'-x')
  t.equal(csvField('@SUM(A1)'), '\'@SUM(A1)')
  t.equal(csvField('\tcmd'), '\'\tcmd')
  t.equal(csvField('a,b'), '"a,b"')
  t.equal(csvField('say "no"'), '"say ""no"""')
  t.equal(csvField('two\nlines'), '"two\nlines"')
  t.equal(csvField(3), '3')
  t.equal(csvField(null), '')
  const hostile = '=HYPERLINK("http://evil.example","click"), then more'
  const row = {
    id: '00000000-0000-4000-8000-000000000001',
    kind: 'undercut',
    severity: 'high',
    state: 'open',
    firstIssuer: 'alpha',
    firstRecordId: '00000000-0000-4000-8000-000000000002',
    firstVersion: 1,
    secondIssuer: 'bravo',
    secondRecordId: '00000000-0000-4000-8000-000000000003',
    secondVersion: 2,
    destination: null,
    controlCategory: '-1',
    detectedAt: '2026-01-01T00:00:00.000Z',
    resolvedAt: null,
    explanation: hostile
  }
  let text = ''
  for await (const chunk of renderDivergenceCsv([[row]])) text += chunk
  const [parsed] = parse(text, { columns: true }) as Array<Record<string, string>>
  t.equal(parsed?.explanation, `'${hostile}`, 'the formula is shown, not run')
  t.equal(parsed?.control_category, '\'-1')
  t.equal(parsed?.destination, '')
})

t.test('HTML escapes every text that comes from peers', async (t) => {
  const evil = '<script>alert(1)</script>"\'&'
  const zero = [0, 1, 7, 30, 90, 365].map((fromDays, i, all) => ({ label: `b${i}`, fromDays, toDays: all[i + 1] ?? null, count: 1 }))
  const report: DivergenceReport = {
    agency: `a${evil}`,
    generatedAt: '2026-06-30T10:00:00.000Z',
    period: { from: null, to: null },
    filters: { kind: null, agency: evil, destination: null },
    totals: {
      divergences: 1,
      outstanding: 1,
      resolved: 0,
      byKind: { undercut: 1, 'conflicting-classification': 0, 'divergent-outcome': 0 },
      bySeverity: { high: 1, medium: 0, low: 0, info: 0 },
      byState: { open: 1, acknowledged: 0, justified: 0, dismissed: 0, escalated: 0, resolved: 0 }
    },
    perAgency: [{ agency: evil, total: 1, asFirst: 1, asSecond: 0, outstanding: 1 }],
    perMonth: [{ month: '2026-01', decided: 1, detected: 1, resolved: 0 }],
    byControlCategory: [{ controlCategory: `"><img src=x onerror=alert(1)>${evil}`, name: null, total: 1, outstanding: 1 }],
    byDestination: [{ destination: evil, total: 1, outstanding: 1 }],
    timeToResolution: { resolved: 0, medianDays: null, p90Days: null, buckets: zero },
    outstandingByAge: { outstanding: 1, buckets: zero },
    divergences: [{
      id: '6f1c2f8e-2c39-4a5e-9a44-0c0fd1c1a002',
      kind: 'undercut',
      severity: 'high',
      state: 'open',
      firstIssuer: evil,
      secondIssuer: evil,
      destination: evil,
      controlCategory: evil,
      decidedOn: '2026-01-05',
      detectedAt: '2026-01-06T00:00:00.000Z',
      explanation: evil
    }],
    consultations: {
      open: { outgoing: 1, incoming: 0 },
      overdue: { outgoing: 1, incoming: 0 },
      perPeer: [{ peer: evil, outgoing: 1, incoming: 0, overdue: 1 }],
      openList: [{
        id: '6f1c2f8e-2c39-4a5e-9a44-0c0fd1c1a001',
        direction: 'outgoing',
        peer: evil,
        denial: { issuer: evil, recordId: 'r', reference: `<b>${evil}` },
        regime: evil,
        state: 'requested',
        deadline: '2026-05-01',
        daysOverdue: 60,
        requestedAt: '2026-04-01T00:00:00.000Z'
      }]
    }
  }
  const html = renderDivergenceReportHtml(report, { formats: createFormats({ locale: 'en-GB', timeZone: 'UTC' }), divergenceHref: (id) => `/app/divergences/${id}` })
  t.notMatch(html, /<script|<img|onerror=alert\(1\)>/i, 'no markup from the data')
  t.match(html, /&#60;script&#62;alert\(1\)&#60;\/script&#62;&#34;&#39;&#38;/, 'shown as text')
  t.equal(html.match(/<svg /g)?.length, 10)
})
