import type { TSchema } from '@sinclair/typebox'
import { TypeCompiler, type TypeCheck, type ValueError } from '@sinclair/typebox/compiler'
import { registerFormats } from './dates.js'
import { checkDecisionDates, reviewWindowProblem, withDefaults } from './lifecycle.js'
import { DecisionInput, type DecisionContent } from './schemas.js'

/** A schema problem at `path` (a JSON pointer into the decision) or a date rule broken. */
export interface DecisionProblem {
  path: string
  detail: string
}

export type CheckedDecision =
  | { ok: true, decision: DecisionContent, audience: string[] | undefined }
  | { ok: false, problems: DecisionProblem[] }

const MAX_PROBLEMS_PER_DECISION = 20

type FillDefaults = (value: unknown) => void

/**
 * A function that fills in `schema`'s defaults, in place, as `Value.Default` does for the
 * objects and arrays of objects our record schemas are made of; built once, it costs a
 * fraction of `Value.Default`, which walks the schema for every value.
 */
function compileDefaults (schema: TSchema): FillDefaults | undefined {
  if (schema.type === 'array') {
    const each = compileDefaults(schema.items as TSchema)
    return each === undefined ? undefined : (value) => { if (Array.isArray(value)) for (const item of value) each(item) }
  }
  if (schema.type !== 'object' || schema.properties === undefined) return undefined
  const steps = Object.entries(schema.properties as Record<string, TSchema>).flatMap(([key, property]) => {
    const inner = compileDefaults(property)
    const fill: FillDefaults[] = []
    if (property.default !== undefined) {
      const value = property.default as unknown
      const json = JSON.stringify(value)
      const make = typeof value !== 'object' || value === null ? () => value : json === '[]' ? () => [] : () => JSON.parse(json) as unknown
      fill.push((object) => { if ((object as Record<string, unknown>)[key] === undefined) (object as Record<string, unknown>)[key] = make() })
    }
    if (inner !== undefined) fill.push((object) => inner((object as Record<string, unknown>)[key]))
    return fill
  })
  return steps.length === 0 ? undefined : (value) => { if (typeof value === 'object' && value !== null && !Array.isArray(value)) for (const step of steps) step(value) }
}

let compiled: { check: TypeCheck<typeof DecisionInput>, fillDefaults: FillDefaults } | undefined

/** The compiled check and defaults, built on first use (TypeBox has no formats of its own: `date` is ours). */
function decisionCheck () {
  if (compiled === undefined) {
    registerFormats()
    compiled = { check: TypeCompiler.Compile(DecisionInput), fillDefaults: compileDefaults(DecisionInput) ?? (() => {}) }
  }
  return compiled
}

function describe (error: ValueError): string {
  const schema = error.schema as TSchema & { anyOf?: Array<{ const?: unknown }>, minItems?: number, pattern?: string, format?: string }
  if (error.message === 'Expected required property') return 'required'
  if (error.message === 'Unexpected property') return `unknown field "${error.path.split('/').at(-1) ?? ''}"`
  if (schema.anyOf !== undefined && schema.anyOf.every((o) => typeof o.const === 'string')) return `must be one of: ${schema.anyOf.map((o) => o.const).join(', ')}`
  if (schema.format === 'date') return 'must be a calendar date, YYYY-MM-DD'
  if (schema.pattern !== undefined && typeof error.value === 'string') {
    return `must match ${schema.pattern}${typeof schema.description === 'string' ? ` (${schema.description})` : ''}`
  }
  if (schema.minItems !== undefined && Array.isArray(error.value) && error.value.length < schema.minItems) {
    return `needs at least ${schema.minItems}, got ${error.value.length}`
  }
  return error.message.replace(/^Expected/, 'expected')
}

/**
 * Validates one decision as `POST /v1/decisions` would (closed objects, schema defaults
 * filled in place, date rules) and applies the denial review window. Fast path: one compiled
 * check; problems are only collected (at most 20, one per path) when it fails.
 */
export function checkDecision (value: unknown, reviewYears: number): CheckedDecision {
  const { check, fillDefaults } = decisionCheck()
  fillDefaults(value)
  if (!check.Check(value)) {
    const problems: DecisionProblem[] = []
    const seen = new Set<string>()
    for (const error of check.Errors(value)) {
      if (seen.has(error.path)) continue
      seen.add(error.path)
      problems.push({ path: error.path, detail: describe(error) })
      if (problems.length >= MAX_PROBLEMS_PER_DECISION) break
    }
    return { ok: false, problems }
  }
  const { audience, ...decision } = value
  const reviewWindow = reviewWindowProblem(decision, reviewYears)
  const dateProblems = [...checkDecisionDates(decision), ...(reviewWindow === undefined ? [] : [reviewWindow])]
  if (dateProblems.length > 0) return { ok: false, problems: dateProblems.map((p) => ({ path: p.pointer, detail: p.detail })) }
  return { ok: true, decision: withDefaults(decision, reviewYears), audience }
}
