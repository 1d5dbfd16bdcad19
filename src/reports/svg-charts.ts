// Small SVG charts for the server-rendered report: no script, no external resource. Every
// text is escaped: agency ids, categories and destinations come from peers' records.

/** Text and attribute values for HTML and inline SVG: & < > " ' as character references. */
export function escapeHtml (value: string | number): string {
  return String(value).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`)
}

export interface Bar { label: string, value: number }
export interface MonthPoint { label: string, columns: number, line: number }

const WIDTH = 640
const LABEL_WIDTH = 185
const ROW = 26
const COLOURS = { bar: '#1f5f99', line: '#b4460c', grid: '#d0d7de', text: '#1f2328', muted: '#57606a' }

const shorten = (label: string, max = 26) => [...label].length > max ? `${[...label].slice(0, max - 1).join('')}…` : label

/** A round scale maximum (1, 2 or 5 × 10^k) at or above `max`, and its tick step. */
export function niceScale (max: number, ticks = 5): { top: number, step: number } {
  if (max <= 0) return { top: 1, step: 1 }
  const rough = Math.max(1, max / ticks)
  const magnitude = 10 ** Math.floor(Math.log10(rough))
  const step = [1, 2, 5, 10].map((m) => m * magnitude).find((s) => s >= rough) ?? 10 * magnitude
  return { top: Math.ceil(max / step) * step, step }
}

function frame (id: string, title: string, description: string, height: number, body: string): string {
  return `<svg xmlns="http://www.w3.org/2000/svg" role="img" aria-labelledby="${id}-title ${id}-desc" viewBox="0 0 ${WIDTH} ${height}" width="${WIDTH}" height="${height}" class="chart">` +
    `<title id="${id}-title">${escapeHtml(title)}</title><desc id="${id}-desc">${escapeHtml(description)}</desc>${body}</svg>`
}

const empty = (text: string, y: number) => `<text x="${WIDTH / 2}" y="${y}" text-anchor="middle" fill="${COLOURS.muted}">${escapeHtml(text)}</text>`

/** Horizontal bars, one per row, each labelled with its value; a bar's tooltip carries the full label. */
export function barChart (options: { id: string, title: string, description: string, bars: readonly Bar[], empty: string }): string {
  const { bars } = options
  if (bars.length === 0) return frame(options.id, options.title, options.description, 60, empty(options.empty, 34))
  const height = bars.length * ROW + 30
  const { top, step } = niceScale(Math.max(...bars.map((b) => b.value)))
  const plot = WIDTH - LABEL_WIDTH - 50
  const x = (v: number) => LABEL_WIDTH + (v / top) * plot
  let body = ''
  for (let v = 0; v <= top; v += step) {
    body += `<line x1="${x(v)}" y1="4" x2="${x(v)}" y2="${height - 22}" stroke="${COLOURS.grid}"/>` +
      `<text x="${x(v)}" y="${height - 8}" text-anchor="middle" font-size="11" fill="${COLOURS.muted}">${v}</text>`
  }
  bars.forEach((bar, i) => {
    const y = 6 + i * ROW
    const w = Math.max(bar.value > 0 ? 2 : 0, x(bar.value) - LABEL_WIDTH)
    body += `<g><title>${escapeHtml(`${bar.label}: ${bar.value}`)}</title>` +
      `<text x="${LABEL_WIDTH - 8}" y="${y + 14}" text-anchor="end" font-size="12" fill="${COLOURS.text}">${escapeHtml(shorten(bar.label))}</text>` +
      `<rect x="${LABEL_WIDTH}" y="${y}" width="${w.toFixed(1)}" height="${ROW - 8}" fill="${COLOURS.bar}"/>` +
      `<text x="${(LABEL_WIDTH + w + 6).toFixed(1)}" y="${y + 14}" font-size="12" fill="${COLOURS.text}">${bar.value}</text></g>`
  })
  return frame(options.id, options.title, options.description, height, body)
}

/** Columns per month with a line over them (e.g. detected as columns, resolved as the line), and a legend. */
export function columnLineChart (options: { id: string, title: string, description: string, points: readonly MonthPoint[], columnName: string, lineName: string, empty: string }): string {
  const { points } = options
  const height = 260
  if (points.length === 0) return frame(options.id, options.title, options.description, 60, empty(options.empty, 34))
  const left = 40
  const bottom = height - 50
  const plotTop = 34
  const { top, step } = niceScale(Math.max(...points.flatMap((p) => [p.columns, p.line])))
  const slot = (WIDTH - left - 10) / points.length
  const y = (v: number) => bottom - (v / top) * (bottom - plotTop)
  const cx = (i: number) => left + slot * i + slot / 2
  const labelEvery = Math.ceil(points.length / 12)
  let body = `<g font-size="12" fill="${COLOURS.text}">` +
    `<rect x="${left}" y="6" width="12" height="12" fill="${COLOURS.bar}"/><text x="${left + 18}" y="16">${escapeHtml(options.columnName)}</text>` +
    `<line x1="${left + 160}" y1="12" x2="${left + 184}" y2="12" stroke="${COLOURS.line}" stroke-width="2.5"/><circle cx="${left + 172}" cy="12" r="3.5" fill="${COLOURS.line}"/>` +
    `<text x="${left + 190}" y="16">${escapeHtml(options.lineName)}</text></g>`
  for (let v = 0; v <= top; v += step) {
    body += `<line x1="${left}" y1="${y(v).toFixed(1)}" x2="${WIDTH - 10}" y2="${y(v).toFixed(1)}" stroke="${COLOURS.grid}"/>` +
      `<text x="${left - 6}" y="${(y(v) + 4).toFixed(1)}" text-anchor="end" font-size="11" fill="${COLOURS.muted}">${v}</text>`
  }
  const columnWidth = Math.max(2, Math.min(36, slot * 0.6))
  points.forEach((p, i) => {
    body += `<g><title>${escapeHtml(`${p.label}: ${p.columns} ${options.columnName.toLowerCase()}, ${p.line} ${options.lineName.toLowerCase()}`)}</title>` +
      `<rect x="${(cx(i) - columnWidth / 2).toFixed(1)}" y="${y(p.columns).toFixed(1)}" width="${columnWidth.toFixed(1)}" height="${(bottom - y(p.columns)).toFixed(1)}" fill="${COLOURS.bar}"/></g>`
    if (i % labelEvery === 0) {
      body += `<text x="${cx(i).toFixed(1)}" y="${bottom + 16}" text-anchor="middle" font-size="11" fill="${COLOURS.muted}">${escapeHtml(p.label)}</text>`
    }
  })
  const path = points.map((p, i) => `${cx(i).toFixed(1)},${y(p.line).toFixed(1)}`).join(' ')
  body += `<polyline points="${path}" fill="none" stroke="${COLOURS.line}" stroke-width="2.5"/>` +
    points.map((p, i) => `<circle cx="${cx(i).toFixed(1)}" cy="${y(p.line).toFixed(1)}" r="3.5" fill="${COLOURS.line}"/>`).join('')
  return frame(options.id, options.title, options.description, height, body)
}
