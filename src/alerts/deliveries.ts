import type { Transaction } from 'kysely'
import nodemailer, { type Transporter } from 'nodemailer'
import type { Logger } from 'pino'
import type { AlertsConfig } from '../config.js'
import type { Db } from '../db/create-db.js'
import type { Database } from '../db/schema.js'
import type { Clock } from '../lib/clock.js'
import { HttpFailure, sendHttpRequest } from '../lib/http-client.js'
import type { PrivateAddresses } from '../lib/outbound-address.js'
import { enqueue, type Attempt, type OutboxHandler, type OutboxItem } from '../outbox/index.js'
import { ALERT_TYP, signCompact, type KeyRing } from '../signing/index.js'
import { alertById } from './alerts.js'
import type { AlertView, WebhookPayload } from './schemas.js'

/** The outbox topics of alert deliveries. */
export const WEBHOOK_TOPIC = 'alert-webhook'
export const EMAIL_TOPIC = 'alert-email'

/** Who is told of new alerts beyond the web pages and the API: the webhooks (read in the transaction), and the e-mail addresses configured. */
export interface DeliveryRouting {
  emails: AlertsConfig['emails']
  /** False when no SMTP server is configured: nothing is queued for e-mail. */
  email: boolean
}

interface NewAlert { id: string, kind: string, recipientUser: string | null, recipientRole: string | null }

/**
 * Queues the deliveries of alerts just raised, in the transaction that raised them: one per
 * enabled webhook whose kinds include the alert's, and one e-mail per address configured for
 * the alert's user (`full`: what the alert says) or role (`brief`: its kind and a link only,
 * a role's mailbox being read more widely than the role). Each is queued once (outbox keys).
 */
export async function queueDeliveries (trx: Transaction<Database>, alerts: readonly NewAlert[], routing: DeliveryRouting, now: Date): Promise<void> {
  if (alerts.length === 0) return
  const webhooks = await trx.selectFrom('webhooks').select(['id', 'events']).where('enabled', '=', true).where('removed_at', 'is', null).execute()
  const items = alerts.flatMap((alert) => [
    ...webhooks.filter((w) => w.events.length === 0 || w.events.includes(alert.kind))
      .map((w) => ({ topic: WEBHOOK_TOPIC, key: `webhook ${w.id} ${alert.id}`, payload: { webhookId: w.id, alertId: alert.id } })),
    ...(!routing.email
      ? []
      : [
          ...(alert.recipientUser === null ? [] : routing.emails.users[alert.recipientUser] ?? []).map((to) => ({ to, full: true })),
          ...(alert.recipientRole === null ? [] : routing.emails.roles[alert.recipientRole] ?? []).map((to) => ({ to, full: false }))
        ].map(({ to, full }) => ({ topic: EMAIL_TOPIC, key: `email ${to} ${alert.id}`, payload: { alertId: alert.id, to, full } })))
  ])
  await enqueue(trx, items, now)
}

export interface DeliveryDeps {
  db: Db
  self: string
  agencyName: string
  publicUrl: string
  clock: Clock
  keyRing: KeyRing
  logger: Pick<Logger, 'info' | 'warn'>
  privateAddresses: PrivateAddresses
  limits: { connectTimeoutMs: number, responseTimeoutMs: number }
  alerts: AlertsConfig
}

/** A receiver's answer is read up to this size (it is only looked at for its status). */
const MAX_ANSWER_BYTES = 16 * 1024

/** The outbox handlers that send alerts: to webhooks (a JWS through the one outbound HTTP client) and by e-mail (SMTP, when configured). */
export function alertDeliveryHandlers (deps: DeliveryDeps): Record<string, OutboxHandler> {
  const handlers: Record<string, OutboxHandler> = { [WEBHOOK_TOPIC]: (item) => deliverToWebhook(deps, item) }
  if (deps.alerts.smtpUrl !== undefined) {
    const transport = nodemailer.createTransport(deps.alerts.smtpUrl)
    handlers[EMAIL_TOPIC] = (item) => deliverByEmail(deps, transport, item)
  }
  return handlers
}

