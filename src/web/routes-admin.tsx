import type { FastifyReply, FastifyRequest } from 'fastify'
import { failingDeliveries, MESSAGE_TOPIC } from '../consultations/index.js'
import { outboxStatus } from '../outbox/index.js'
import { countAwaitingLapseReevaluation, countDetectionBacklog } from '../divergence/index.js'
import { PeerEnrolment, PeerUpdate } from '../http/schemas/peers.js'
import type { App } from '../http/types.js'
import { backgroundJobs } from '../jobs/index.js'
import { AGENCY_ID_PATTERN } from '../lib/agency-id.js'
import { AppError } from '../lib/errors.js'
import { listPeers } from '../peers/index.js'
import { listPeerHealth } from '../sync/index.js'
import { enrolPeer, resumePeer, rotateKey, setPeerStatus } from '../use-cases/index.js'
import { readNested, type FieldError } from './form-values.js'
import type { PageKit } from './page-kit.js'
import { EMPTY_ENROLMENT, EnrolPeerPage, JobsPage, KeysPage, PeersPage, type EnrolmentForm, type PeerRow } from './pages/admin.js'
import { MessagePage } from './pages/messages.js'
import { texts } from './text/en.js'

const t = texts.admin
const AGENCY_ID = new RegExp(AGENCY_ID_PATTERN)
type Body = Record<string, string | undefined>
type PeerRequest = FastifyRequest<{ Params: { agencyId: string } }>
type Done = keyof typeof t.notices

/**
 * The administrators' pages: the peers (state, lag, errors, quarantine evidence; resume,
 * disable, re-enable), enrolling a peer, our signing keys and their rotation, the background
 * jobs. Each action calls what the JSON API calls (the use cases; the key ring's rotation).
 */
