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
 */
export function unnestRows<Row extends Record<string, unknown>> (columns: Columns<Row>, rows: readonly Row[]): RawBuilder<unknown> {
  const params = columns.map(([name, type]) => {
    const values = rows.map((row) => toParam(row[name], type))
    return sql`${values}::${sql.raw(paramType(type))}[]`
  })
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

function toParam (value: unknown, type: ColumnType): unknown {
  if (value === null || value === undefined) return null
  if (type === 'jsonb') return typeof value === 'string' ? value : JSON.stringify(value)
  if (type === 'text[]') return arrayLiteral(value as readonly string[])
  if (value instanceof Date) return value.toISOString()
  return value
}

/** A PostgreSQL array literal of strings: every element quoted, `"` and `\` escaped. */
function arrayLiteral (values: readonly string[]): string {
  return `{${values.map((v) => `"${v.replaceAll('\\', '\\\\').replaceAll('"', '\\"')}"`).join(',')}}`
}
