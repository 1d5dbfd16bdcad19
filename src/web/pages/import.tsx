import type { ProblemDetail } from '../../lib/errors.js'
import { CSV_COLUMNS, REQUIRED_COLUMNS } from '../../records/index.js'
import type { FieldError } from '../form-values.js'
import { Layout, type PageFrame } from '../layout.js'
import { texts } from '../text/en.js'
import { Csrf, ErrorSummary, FileField } from './form-parts.js'

const t = texts.importDecisions

/** What the file input accepts: the extensions an import's format is told by (routes-import.tsx). */
export const IMPORT_ACCEPT = '.csv,.ndjson,.jsonl'

/** The page's CSV example: the shape of the UK's licensing export (docs/records.md, "Import"). Shown, not offered as a file: an import cannot be taken back. */
export const EXAMPLE_CSV = [
  'reference,outcome,decision_date,destination,reasons,party_name,party_country,item_codes,item_description,item_value,item_currency',
  'UK-SIEL-2008-000597,denied,2008-01-31,IL,eu-cp-2008-944:7,Wahab Karwan Construction Company,IL,eu:1C350,chemical precursors,,',
  'UK-SIEL-2008-000597,,,,,Wahab Karwan Construction Company,IL,eu:1C450,toxic chemicals,,',
  'UK-SIEL-2008-000613,granted,2008-01-31,LK,,Zurmat Construction Company,LK,uk:ML10,aircraft components,19000,GBP'
].join('\n') + '\n'

/** One line of NDJSON: a decision as `POST /v1/decisions` takes it. */
export const EXAMPLE_NDJSON = JSON.stringify({
  reference: 'UK-SIEL-2008-000613',
  outcome: 'granted',
  decisionDate: '2008-01-31',
  destination: 'LK',
  parties: [{ role: 'end_user', name: 'Zurmat Construction Company', country: 'LK' }],
  items: [{ codes: [{ regime: 'uk', code: 'ML10' }], description: 'aircraft components', value: { amount: 19000, currency: 'GBP' } }]
}) + '\n'

/** Every CSV column has its words: a column added to the import and not here fails the type check. */
const COLUMN_HOLDS: Readonly<Record<(typeof CSV_COLUMNS)[number], string>> = t.columns

/** A problem of an import as the page lists it. */
export interface ProblemRow {
  line: string
  field: string
  detail: string
}

/**
 * The use case's problems (`line 17: party_country`, `line 17: /parties/0/country`, `line 17`)
 * as rows: the line, the field in words (a CSV column as written in the file's header; a JSON
 * pointer as "party 1, country"), what is wrong.
 */
export function problemRowsOf (problems: readonly ProblemDetail[]): ProblemRow[] {
  return problems.map((p) => {
    const at = /^line (\d+)(?:: (.*))?$/.exec(p.pointer)
    if (at === null) return { line: '', field: p.pointer, detail: p.detail }
    return { line: at[1] ?? '', field: readableField(at[2]), detail: p.detail }
  })
}

const SINGULAR: Readonly<Record<string, string>> = {
  parties: 'party', items: 'item', codes: 'control entry', reasons: 'reason', aliases: 'alias', identifiers: 'identifier', regimeReferences: 'regime reference', audience: 'agency'
}

function readableField (field: string | undefined): string {
  if (field === undefined) return t.wholeLine
  if (!field.startsWith('/')) return field
  if (field === '/') return t.wholeDecision
  const words: string[] = []
  const segments = field.slice(1).split('/').map((s) => s.replaceAll('~1', '/').replaceAll('~0', '~'))
  segments.forEach((segment, i) => {
    const previous = segments[i - 1]
    if (/^\d+$/.test(segment) && previous !== undefined && !/^\d+$/.test(previous)) {
      words[words.length - 1] = `${SINGULAR[previous] ?? words.at(-1) ?? ''} ${Number(segment) + 1}`
    } else {
      words.push(segment.replace(/([a-z])([A-Z])/g, '$1 $2').toLowerCase())
    }
  })
  return words.join(', ')
}