export async function adminPages (app: App, kit: PageKit): Promise<void> {
  const admin = (request: FastifyRequest, reply: FastifyReply) => kit.signedIn(request, reply, ['admin'])

  const peerRows = async (): Promise<PeerRow[]> => {
    const [peers, health] = await Promise.all([listPeers(app.db), listPeerHealth(app.db)])
    const byId = new Map(health.map((h) => [h.agencyId, h]))
    return peers.map((peer) => ({ peer, health: byId.get(peer.agencyId) }))
  }

  const peersPage = async (request: FastifyRequest, reply: FastifyReply, status: number, errors: FieldError[], values: Record<string, string>, notice?: string) =>
    kit.show(reply, status, <PeersPage frame={kit.frameOf(request, reply)} rows={await peerRows()} errors={errors} values={values} notice={notice} formats={kit.formats} />)

  const peerNotFound = (request: FastifyRequest, reply: FastifyReply) =>
    kit.show(reply, 404, <MessagePage frame={kit.frameOf(request, reply)} title={texts.notFoundTitle} lead={t.peerNotFound} action={{ href: '/app/peers', label: t.peersTitle }} />)

  /** After an action: back to the peers page at the peer's section, with a notice saying what was done. */
  const done = (reply: FastifyReply, what: Done, agencyId: string) =>
    reply.redirect(`/app/peers?${new URLSearchParams({ done: what, peer: agencyId }).toString()}#peer-${agencyId}`, 303)

  app.get('/peers', async (request: FastifyRequest<{ Querystring: { done?: string, peer?: string } }>, reply) => {
    if (admin(request, reply) === undefined) return reply
    const { done: what, peer } = request.query
    const notice = what !== undefined && what in t.notices && peer !== undefined && AGENCY_ID.test(peer) ? t.notices[what as Done](peer) : undefined
    return peersPage(request, reply, 200, [], {}, notice)
  })

  app.post('/peers/:agencyId/status', async (request: PeerRequest, reply) => {
    const user = admin(request, reply)
    if (user === undefined) return reply
    const { agencyId } = request.params
    const body = (request.body ?? {}) as Body
    if (!AGENCY_ID.test(agencyId) || (body.status !== 'active' && body.status !== 'disabled')) return peerNotFound(request, reply)
    const field = `${body.status === 'active' ? 'enable' : 'disable'}-reason-${agencyId}`
    const reason = (body[field] ?? '').trim()
    const input = { status: body.status, ...(reason === '' ? {} : { reason }) }
    const errors = readNested(PeerUpdate, input, () => field, () => t.reason)
    if (errors.length > 0) return peersPage(request, reply, 400, errors, { [field]: reason })
    try {
      const peer = await setPeerStatus(app.services, user.subject, agencyId, body.status, reason === '' ? null : reason)
      request.log.info({ peer: peer.agencyId, status: peer.status }, 'peer status changed')
    } catch (err) {
      if (err instanceof AppError && err.code === 'PEER_NOT_FOUND') return peerNotFound(request, reply)
      if (err instanceof AppError && err.status < 500) return peersPage(request, reply, err.status, [{ field, message: `${t.reason}: ${err.message}` }], { [field]: reason })
      throw err
    }
    return done(reply, body.status === 'active' ? 'enabled' : 'disabled', agencyId)
  })

  app.post('/peers/:agencyId/resume', async (request: PeerRequest, reply) => {
    const user = admin(request, reply)
    if (user === undefined) return reply
    const { agencyId } = request.params
    if (!AGENCY_ID.test(agencyId)) return peerNotFound(request, reply)
    try {
      const { peer, previous } = await resumePeer(app.services, user.subject, agencyId)
      request.log.info({ peer: peer.agencyId, previous }, 'peer sync resumed')
    } catch (err) {
      if (err instanceof AppError && err.code === 'PEER_NOT_FOUND') return peerNotFound(request, reply)
      if (err instanceof AppError && err.status < 500) return peersPage(request, reply, err.status, [{ field: `peer-${agencyId}`, message: `${agencyId}: ${err.message}` }], {})
      throw err
    }
    return done(reply, 'resumed', agencyId)
  })

  app.get('/peers/new', async (request, reply) => {
    if (admin(request, reply) === undefined) return reply
    return kit.show(reply, 200, <EnrolPeerPage frame={kit.frameOf(request, reply)} form={EMPTY_ENROLMENT} errors={[]} />)
  })

  app.post('/peers', async (request, reply) => {
    const user = admin(request, reply)
    if (user === undefined) return reply
    const body = (request.body ?? {}) as Body
    const form: EnrolmentForm = Object.fromEntries(Object.keys(EMPTY_ENROLMENT).map((k) => [k, body[k] ?? ''])) as unknown as EnrolmentForm
    const read = enrolmentOf(form)
    const again = (status: number, errors: FieldError[]) => kit.show(reply, status, <EnrolPeerPage frame={kit.frameOf(request, reply)} form={form} errors={errors} />)
    if (read.input === undefined) return again(400, read.errors)
    try {
      const peer = await enrolPeer({ ...app.services, logger: request.log }, user.subject, read.input)
      request.log.info({ peer: peer.agencyId }, 'peer enrolled')
      return done(reply, 'enrolled', peer.agencyId)
    } catch (err) {
      if (!(err instanceof AppError) || err.status >= 500) throw err
      return again(err.status, [enrolmentError(err, read.input)])
    }
  })

  app.get('/keys', async (request: FastifyRequest<{ Querystring: { rotated?: string } }>, reply) => {
    if (admin(request, reply) === undefined) return reply
    const notice = request.query.rotated === undefined ? undefined : t.rotated
    return keysPage(app, kit, request, reply, 200, [], false, notice)
  })

  app.post('/keys/rotate', async (request, reply) => {
    const user = admin(request, reply)
    if (user === undefined) return reply
    const body = (request.body ?? {}) as Body
    if (body.confirm !== 'yes') return keysPage(app, kit, request, reply, 400, [{ field: 'confirm', message: t.rotateNotConfirmed }], false, undefined)
    const result = await rotateKey(app.services, user.subject)
    request.log.info({ kid: result.kid, retired: result.retired }, 'signing key rotated')
    return reply.redirect('/app/keys?rotated=1', 303)
  })

  app.get('/jobs', async (request, reply) => {
    if (admin(request, reply) === undefined) return reply
    const now = app.clock.now()
    const [peers, awaitingLapse, detectionBacklog, topics, failingMessages] = await Promise.all([
      peerRows(),
      countAwaitingLapseReevaluation(app.db, now.toISOString().slice(0, 10)),
      countDetectionBacklog(app.db),
      outboxStatus(app.db, now),
      failingDeliveries(app.db)
    ])
    const deliveries = {
      waiting: topics.reduce((n, s) => n + s.waiting, 0),
      failing: topics.reduce((n, s) => n + s.failing, 0),
      givenUp: topics.reduce((n, s) => n + s.givenUp, 0),
      nextAttemptAt: topics.reduce<Date | null>((a, s) => s.nextAttemptAt !== null && (a === null || s.nextAttemptAt < a) ? s.nextAttemptAt : a, null)
    }
    const messages = topics.find((s) => s.topic === MESSAGE_TOPIC)
    const consultationMessages = {
      waiting: messages?.waiting ?? 0,
      due: messages?.due ?? 0,
      refused: messages?.refused ?? 0,
      oldestWaitingSince: messages?.oldestWaitingSince ?? null,
      nextAttemptAt: messages?.nextAttemptAt ?? null,
      failing: failingMessages
    }
    const view = { inProcess: app.config.sync.inProcess, jobs: backgroundJobs(app.config), peers, consultationMessages, awaitingLapse, detectionBacklog, deliveries, pushOnPublish: app.config.sync.pushOnPublish, now }
    return kit.show(reply, 200, <JobsPage frame={kit.frameOf(request, reply)} view={view} formats={kit.formats} />)
  })
}

