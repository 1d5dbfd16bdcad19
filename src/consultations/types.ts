import type { Logger } from 'pino'
import type { Db } from '../db/create-db.js'
import type { Clock } from '../lib/clock.js'
import type { PrivateAddresses } from '../lib/outbound-address.js'
import type { KeyCache, KeyRing } from '../signing/index.js'
import type { DeadlineRules } from '../lib/deadlines.js'

/** What the consultation operations need: our agency, our keys, the peers' API, the deadlines. */
export interface ConsultationDeps {
  db: Db
  self: string
  clock: Clock
  keyRing: KeyRing
  deadlines: DeadlineRules
  /** Messages are logged with their consultation, message and peer; never their text. */
  logger: Pick<Logger, 'info' | 'warn' | 'error'>
  delivery: DeliveryOptions
  /** JWKS refresh cooldown on an unknown kid in a received message. */
  jwksCooldownMs: number
  /** Peers' keys as imported, shared with the app's other verifiers; absent: imported per message. */
  keyCache?: KeyCache | undefined
  /** The outbound address policy, for deliveries and refreshes of a peer's keys. */
  privateAddresses: PrivateAddresses
}

/** One delivery attempt's limits; when the next comes is the outbox's (src/outbox). */
export interface DeliveryOptions {
  connectTimeoutMs: number
  /** The whole request to the peer's inbox. */
  timeoutMs: number
}
