import { randomUUID } from 'node:crypto'
import { sql, type Selectable } from 'kysely'
import { appendAuditEvents } from '../audit/index.js'
import type { Db } from '../db/create-db.js'
import type { WebhookTable } from '../db/schema.js'
import type { Clock } from '../lib/clock.js'
import { errors } from '../lib/errors.js'
import { checkOutboundUrl } from '../lib/outbound-address.js'
import type { AlertKind, WebhookInput, WebhookUpdate, WebhookView } from './schemas.js'

function checkedUrl (url: string): string {
  const why = checkOutboundUrl(url)
  if (why !== undefined) throw errors.urlNotAllowed('url', why)
  return url
}

/** An administrator adds a webhook: every alert of its kinds raised from now on is POSTed to it. In the audit trail. */
export async function createWebhook (deps: { db: Db, clock: Clock }, admin: string, input: WebhookInput): Promise<WebhookView> {
  const id = randomUUID()
  await deps.db.transaction().execute(async (trx) => {
    await trx.insertInto('webhooks').values({
      id, url: checkedUrl(input.url), events: [...new Set(input.events)], description: input.description, enabled: true, created_by: admin, created_at: deps.clock.now()
    }).execute()
    await appendAuditEvents(trx, [{ actor: admin, action: 'webhook-added', subject: { type: 'webhook', id }, detail: { url: input.url, events: input.events } }], deps.clock)
  })
  return getWebhook(deps.db, id)
}

/** Changes a webhook's URL, kinds, description or whether it is enabled. In the audit trail. */
export async function updateWebhook (deps: { db: Db, clock: Clock }, admin: string, id: string, change: WebhookUpdate): Promise<WebhookView> {
  await deps.db.transaction().execute(async (trx) => {
    const held = await trx.selectFrom('webhooks').select('id').where('id', '=', id).where('removed_at', 'is', null).forUpdate().executeTakeFirst()
    if (held === undefined) throw errors.notFound(`webhook ${id}`)
    await trx.updateTable('webhooks').set({
      ...(change.url === undefined ? {} : { url: checkedUrl(change.url) }),
      ...(change.events === undefined ? {} : { events: [...new Set(change.events)] }),
      ...(change.description === undefined ? {} : { description: change.description }),
      ...(change.enabled === undefined ? {} : { enabled: change.enabled })
    }).where('id', '=', id).execute()
    await appendAuditEvents(trx, [{ actor: admin, action: 'webhook-changed', subject: { type: 'webhook', id }, detail: { ...change } }], deps.clock)
  })
  return getWebhook(deps.db, id)
}

/** Removes a webhook: nothing more is sent to it (what was queued is refused). In the audit trail. */
export async function removeWebhook (deps: { db: Db, clock: Clock }, admin: string, id: string): Promise<void> {
  await deps.db.transaction().execute(async (trx) => {
    const removed = await trx.updateTable('webhooks').set({ removed_at: deps.clock.now(), enabled: false }).where('id', '=', id).where('removed_at', 'is', null).returning('id').executeTakeFirst()
    if (removed === undefined) throw errors.notFound(`webhook ${id}`)
    await appendAuditEvents(trx, [{ actor: admin, action: 'webhook-removed', subject: { type: 'webhook', id }, detail: {} }], deps.clock)
  })
}

/** The webhooks not removed, with what was delivered to each. */
export async function listWebhooks (db: Db): Promise<WebhookView[]> {
  const rows = await withDeliveries(db).where('w.removed_at', 'is', null).orderBy('w.created_at').orderBy('w.id').execute()
  return rows.map(webhookView)
}

export async function getWebhook (db: Db, id: string): Promise<WebhookView> {
  const row = await withDeliveries(db).where('w.id', '=', id).where('w.removed_at', 'is', null).executeTakeFirst()
  if (row === undefined) throw errors.notFound(`webhook ${id}`)
  return webhookView(row)
}

// the outbox is read through its key, which names the webhook (`webhook <id> <alert>`, src/alerts/deliveries.ts)
function withDeliveries (db: Db) {
  return db.selectFrom('webhooks as w').selectAll('w').select([
    sql<number>`(select count(*)::int from outbox o where o.key like 'webhook ' || w.id || ' %' and o.state = 'delivered')`.as('delivered'),
    sql<number>`(select count(*)::int from outbox o where o.key like 'webhook ' || w.id || ' %' and o.state = 'pending')`.as('waiting'),
    sql<number>`(select count(*)::int from outbox o where o.key like 'webhook ' || w.id || ' %' and o.state = 'pending' and o.attempts > 0)`.as('failing'),
    sql<number>`(select count(*)::int from outbox o where o.key like 'webhook ' || w.id || ' %' and o.state = 'refused')`.as('refused'),
    sql<number>`(select count(*)::int from outbox o where o.key like 'webhook ' || w.id || ' %' and o.state = 'given-up')`.as('given_up'),
    sql<string | null>`(select o.last_error from outbox o where o.key like 'webhook ' || w.id || ' %' and o.last_error is not null order by o.id desc limit 1)`.as('last_error')
  ])
}

function webhookView (row: Selectable<WebhookTable> & { delivered: number, waiting: number, failing: number, refused: number, given_up: number, last_error: string | null }): WebhookView {
  return {
    id: row.id,
    url: row.url,
    events: row.events as AlertKind[],
    description: row.description,
    enabled: row.enabled,
    createdBy: row.created_by,
    createdAt: new Date(row.created_at).toISOString(),
    deliveries: { delivered: row.delivered, waiting: row.waiting, failing: row.failing, refused: row.refused, givenUp: row.given_up, lastError: row.last_error }
  }
}