async function keysPage (app: App, kit: PageKit, request: FastifyRequest, reply: FastifyReply, status: number, errors: FieldError[], confirmed: boolean, notice: string | undefined) {
  const [keys, jwks] = await Promise.all([app.keyRing.list(), app.keyRing.jwks()])
  const algorithms = new Map(jwks.keys.map((k) => [k.kid ?? '', [k.alg, k.crv].filter((v) => v !== undefined).join(', ')]))
  return kit.show(reply, status, <KeysPage frame={kit.frameOf(request, reply)} keys={keys} algorithms={algorithms} errors={errors} confirmed={confirmed} notice={notice} formats={kit.formats} />)
}

/**
 * The enrolment the form describes, checked by the JSON API's own body schema, each error on its
 * field; the key set pasted is read as JSON first. Country codes are taken in either case.
 */
function enrolmentOf (form: EnrolmentForm): { input: PeerEnrolment, errors: [] } | { input: undefined, errors: FieldError[] } {
  const errors: FieldError[] = []
  const labels: Record<string, string> = t.enrolLabels
  let jwks: unknown
  if (form.jwks.trim() !== '') {
    try {
      jwks = JSON.parse(form.jwks)
    } catch {
      errors.push({ field: 'jwks', message: `${t.enrolLabels.jwks}: ${t.jwksNotJson}` })
    }
  }
  if (form.jwks.trim() === '' && form.jwksUrl.trim() === '') errors.push({ field: 'jwksUrl', message: `${t.enrolLabels.jwksUrl}: ${t.keysMissing}` })
  const input = Object.fromEntries(Object.entries({
    agencyId: form.agencyId.trim(),
    name: form.name.trim(),
    country: form.country.trim().toUpperCase(),
    baseUrl: form.baseUrl.trim(),
    jwksUrl: form.jwksUrl.trim(),
    jwks
  }).filter(([, v]) => v !== undefined && v !== ''))
  for (const error of readNested(PeerEnrolment, input, (pointer) => pointer.split('/')[1] ?? '', (field) => labels[field] ?? field)) {
    if (!errors.some((e) => e.field === error.field)) errors.push(error)
  }
  if (errors.length === 0) return { input: input as PeerEnrolment, errors: [] }
  const order = Object.keys(EMPTY_ENROLMENT)
  return { input: undefined, errors: errors.sort((a, b) => order.indexOf(a.field) - order.indexOf(b.field)) }
}

/** A refused enrolment on the field it is about: the agency id taken, a URL not allowed, keys that could not be had. */
function enrolmentError (err: AppError, input: PeerEnrolment): FieldError {
  const labels: Record<string, string> = t.enrolLabels
  const pointed = err.details?.[0]?.pointer.split('/')[2]
  const field = pointed !== undefined && pointed in labels
    ? pointed
    : err.code === 'PEER_EXISTS' ? 'agencyId' : input.jwks !== undefined ? 'jwks' : 'jwksUrl'
  const message = err.code === 'PEER_EXISTS' ? t.peerExists : err.details?.[0]?.detail ?? err.message
  return { field, message: `${labels[field] ?? field}: ${message}` }
}
