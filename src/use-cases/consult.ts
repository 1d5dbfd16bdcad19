import {
  consultationDeps, receiveMessage, replyToConsultation as reply, requestConsultation as request, sendInformation as inform, withdrawConsultation as withdraw,
  type ConsultationRequest
} from '../consultations/index.js'
import type { UseCaseContext } from './context.js'

// Consultations with a denying ally (docs/divergence.md): each message is signed, stored
// with its audit event and its delivery queued in the outbox, then tried at once, by the
// consultations capability (retries: the outbox job, use-cases/outbox.ts); these bind it to
// the agency's services for every face.

const deps = (ctx: UseCaseContext) => consultationDeps(ctx.config, ctx)

/** Asks the agency that denied a decision about a transaction we are considering; returns the consultation's id. */
export async function requestConsultation (ctx: UseCaseContext, officer: string, input: ConsultationRequest): Promise<string> {
  return request(deps(ctx), officer, input)
}

/** Answers a consultation an ally asked of us. */
export async function replyToConsultation (ctx: UseCaseContext, officer: string, id: string, answer: Parameters<typeof reply>[3]): Promise<void> {
  return reply(deps(ctx), officer, id, answer)
}

/** Sends more information on a consultation, either side. */
export async function sendInformation (ctx: UseCaseContext, officer: string, id: string, text: string): Promise<void> {
  return inform(deps(ctx), officer, id, text)
}

/** Withdraws a consultation we asked. */
export async function withdrawConsultation (ctx: UseCaseContext, officer: string, id: string, reason: string): Promise<void> {
  return withdraw(deps(ctx), officer, id, reason)
}

/** Takes in a signed consultation message a partner pushed to our inbox. */
export async function receiveConsultationMessage (ctx: UseCaseContext, partner: string, jws: string) {
  return receiveMessage(deps(ctx), partner, jws)
}