async function deliverToWebhook (deps: DeliveryDeps, item: OutboxItem): Promise<Attempt> {
  const { webhookId, alertId } = item.payload as { webhookId: string, alertId: string }
  const webhook = await deps.db.selectFrom('webhooks').select(['url', 'enabled', 'removed_at']).where('id', '=', webhookId).executeTakeFirst()
  if (webhook === undefined || !webhook.enabled || webhook.removed_at !== null) return { outcome: 'refused', error: 'the webhook was removed or disabled' }
  const alert = await alertById(deps.db, alertId)
  if (alert === undefined) return { outcome: 'refused', error: 'the alert no longer exists' }
  const payload: WebhookPayload = { iss: deps.self, deliveryId: item.id, sentAt: deps.clock.now().toISOString(), alert }
  const jws = signCompact(payload, await deps.keyRing.current(), ALERT_TYP)
  try {
    const response = await sendHttpRequest(webhook.url, {
      method: 'POST',
      headers: { 'content-type': 'application/jose' },
      body: jws,
      limits: { ...deps.limits, maxBytes: MAX_ANSWER_BYTES },
      privateAddresses: deps.privateAddresses
    })
    if (response.status >= 200 && response.status < 300) return { outcome: 'delivered' }
    if (response.status >= 400 && response.status < 500 && response.status !== 429) return { outcome: 'refused', error: `the receiver answered ${response.status}` }
    const retryAfter = Number(response.headers['retry-after'])
    return { outcome: 'failed', error: `the receiver answered ${response.status}`, retryAfterSeconds: Number.isFinite(retryAfter) ? retryAfter : undefined }
  } catch (err) {
    return { outcome: 'failed', error: err instanceof HttpFailure ? `the receiver could not be reached (${err.kind})` : (err as Error).message }
  }
}

async function deliverByEmail (deps: DeliveryDeps, transport: Transporter, item: OutboxItem): Promise<Attempt> {
  const { alertId, to, full } = item.payload as { alertId: string, to: string, full: boolean }
  const alert = await alertById(deps.db, alertId)
  if (alert === undefined) return { outcome: 'refused', error: 'the alert no longer exists' }
  const message = emailOf(deps, alert, full)
  try {
    await transport.sendMail({ from: deps.alerts.emailFrom, to, subject: message.subject, text: message.text, html: message.html, headers: { 'X-Reciprocity-Delivery': String(item.id) } })
    return { outcome: 'delivered' }
  } catch (err) {
    const code = (err as { responseCode?: number }).responseCode
    // a permanent SMTP refusal (5xx: no such mailbox) will not change by retrying
    if (code !== undefined && code >= 500 && code < 600) return { outcome: 'refused', error: `the SMTP server refused it (${code})` }
    return { outcome: 'failed', error: `the SMTP server could not take it: ${(err as Error).message}` }
  }
}

const KIND_NAMES: Record<string, string> = {
  'case-hit': 'A hit for one of your cases',
  'watch-hit': 'A watched party named by an ally'
}

/**
 * The e-mail of an alert: `full` (to the user it is for) says what the alert says; otherwise
 * (to a role's address) only its kind and the link to read it, signed in.
 */
export function emailOf (deps: Pick<DeliveryDeps, 'agencyName' | 'publicUrl'>, alert: AlertView, full: boolean): { subject: string, text: string, html: string } {
  const link = `${deps.publicUrl}/app/alerts`
  const kind = KIND_NAMES[alert.kind] ?? alert.kind
  const subject = full ? `[${deps.agencyName}] ${alert.title}` : `[${deps.agencyName}] ${kind}`
  const lines = full
    ? [alert.title, '', alert.explanation, '', `Raised ${alert.raisedAt}. Read it and mark it as read: ${link}`]
    : [`${kind}, raised ${alert.raisedAt}.`, '', `Sign in to read it: ${link}`]
  const html = `<!doctype html><html lang="en"><body>${lines.map((l) => l === '' ? '' : `<p>${escapeHtml(l).replace(escapeHtml(link), `<a href="${escapeHtml(link)}">${escapeHtml(link)}</a>`)}</p>`).join('')}</body></html>`
  return { subject, text: lines.join('\n'), html }
}

function escapeHtml (text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;')
}
