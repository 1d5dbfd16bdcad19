import { TypeCompiler, type TypeCheck } from '@sinclair/typebox/compiler'
import { registerFormats } from './dates.js'
import { ClassificationContent, CrosswalkContent, DecisionContent } from './schemas.js'
import type { ContentByKind, RecordKind } from './types.js'

let checks: Record<RecordKind, TypeCheck<typeof DecisionContent | typeof ClassificationContent | typeof CrosswalkContent>> | undefined

/** Whether a peer's record content is one this version can project (the v1 schemas, closed), as a type guard. Compiled on first use. */
export function isValidContent<K extends RecordKind> (kind: K, content: unknown): content is ContentByKind[K] {
  if (checks === undefined) {
    registerFormats()
    checks = {
      decision: TypeCompiler.Compile(DecisionContent),
      classification: TypeCompiler.Compile(ClassificationContent),
      crosswalk: TypeCompiler.Compile(CrosswalkContent)
    }
  }
  return checks[kind]?.Check(content) ?? false
}
