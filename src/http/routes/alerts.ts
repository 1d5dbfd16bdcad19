import { Type } from '@sinclair/typebox'
import {
  AlertQuery, AlertView, CaseOpening, CaseQuery, CaseSummary, CaseView, CaseWithdrawal, getCase, listAlerts, listCases, listWatchedParties, listWebhooks,
  WatchedPartyInput, WatchedPartyView, WebhookInput, WebhookUpdate, WebhookView
} from '../../alerts/index.js'
import { acknowledgeAlert, addWebhook, changeWebhook, deleteWebhook, openCase, unwatchParty, watchParty, withdrawCase } from '../../use-cases/index.js'
import { userOf } from '../plugins/auth.js'
import { problems, Uuid } from '../schemas/common.js'
import type { App } from '../types.js'

const closed = { additionalProperties: false } as const
const Params = Type.Object({ id: Uuid }, closed)
const pageOf = <T extends Parameters<typeof Type.Array>[0]>(name: string, item: T) =>
  Type.Object({ [name]: Type.Array(item), nextCursor: Type.Union([Type.String(), Type.Null()]) }, closed)

/** Opening and withdrawing cases, watching parties (officers). */
export async function caseWriteRoutes (app: App) {
  const tags = ['cases']
  app.post('/', {
    schema: {
      tags,
      summary: 'Open a case: a pending application of ours, watched until it is decided or withdrawn',
      description: 'From a screening already run (screeningId) or from an application, screened now. Every record stored from then on (pulled, pushed or our own) is matched against it by screening\'s matcher and assessment; a new hit raises a case-hit alert for the officer. Record the decision with caseId to close it. See docs/alerts.md.',
      body: CaseOpening,
      response: { 201: CaseView, ...problems(400, 404) }
    }
  }, async (request, reply) => {
    const opened = await openCase(app.services, userOf(request).subject, request.body)
    request.log.info({ caseId: opened.id, hits: opened.hitCount }, 'case opened')
    return reply.code(201).send(opened)
  })

  app.post('/:id/withdrawal', {
    schema: {
      tags,
      summary: 'Withdraw an open case: it is no longer watched',
      params: Params,
      body: CaseWithdrawal,
      response: { 200: CaseView, ...problems(400, 404, 409) }
    }
  }, async (request) => {
    const withdrawn = await withdrawCase(app.services, userOf(request).subject, request.params.id, request.body.reason)
    request.log.info({ caseId: withdrawn.id }, 'case withdrawn')
    return withdrawn
  })
}

/** Reading cases (officers and auditors). */
export async function caseReadRoutes (app: App) {
  const tags = ['cases']
  app.get('/', {
    schema: { tags, summary: 'Cases, newest first', querystring: CaseQuery, response: { 200: pageOf('cases', CaseSummary), ...problems(400) } }
  }, async (request) => {
    const { mine, ...query } = request.query
    return listCases(app.db, { ...query, officer: mine === true ? userOf(request).subject : undefined })
  })

  app.get('/:id', {
    schema: { tags, summary: 'One case, with every hit it has had', params: Params, response: { 200: CaseView, ...problems(400, 404) } }
  }, async (request) => getCase(app.db, request.params.id))
}

