import { FormatRegistry } from '@sinclair/typebox'
import { TypeCompiler } from '@sinclair/typebox/compiler'
import { isIsoDate } from './dates.js'
import { ClassificationContent, CrosswalkContent, DecisionContent } from './schemas.js'
import type { RecordKind } from './types.js'

if (!FormatRegistry.Has('date')) FormatRegistry.Set('date', isIsoDate)

const checks = {
  decision: TypeCompiler.Compile(DecisionContent),
  classification: TypeCompiler.Compile(ClassificationContent),
  crosswalk: TypeCompiler.Compile(CrosswalkContent)
} as const

/** Whether a peer's record content is one this version can project (the v1 schemas, closed). */
export function isValidContent (kind: RecordKind, content: unknown): boolean {
  return checks[kind]?.Check(content) ?? false
}
