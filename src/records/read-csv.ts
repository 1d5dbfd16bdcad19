import { pipeline, type Readable } from 'node:stream'
import { parse, type CsvError, type Info } from 'csv-parse'
import { CSV_COLUMNS, REQUIRED_COLUMNS, type CsvColumn } from './csv-columns.js'
import { startCsvDecision, type CsvDecision, type CsvRow } from './csv-decision.js'
import type { ImportCandidate } from './types.js'

const KNOWN: ReadonlySet<string> = new Set(CSV_COLUMNS)

function readHeader (cells: string[]): { columns: CsvColumn[] } | { problem: string } {
  const names = cells.map((c) => c.trim().toLowerCase())
  const unknown = names.filter((n) => !KNOWN.has(n))
  const missing = REQUIRED_COLUMNS.filter((c) => !names.includes(c))
  const twice = names.filter((n, i) => names.indexOf(n) !== i)
  const problems = [
    unknown.length > 0 ? `unknown column(s): ${unknown.map((n) => `"${n}"`).join(', ')} (known: ${CSV_COLUMNS.join(', ')})` : '',
    missing.length > 0 ? `missing required column(s): ${missing.join(', ')}` : '',
    twice.length > 0 ? `column(s) named twice: ${[...new Set(twice)].join(', ')}` : ''
  ].filter((p) => p !== '')
  return problems.length > 0 ? { problem: `the header row is not usable: ${problems.join('; ')}` } : { columns: names as CsvColumn[] }
}

/**
 * Line breaks inside the quoted cells of a record: all of them, and the CRLF pairs among
 * them, which csv-parse's `info.lines` counts twice (it counts CR and LF apart inside quotes).
 */
function breaksIn (record: string[]): { breaks: number, crlf: number } {
  let breaks = 0
  let crlf = 0
  for (const cell of record) {
    if (cell.indexOf('\n') === -1 && cell.indexOf('\r') === -1) continue
    breaks += cell.match(/\r\n|\r|\n/g)?.length ?? 0
    crlf += cell.match(/\r\n/g)?.length ?? 0
  }
  return { breaks, crlf }
}

/**
 * Reads decisions from a CSV stream (docs/records.md, "Import"), one at a time: the stream is
 * parsed as it arrives and a decision is yielded as soon as a row with another reference
 * starts, so memory holds one decision, not the file. Rows that cannot be read are yielded
 * as candidates with problems; an unusable header ends the reading.
 */
export async function * readCsvDecisions (source: Readable, options: { maxRecordBytes: number }): AsyncGenerator<ImportCandidate> {
  const parser = parse({
    bom: true,
    info: true,
    relax_column_count: true,
    skip_empty_lines: true,
    skip_records_with_error: true,
    max_record_size: options.maxRecordBytes
  })
  const unreadable: ImportCandidate[] = []
  let crlfSoFar = 0
  parser.on('skip', (err: CsvError & { lines?: number }) => {
    const line = (err.lines ?? 0) - crlfSoFar
    unreadable.push({ line, problems: [{ pointer: `line ${line}`, detail: `not readable as CSV: ${err.message}` }] })
  })
  // pipeline, not pipe: a source that failed before reading began (an upload cut off while it
  // waited for the handler) still fails the parser, instead of never ending it
  pipeline(source, parser, () => {})

  let header: CsvColumn[] | undefined
  let current: CsvDecision | undefined
  for await (const { record, info } of parser as AsyncIterable<{ record: string[], info: Info }>) {
    yield * unreadable.splice(0)
    const { breaks, crlf } = breaksIn(record)
    crlfSoFar += crlf
    const line = info.lines - crlfSoFar - breaks
    if (header === undefined) {
      const read = readHeader(record)
      if ('problem' in read) {
        yield { line, problems: [{ pointer: `line ${line}`, detail: read.problem }] }
        return
      }
      header = read.columns
      continue
    }
    if (record.length !== header.length) {
      yield { line, problems: [{ pointer: `line ${line}`, detail: `has ${record.length} fields where the header has ${header.length}` }] }
      continue
    }
    const row: CsvRow = {}
    for (let i = 0; i < header.length; i++) row[header[i] as CsvColumn] = (record[i] as string).trim()
    if (row.reference === '') {
      yield { line, problems: [{ pointer: `line ${line}: reference`, detail: 'required: every row names the decision it belongs to' }] }
      continue
    }
    if (current !== undefined && current.reference === row.reference) {
      current.add(row, line)
      continue
    }
    if (current !== undefined) yield current.finish()
    current = startCsvDecision(row, line)
  }
  yield * unreadable.splice(0)
  if (current !== undefined) yield current.finish()
  if (header === undefined) yield { line: 1, problems: [{ pointer: 'line 1', detail: 'the file is empty: a header row naming the columns is required' }] }
}