/** The file's problems: a table by line, the field made readable. */
function ProblemsTable ({ problems, file, capped }: { problems: readonly ProblemRow[], file: string, capped: number | undefined }) {
  return (
    <section aria-labelledby='problems-title'>
      <h2 id='problems-title'>{t.problemsTitle}</h2>
      {capped !== undefined && <p class='notice'>{t.problemsCapped(capped)}</p>}
      <table class='import-problems'>
        <caption>{t.problemsCaption(problems.length, file)}</caption>
        <thead>
          <tr><th scope='col'>{t.columnLine}</th><th scope='col'>{t.columnField}</th><th scope='col'>{t.columnProblem}</th></tr>
        </thead>
        <tbody>
          {problems.map((p, i) => (
            <tr key={i}>
              <th scope='row'>{p.line}</th>
              <td>{p.field}</td>
              <td>{p.detail}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  )
}

/** The two formats: the CSV columns from the list the import reads, an example of each. */
function FormatsHelp () {
  return (
    <section aria-labelledby='formats-title'>
      <h2 id='formats-title'>{t.formatsTitle}</h2>
      <h3>{t.csvTitle}</h3>
      <p>{t.csvLead}</p>
      <table class='import-columns'>
        <caption>{t.columnsCaption}</caption>
        <thead>
          <tr><th scope='col'>{t.columnName}</th><th scope='col'>{t.columnRequired}</th><th scope='col'>{t.columnHolds}</th></tr>
        </thead>
        <tbody>
          {CSV_COLUMNS.map((column) => (
            <tr key={column}>
              <th scope='row'><code>{column}</code></th>
              <td>{REQUIRED_COLUMNS.includes(column) ? t.required : t.optional}</td>
              <td>{COLUMN_HOLDS[column]}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <h4>{t.example}</h4>
      <pre class='example'>{EXAMPLE_CSV}</pre>
      <h3>{t.ndjsonTitle}</h3>
      <p>{t.ndjsonLead}</p>
      <h4>{t.example}</h4>
      <pre class='example'>{EXAMPLE_NDJSON}</pre>
      <p>{t.exampleNote}</p>
    </section>
  )
}

/**
 * The import form (a file and the CSRF token, the token first: the server checks it before it
 * reads the file), its errors on the file field, the problems of a rejected file, the formats.
 */
export function ImportPage ({ frame, errors, limit, rejected }: {
  frame: PageFrame
  errors: readonly FieldError[]
  /** IMPORT_LIMIT_BYTES in words. */
  limit: string
  rejected?: { file: string, problems: readonly ProblemRow[], capped: number | undefined } | undefined
}) {
  return (
    <Layout frame={{ ...frame, active: 'decisions' }} title={errors.length > 0 ? `Error: ${t.title}` : t.title}>
      <h1>{t.title}</h1>
      <ErrorSummary errors={errors} />
      <p class='lead'>{t.lead}</p>
      <p>{t.allOrNothing}</p>
      <form method='post' action='/app/decisions/import' enctype='multipart/form-data' novalidate>
        <Csrf token={frame.csrf} />
        <FileField name='file' label={t.file} hint={t.fileHint(limit)} errors={errors} accept={IMPORT_ACCEPT} />
        <button type='submit' class='button'>{t.submit}</button>
      </form>
      {rejected !== undefined && <ProblemsTable problems={rejected.problems} file={rejected.file} capped={rejected.capped} />}
      <FormatsHelp />
    </Layout>
  )
}

export interface ImportedSummary {
  file: string
  imported: number
  firstSeq: number | null
  lastSeq: number | null
}

/** After an import: how many decisions, their feed entries, our decisions to see them. */
export function ImportedPage ({ frame, result }: { frame: PageFrame, result: ImportedSummary }) {
  return (
    <Layout frame={{ ...frame, active: 'decisions' }} title={t.importedTitle}>
      <h1>{t.importedTitle}</h1>
      <p class='notice' role='status'>{t.imported(result.imported, result.file)}</p>
      {result.firstSeq !== null && result.lastSeq !== null && <p>{t.entries(result.firstSeq, result.lastSeq)}</p>}
      <p><a href='/app/decisions?scope=own' class='button'>{t.seeOwn}</a></p>
      <p><a href='/app/decisions/import'>{t.another}</a></p>
    </Layout>
  )
}
