import type { Config } from '../config.js'
import type { Db } from '../db/create-db.js'
import type { Clock } from '../lib/clock.js'
import type { KeyCache, KeyRing } from '../signing/index.js'
import type { ConsultationDeps } from './types.js'

export { requestConsultation, type ConsultationRequest } from './request-consultation.js'
export { replyToConsultation, sendInformation, withdrawConsultation } from './send-message.js'
export { receiveMessage, type ReceivedMessage } from './receive-message.js'
export { MESSAGE_TOPIC, messageDelivery } from './deliver.js'
export { failingDeliveries, type FailingDelivery } from './outbox-status.js'
export { listConsultations, listOpenConsultations, getConsultation, consultationParties, countOverdueConsultations, overdueDays, OPEN_STATES, type ConsultationFilter, type ConsultationSummary } from './consultations.js'
export { citeConsultation } from './cite-consultation.js'
export { ProposedTransaction } from './messages.js'
export type { ConsultationDeps } from './types.js'

/** The consultation operations' dependencies, from the configuration and the wired services. */
export function consultationDeps (config: Config, services: { db: Db, keyRing: KeyRing, clock: Clock, logger: ConsultationDeps['logger'], keyCache?: KeyCache | undefined }): ConsultationDeps {
  return {
    ...services,
    self: config.agency.id,
    deadlines: config.consultation.deadlines,
    delivery: { connectTimeoutMs: config.sync.connectTimeoutMs, timeoutMs: Math.min(config.sync.responseTimeoutMs, 15_000) },
    jwksCooldownMs: config.peerJwksCooldownSeconds * 1000,
    privateAddresses: config.sync.privateAddresses
  }
}
