import type { Formats } from '../lib/format-dates.js'
import type { DivergenceReport } from './report-schema.js'
import { barChart, columnLineChart, escapeHtml as e, type Bar } from './svg-charts.js'

/** The report page's policy: only its inline styles; the page needs nothing else, and peers' strings can never run as script. */
export const REPORT_HTML_CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"

/** Bars drawn per chart; the table under the chart lists every row. */
const CHART_ROWS = 15

const STYLE = `
:root { color-scheme: light; --ink: #1f2328; --muted: #57606a; --line: #d0d7de; --accent: #1f5f99; }
* { box-sizing: border-box; }
body { margin: 0 auto; max-width: 1100px; padding: 24px; font: 15px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; color: var(--ink); background: #fff; }
h1 { font-size: 1.6rem; margin: 0 0 4px; } h2 { font-size: 1.2rem; margin: 32px 0 8px; border-bottom: 1px solid var(--line); padding-bottom: 4px; }
.meta { color: var(--muted); margin: 0; }
.tiles { display: grid; grid-template-columns: repeat(auto-fit, minmax(150px, 1fr)); gap: 12px; margin: 16px 0 0; padding: 0; }
.tiles div { border: 1px solid var(--line); border-radius: 6px; padding: 10px 12px; }
.tiles dt { color: var(--muted); font-size: .85rem; } .tiles dd { margin: 0; font-size: 1.5rem; font-weight: 600; }
.grid { display: grid; grid-template-columns: repeat(auto-fit, minmax(480px, 1fr)); gap: 8px 24px; }
figure { margin: 12px 0 20px; break-inside: avoid; page-break-inside: avoid; }
figcaption { font-weight: 600; margin-bottom: 6px; } figcaption span { display: block; font-weight: 400; color: var(--muted); font-size: .9rem; }
svg.chart { max-width: 100%; height: auto; display: block; font-family: inherit; }
table { border-collapse: collapse; margin-top: 8px; font-size: .85rem; min-width: 50%; }
caption { text-align: left; color: var(--muted); font-size: .8rem; padding-bottom: 2px; }
th, td { border-bottom: 1px solid var(--line); padding: 3px 10px 3px 0; text-align: left; }
td.n, th.n { text-align: right; font-variant-numeric: tabular-nums; }
footer { margin-top: 40px; color: var(--muted); font-size: .85rem; }
@media print {
  body { max-width: none; padding: 0; font-size: 10pt; }
  .grid { display: block; }
  h2 { break-after: avoid; page-break-after: avoid; }
  svg.chart { max-width: 16cm; }
  * { print-color-adjust: exact; -webkit-print-color-adjust: exact; }
  @page { margin: 15mm; }
}`

interface Column<R> { head: string, cell: (row: R) => string | number, numeric?: boolean }

function table<R> (caption: string, columns: ReadonlyArray<Column<R>>, rows: readonly R[]): string {
  const head = columns.map((c) => `<th scope="col"${c.numeric === true ? ' class="n"' : ''}>${e(c.head)}</th>`).join('')
  const body = rows.length === 0
    ? `<tr><td colspan="${columns.length}">none</td></tr>`
    : rows.map((r) => `<tr>${columns.map((c, i) => i === 0 ? `<th scope="row">${e(c.cell(r))}</th>` : `<td${c.numeric === true ? ' class="n"' : ''}>${e(c.cell(r))}</td>`).join('')}</tr>`).join('')
  return `<table><caption>${e(caption)}</caption><thead><tr>${head}</tr></thead><tbody>${body}</tbody></table>`
}

function figure (id: string, title: string, explanation: string, chart: string, fallback: string): string {
  return `<figure id="${id}" aria-labelledby="${id}-caption"><figcaption id="${id}-caption">${e(title)}<span>${e(explanation)}</span></figcaption>${chart}${fallback}</figure>`
}

/** The first CHART_ROWS bars (the rows come largest first); the table under the chart lists them all. */
const topBars = (bars: readonly Bar[]): Bar[] => bars.slice(0, CHART_ROWS)
const ofAll = (explanation: string, bars: readonly Bar[]) =>
  bars.length <= CHART_ROWS ? explanation : `${explanation} The chart shows the first ${CHART_ROWS} of ${bars.length}; the table lists them all.`

