import type { DivergenceRow } from './divergence-rows.js'

/** The columns of the divergence export, in order, as its header names them. */
export const CSV_COLUMNS = [
  ['id', (r: DivergenceRow) => r.id],
  ['kind', (r) => r.kind],
  ['severity', (r) => r.severity],
  ['state', (r) => r.state],
  ['first_issuer', (r) => r.firstIssuer],
  ['first_record_id', (r) => r.firstRecordId],
  ['first_version', (r) => r.firstVersion],
  ['second_issuer', (r) => r.secondIssuer],
  ['second_record_id', (r) => r.secondRecordId],
  ['second_version', (r) => r.secondVersion],
  ['destination', (r) => r.destination],
  ['control_category', (r) => r.controlCategory],
  ['detected_at', (r) => r.detectedAt],
  ['resolved_at', (r) => r.resolvedAt],
  ['explanation', (r) => r.explanation]
] as const satisfies ReadonlyArray<readonly [string, (r: DivergenceRow) => string | number | null]>

/**
 * One CSV field (RFC 4180): quoted when it holds a comma, a quote or a line break, quotes
 * doubled. Text starting with = + - @, a tab or a carriage return is prefixed with `'`, so that
 * a spreadsheet shows it instead of evaluating it as a formula (OWASP "CSV injection"):
 * explanations quote names that come from peers.
 */
export function csvField (value: string | number | null): string {
  if (value === null) return ''
  let text = String(value)
  if (typeof value === 'string' && /^[=+\-@\t\r]/.test(text)) text = `'${text}`
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text
}

const line = (fields: ReadonlyArray<string | number | null>) => `${fields.map(csvField).join(',')}\r\n`

/** The export: a header line, then one CRLF-terminated line per divergence (RFC 4180). */
export async function * renderDivergenceCsv (batches: AsyncIterable<readonly DivergenceRow[]> | Iterable<readonly DivergenceRow[]>): AsyncGenerator<string> {
  yield line(CSV_COLUMNS.map(([name]) => name))
  for await (const batch of batches) {
    yield batch.map((row) => line(CSV_COLUMNS.map(([, value]) => value(row)))).join('')
  }
}
