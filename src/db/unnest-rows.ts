import { sql, type RawBuilder } from 'kysely'

/** Column types a bulk insert passes; arrays and JSON travel as text and are cast per row. */
export type ColumnType = 'text' | 'uuid' | 'bigint' | 'integer' | 'smallint' | 'date' | 'timestamptz' | 'boolean' | 'jsonb' | 'text[]'

export type Columns<Row> = ReadonlyArray<readonly [keyof Row & string, ColumnType]>

/**
 * `select … from unnest($1::type[], $2::type[], …)`: many rows as one array parameter per
 * column, for `insert into t (cols) <this> [on conflict …]`. Against a multi-row VALUES list it
 * saves the query builder and the driver a parameter per cell (a 1,000-row page of records is
 * 13,000 of them) for the same work in PostgreSQL (docs/performance.md). `jsonb` values may
 * be objects or JSON text; `text[]` values are string arrays or null.
 *
 * Each column's array is serialised here, when the statement is built, into the literal the
 * driver sends as is: a caller that builds the statement ahead of its transaction (the sync
 * worker, while the previous page is being stored) takes that work off the transaction's path.
 */
export function unnestRows<Row extends Record<string, unknown>> (columns: Columns<Row>, rows: readonly Row[]): RawBuilder<unknown> {
  const params = columns.map(([name, type]) => sql`${arrayLiteral(rows, (row) => toText(row[name], type))}::${sql.raw(paramType(type))}[]`)
  const selected = columns.map(([name, type]) => type === 'jsonb' || type === 'text[]' ? sql`u.${sql.id(name)}::${sql.raw(type)}` : sql`u.${sql.id(name)}`)
  return sql`select ${sql.join(selected)} from unnest(${sql.join(params)}) as u(${sql.join(columns.map(([name]) => sql.id(name)))})`
}

/** The column list of the same columns, for the `insert into t (…)` part. */
export function columnList<Row> (columns: Columns<Row>): RawBuilder<unknown> {
  return sql`(${sql.join(columns.map(([name]) => sql.id(name)))})`
}

function paramType (type: ColumnType): string {
  return type === 'jsonb' || type === 'text[]' ? 'text' : type
}

/** A cell as the text PostgreSQL reads for its type; null for SQL NULL. */
function toText (value: unknown, type: ColumnType): string | null {
  if (value === null || value === undefined) return null
  if (type === 'jsonb') return typeof value === 'string' ? value : JSON.stringify(value)
  if (type === 'text[]') return arrayLiteral(value as readonly string[], (v) => v)
  if (value instanceof Date) return value.toISOString()
  return String(value)
}

/** A one-dimensional PostgreSQL array literal: every element quoted, `"` and `\` escaped, NULL unquoted. */
function arrayLiteral<T> (values: readonly T[], text: (value: T) => string | null): string {
  const parts = new Array<string>(values.length)
  for (let i = 0; i < values.length; i++) {
    const element = text(values[i] as T)
    parts[i] = element === null ? 'NULL' : `"${escapeElement(element)}"`
  }
  return `{${parts.join(',')}}`
}

const NEEDS_ESCAPE = /["\\]/

function escapeElement (text: string): string {
  return NEEDS_ESCAPE.test(text) ? text.replaceAll('\\', '\\\\').replaceAll('"', '\\"') : text
}
