import { FormatRegistry, type TSchema } from '@sinclair/typebox'
import { TypeCompiler, type TypeCheck, type ValueError } from '@sinclair/typebox/compiler'
import { Value } from '@sinclair/typebox/value'
import { isIsoDate } from './dates.js'
import { checkDecisionDates, withDefaults } from './lifecycle.js'
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

let compiled: TypeCheck<typeof DecisionInput> | undefined

/** The compiled check, built on first use (TypeBox has no formats of its own: `date` is ours). */
function decisionCheck (): TypeCheck<typeof DecisionInput> {
  if (compiled === undefined) {
    if (!FormatRegistry.Has('date')) FormatRegistry.Set('date', isIsoDate)
    compiled = TypeCompiler.Compile(DecisionInput)
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
  const check = decisionCheck()
  if (typeof value === 'object' && value !== null) Value.Default(DecisionInput, value)
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
  const dateProblems = checkDecisionDates(decision)
  if (dateProblems.length > 0) return { ok: false, problems: dateProblems.map((p) => ({ path: p.pointer, detail: p.detail })) }
  return { ok: true, decision: withDefaults(decision, reviewYears), audience }
}