/** Watching parties (officers). */
export async function watchedPartyRoutes (app: App) {
  const tags = ['watched parties']
  app.post('/', {
    schema: {
      tags,
      summary: 'Watch a party: any allied decision in force naming it raises a watch-hit alert',
      description: 'For the caller, or with forAgency for every officer. Matched as screening matches parties: names and aliases in any script, typos, legal forms, shared identifiers.',
      body: WatchedPartyInput,
      response: { 201: WatchedPartyView, ...problems(400) }
    }
  }, async (request, reply) => {
    const watched = await watchParty(app.services, userOf(request).subject, request.body)
    request.log.info({ watchedParty: watched.id, owner: watched.owner === 'agency' ? 'agency' : 'user' }, 'party watched')
    return reply.code(201).send(watched)
  })

  app.get('/', {
    schema: { tags, summary: 'The parties the caller watches and those the agency watches', response: { 200: Type.Object({ watchedParties: Type.Array(WatchedPartyView) }, closed) } }
  }, async (request) => ({ watchedParties: await listWatchedParties(app.db, userOf(request).subject) }))

  app.delete('/:id', {
    schema: { tags, summary: 'Stop watching a party (the caller\'s own, or the agency\'s)', params: Params, response: { 204: Type.Null(), ...problems(400, 404) } }
  }, async (request, reply) => {
    await unwatchParty(app.services, userOf(request).subject, request.params.id)
    return reply.code(204).send(null)
  })
}

/** Reading and acknowledging alerts (every role: each reads those for them and for their roles). */
export async function alertRoutes (app: App) {
  const tags = ['alerts']
  app.get('/', {
    schema: {
      tags,
      summary: 'The alerts for the caller and for their roles, newest first',
      description: 'case-hit: a record stored is a hit for an open case of the caller; watch-hit: an allied decision names a watched party. holds turns false when the record is revoked, lapses or is no longer a hit.',
      querystring: AlertQuery,
      response: { 200: pageOf('alerts', AlertView), ...problems(400) }
    }
  }, async (request) => listAlerts(app.db, userOf(request), request.query))

  app.post('/:id/acknowledgement', {
    schema: {
      tags,
      summary: 'Acknowledge an alert: read (for a role\'s alert, for everyone holding the role)',
      params: Params,
      response: { 200: AlertView, ...problems(400, 404) }
    }
  }, async (request) => acknowledgeAlert(app.services, userOf(request), request.params.id))
}

/** The webhooks alerts are POSTed to (administrators). */
export async function webhookRoutes (app: App) {
  const tags = ['webhooks']
  app.post('/', {
    schema: {
      tags,
      summary: 'Add a webhook: each new alert of its kinds is POSTed to it as a JWS signed with the agency\'s key',
      description: 'Content type application/jose; the payload (typ reciprocity-alert+jws) carries iss, deliveryId (the same on every retry), sentAt and the alert. Verify it with GET /.well-known/jwks.json. Delivered through the outbox: retried with backoff on a 5xx, 429 or no answer, refused for good on another 4xx, never sent again once a 2xx was received. The URL obeys OUTBOUND_PRIVATE_ADDRESSES.',
      body: WebhookInput,
      response: { 201: WebhookView, ...problems(400, 422) }
    }
  }, async (request, reply) => {
    const added = await addWebhook(app.services, userOf(request).subject, request.body)
    request.log.info({ webhook: added.id, events: added.events }, 'webhook added')
    return reply.code(201).send(added)
  })

  app.get('/', {
    schema: { tags, summary: 'The webhooks, with what was delivered to each', response: { 200: Type.Object({ webhooks: Type.Array(WebhookView) }, closed) } }
  }, async () => ({ webhooks: await listWebhooks(app.db) }))

  app.patch('/:id', {
    schema: { tags, summary: 'Change a webhook\'s URL, kinds or description, or disable it', params: Params, body: WebhookUpdate, response: { 200: WebhookView, ...problems(400, 404, 422) } }
  }, async (request) => {
    const changed = await changeWebhook(app.services, userOf(request).subject, request.params.id, request.body)
    request.log.info({ webhook: changed.id, enabled: changed.enabled }, 'webhook changed')
    return changed
  })

  app.delete('/:id', {
    schema: { tags, summary: 'Remove a webhook: nothing more is sent to it', params: Params, response: { 204: Type.Null(), ...problems(400, 404) } }
  }, async (request, reply) => {
    await deleteWebhook(app.services, userOf(request).subject, request.params.id)
    request.log.info({ webhook: request.params.id }, 'webhook removed')
    return reply.code(204).send(null)
  })
}