const NO_DIVERGENCE = 'No divergence in this report'

const countsFigure = (id: string, title: string, explanation: string, counts: Record<string, number>, keyHead: string) => {
  const bars = Object.entries(counts).map(([label, value]) => ({ label, value }))
  return figure(id, title, explanation, barChart({ id: `${id}-chart`, title, description: bars.map((b) => `${b.label}: ${b.value}`).join(', '), bars, empty: NO_DIVERGENCE }),
    table<Bar>(`${title}: the numbers`, [{ head: keyHead, cell: (b) => b.label }, { head: 'divergences', cell: (b) => b.value, numeric: true }], bars))
}

const none = (value: string | null) => value ?? '(none)'
const days = (value: number | null) => value === null ? '–' : `${value} d`

/** A control category as the report names it: its code and, where the lists head it, its name. */
const categoryLabel = (category: string | null, name: string | null) => category === null ? '(none)' : name === null ? category : `${category}: ${name}`

/**
 * The report as one self-contained, printable HTML page: inline CSS, inline SVG, no script;
 * times in the agency's zone and locale (`formats`); each divergence listed links to its page
 * in the web application (`divergenceHref`).
 */
export function renderDivergenceReportHtml (report: DivergenceReport, options: { formats: Formats, divergenceHref: (id: string) => string }): string {
  const { formats, divergenceHref } = options
  const { totals, timeToResolution: ttr, outstandingByAge: age, consultations: cons } = report
  const generatedAt = formats.dateTime(report.generatedAt)
  const period = report.period.from === null && report.period.to === null ? 'all time' : `${report.period.from ?? 'the start'} to ${report.period.to ?? 'now'}`
  const filters = Object.entries(report.filters).filter(([, v]) => v !== null).map(([k, v]) => `${k} ${v as string}`)
  const tile = (label: string, value: string | number) => `<div><dt>${e(label)}</dt><dd>${e(value)}</dd></div>`
  const allyBars = report.perAgency.map((a) => ({ label: a.agency, value: a.total }))
  const categoryBars = report.byControlCategory.map((c) => ({ label: categoryLabel(c.controlCategory, c.name), value: c.total }))
  const destinationBars = report.byDestination.map((d) => ({ label: none(d.destination), value: d.total }))
  const consultationBars = cons.perPeer.map((p) => ({ label: p.peer, value: p.outgoing + p.incoming }))
  const bucketBars = (buckets: typeof ttr.buckets) => buckets.map((b) => ({ label: b.label, value: b.count }))
  const describe = (bars: readonly Bar[]) => bars.length === 0 ? 'none' : bars.map((b) => `${b.label}: ${b.value}`).join(', ')
  const withOutstanding = <R extends { total: number, outstanding: number }>(key: Column<R>): Array<Column<R>> =>
    [key, { head: 'divergences', cell: (r) => r.total, numeric: true }, { head: 'outstanding', cell: (r) => r.outstanding, numeric: true }]
  const bucketColumns: Array<Column<{ label: string, count: number }>> = [{ head: 'days', cell: (b) => b.label }, { head: 'divergences', cell: (b) => b.count, numeric: true }]

  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Divergence report: ${e(report.agency)}, ${e(period)}</title>
<style>${STYLE}</style>
</head>
<body>
<header>
<h1>Divergence report</h1>
<p class="meta">Computed by ${e(report.agency)} from the records it holds, at ${e(generatedAt)}. Detected ${e(period)}${filters.length === 0 ? '' : `; ${e(filters.join(', '))}`}.</p>
<dl class="tiles">${tile('divergences', totals.divergences)}${tile('outstanding', totals.outstanding)}${tile('resolved', totals.resolved)}${tile('median days to resolve', days(ttr.medianDays))}${tile('90th percentile days', days(ttr.p90Days))}</dl>
</header>
<main>
<section aria-labelledby="h-totals"><h2 id="h-totals">Totals</h2><div class="grid">
${countsFigure('fig-kind', 'Divergences by kind', 'Undercut: a grant against an ally\'s denial in force; conflicting classification; divergent outcome: a grant before an ally\'s denial.', totals.byKind, 'kind')}
${countsFigure('fig-severity', 'Divergences by severity', 'High: an undercut without consultation; medium: an undercut after consultation, or a conflicting classification; info: a divergent outcome.', totals.bySeverity, 'severity')}
${countsFigure('fig-state', 'Divergences by state', 'Outstanding: open, acknowledged or escalated. Resolved: by an auditor, or by the system when the rule stopped holding.', totals.byState, 'state')}
</div></section>
<section aria-labelledby="h-allies"><h2 id="h-allies">Per ally</h2>
${figure('fig-allies', 'Divergences per agency', ofAll('Each divergence counts for both agencies it names, as first issuer (the denial, or the earlier classification) or second (the grant, or the later classification).', allyBars),
  barChart({ id: 'fig-allies-chart', title: 'Divergences per agency', description: describe(allyBars), bars: topBars(allyBars), empty: NO_DIVERGENCE }),
  table('Divergences per agency: the numbers', [
    { head: 'agency', cell: (a) => a.agency }, { head: 'divergences', cell: (a) => a.total, numeric: true }, { head: 'as first', cell: (a) => a.asFirst, numeric: true },
    { head: 'as second', cell: (a) => a.asSecond, numeric: true }, { head: 'outstanding', cell: (a) => a.outstanding, numeric: true }
  ], report.perAgency))}
</section>
<section aria-labelledby="h-months"><h2 id="h-months">Per month</h2>
${figure('fig-months', 'Divergences arising and resolved per month', 'Columns: divergences by the month their later decision (or classification) was taken, when the divergence arose. Line: those resolved in the month (UTC). The table also gives the month each was detected: a sync brings a year of an ally\'s decisions in one day.',
  columnLineChart({
    id: 'fig-months-chart',
    title: 'Divergences arising and resolved per month',
    description: report.perMonth.length === 0 ? 'none' : report.perMonth.map((m) => `${m.month}: ${m.decided} arose, ${m.resolved} resolved`).join('; '),
    points: report.perMonth.map((m) => ({ label: m.month, columns: m.decided, line: m.resolved })),
    columnName: 'Arose',
    lineName: 'Resolved',
    empty: NO_DIVERGENCE
  }),
  table('Divergences per month: the numbers', [
    { head: 'month', cell: (m) => m.month }, { head: 'arose', cell: (m) => m.decided, numeric: true }, { head: 'detected', cell: (m) => m.detected, numeric: true }, { head: 'resolved', cell: (m) => m.resolved, numeric: true }
  ], report.perMonth))}
</section>
<section aria-labelledby="h-items"><h2 id="h-items">Items and destinations</h2><div class="grid">
${figure('fig-categories', 'Divergences by control category', ofAll('The control-list category of the items concerned: 0 to 9 the dual-use categories, ML1 to ML22 the military ones.', categoryBars),
  barChart({ id: 'fig-categories-chart', title: 'Divergences by control category', description: describe(categoryBars), bars: topBars(categoryBars), empty: NO_DIVERGENCE }),
  table('Divergences by control category: the numbers', withOutstanding<DivergenceReport['byControlCategory'][number]>({ head: 'category', cell: (c) => categoryLabel(c.controlCategory, c.name) }), report.byControlCategory))}
${figure('fig-destinations', 'Divergences by destination', ofAll('The destination country of the transactions; classifications have none.', destinationBars),
  barChart({ id: 'fig-destinations-chart', title: 'Divergences by destination', description: describe(destinationBars), bars: topBars(destinationBars), empty: NO_DIVERGENCE }),
  table('Divergences by destination: the numbers', withOutstanding<DivergenceReport['byDestination'][number]>({ head: 'destination', cell: (d) => none(d.destination) }), report.byDestination))}
</div></section>
<section aria-labelledby="h-time"><h2 id="h-time">Time</h2><div class="grid">
${figure('fig-resolution', 'Time to resolution', `Resolved divergences (${ttr.resolved}) by days from detection to resolution; median ${days(ttr.medianDays)}, 90th percentile ${days(ttr.p90Days)}.`,
  barChart({ id: 'fig-resolution-chart', title: 'Time to resolution', description: describe(bucketBars(ttr.buckets)), bars: bucketBars(ttr.buckets), empty: 'No divergence resolved' }),
  table('Time to resolution: the numbers', bucketColumns, ttr.buckets))}
${figure('fig-age', 'Outstanding divergences by age', `Outstanding divergences (${age.outstanding}) by days since detection, at ${generatedAt}.`,
  barChart({ id: 'fig-age-chart', title: 'Outstanding divergences by age', description: describe(bucketBars(age.buckets)), bars: bucketBars(age.buckets), empty: 'No divergence outstanding' }),
  table('Outstanding divergences by age: the numbers', bucketColumns, age.buckets))}
</div></section>
<section aria-labelledby="h-consultations"><h2 id="h-consultations">Consultations</h2>
<dl class="tiles">${tile('open: we asked', cons.open.outgoing)}${tile('overdue: we asked', cons.overdue.outgoing)}${tile('open: asked of us', cons.open.incoming)}${tile('overdue: asked of us', cons.overdue.incoming)}</dl>
${figure('fig-consultations', 'Open consultations per peer', ofAll(`Consultations awaiting a reply or more information at ${generatedAt}, per peer agency; overdue: awaiting the consulted agency's reply after the deadline.`, consultationBars),
  barChart({ id: 'fig-consultations-chart', title: 'Open consultations per peer', description: describe(consultationBars), bars: topBars(consultationBars), empty: 'No consultation open' }),
  table('Open consultations per peer: the numbers', [
    { head: 'peer', cell: (p) => p.peer }, { head: 'we asked', cell: (p) => p.outgoing, numeric: true }, { head: 'asked of us', cell: (p) => p.incoming, numeric: true }, { head: 'overdue', cell: (p) => p.overdue, numeric: true }
  ], cons.perPeer))}
${table<DivergenceReport['consultations']['openList'][number]>(`Open consultations, most overdue first${cons.openList.length === 200 ? ' (the first 200)' : ''}`, [
  { head: 'consultation', cell: (c) => c.id }, { head: 'direction', cell: (c) => c.direction === 'outgoing' ? 'we asked' : 'asked of us' }, { head: 'peer', cell: (c) => c.peer },
  { head: 'denial', cell: (c) => `${c.denial.issuer} ${c.denial.reference}` }, { head: 'regime', cell: (c) => c.regime }, { head: 'state', cell: (c) => c.state },
  { head: 'deadline', cell: (c) => formats.date(c.deadline) }, { head: 'days overdue', cell: (c) => c.daysOverdue, numeric: true }
], cons.openList)}
</section>
<section aria-labelledby="h-list"><h2 id="h-list">The divergences</h2>
<table><caption>${e(`Each divergence of the report, newest detection first${report.divergences.length === 500 ? ' (the first 500; the CSV lists every one)' : ''}: its page shows both signed records`)}</caption>
<thead><tr><th scope="col">detected</th><th scope="col">kind</th><th scope="col">severity</th><th scope="col">state</th><th scope="col">agencies</th><th scope="col">destination</th><th scope="col">category</th><th scope="col">arose</th><th scope="col">why</th></tr></thead>
<tbody>${report.divergences.length === 0
  ? `<tr><td colspan="9">${NO_DIVERGENCE}</td></tr>`
  : report.divergences.map((d) => `<tr><th scope="row"><a href="${e(divergenceHref(d.id))}">${e(formats.dateTime(d.detectedAt))}</a></th><td>${e(d.kind)}</td><td>${e(d.severity)}</td><td>${e(d.state)}</td>` +
    `<td>${e(`${d.firstIssuer} / ${d.secondIssuer}`)}</td><td>${e(none(d.destination))}</td><td>${e(none(d.controlCategory))}</td><td>${e(d.decidedOn === null ? '–' : formats.date(d.decidedOn))}</td><td>${e(d.explanation)}</td></tr>`).join('')}</tbody></table>
</section>
</main>
<footer>Every divergence in this report can be checked offline: GET /v1/divergences/{id} returns both signed records and their issuers' keys.</footer>
</body>
</html>
`
}
