import type { TestApp } from './agency.js'

/** One sample of Prometheus' text format: a series and its value. */
export interface Sample { name: string, labels: Record<string, string>, value: number }

/** The samples of a Prometheus text exposition, in order (comments skipped; label values unescaped). */
export function parseMetrics (text: string): Sample[] {
  const samples: Sample[] = []
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/.exec(line)
    if (m === null) throw new Error(`not a sample line: ${line}`)
    const labels: Record<string, string> = {}
    for (const [, key, value] of (m[2] ?? '').matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g)) {
      labels[key as string] = (value as string).replace(/\\(.)/g, (_, c: string) => c === 'n' ? '\n' : c)
    }
    samples.push({ name: m[1] as string, labels, value: Number(m[3]) })
  }
  return samples
}

/** GET /metrics (with the metrics token when given): the samples, and the text as served. */
export async function scrape (app: TestApp, token?: string) {
  const res = await app.inject({ url: '/metrics', headers: token === undefined ? {} : { authorization: `Bearer ${token}` } })
  if (res.statusCode !== 200) throw new Error(`/metrics answered ${res.statusCode}: ${res.body}`)
  const samples = parseMetrics(res.body)
  /** The samples of `name` whose labels include `labels`. */
  const find = (name: string, labels: Record<string, string> = {}) =>
    samples.filter((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v))
  return {
    text: res.body,
    samples,
    find,
    /** The value of the first sample of `name` with `labels`; undefined when there is none. */
    value: (name: string, labels: Record<string, string> = {}) => find(name, labels)[0]?.value,
    /** The sum of the samples of `name` whose labels include `labels`. */
    sum: (name: string, labels: Record<string, string> = {}) => find(name, labels).reduce((sum, s) => sum + s.value, 0)
  }
}
