import { Type } from '@sinclair/typebox'
import { getScreening, ApplicationResult, DispositionInput, ScreeningOptions, ScreeningRequest, ScreeningResult } from '../../screening/index.js'
import { recordDisposition, screenApplications } from '../../use-cases/index.js'
import { userOf } from '../plugins/auth.js'
import { problems, Uuid } from '../schemas/common.js'
import type { App } from '../types.js'

const tags = ['screenings']
const closed = { additionalProperties: false } as const

const StoredScreening = Type.Object({
  screeningId: Uuid,
  batchId: Uuid,
  officer: Type.String(),
  screenedAt: Type.String({ format: 'date-time' }),
  application: Type.Unknown({ description: 'the application as it was screened' }),
  options: ScreeningOptions,
  result: ApplicationResult
}, closed)

const Recorded = Type.Object({
  id: Uuid,
  screeningId: Uuid,
  hitId: Type.String(),
  issuer: Type.String(),
  recordId: Uuid,
  disposition: DispositionInput.properties.disposition,
  reason: Type.String(),
  officer: Type.String(),
  decidedAt: Type.String({ format: 'date-time' }),
  suppressesLaterHits: Type.Boolean()
}, closed)

/** Screening applications and recording dispositions (officers). */
export async function screeningWriteRoutes (app: App) {
  app.post('/', {
    schema: {
      tags,
      summary: 'Screen one or more applications against allied (and optionally our own) decisions',
      description: 'Each application is matched party by party and item by item; hits are ranked and explained, and every screening is recorded in the audit trail. See docs/screening.md.',
      body: ScreeningRequest,
      response: { 200: ScreeningResult, ...problems(400) }
    }
  }, async (request) => {
    const result = await screenApplications(app.services, userOf(request).subject, request.body)
    request.log.info({ batchId: result.batchId, applications: result.results.length, hits: result.results.reduce((n, r) => n + r.hits.length, 0) }, 'applications screened')
    return result
  })

  app.post('/:id/hits/:hitId/dispositions', {
    schema: {
      tags,
      summary: 'Record a disposition of one hit: exact, partial, not identical or false positive',
      params: Type.Object({ id: Uuid, hitId: Type.String({ minLength: 1, maxLength: 200 }) }, closed),
      body: DispositionInput,
      response: { 201: Recorded, ...problems(400, 404) }
    }
  }, async (request, reply) => {
    const recorded = await recordDisposition(app.services, userOf(request).subject, request.params.id, request.params.hitId, request.body)
    request.log.info({ screeningId: recorded.screeningId, hitId: recorded.hitId, disposition: recorded.disposition }, 'hit disposition recorded')
    return reply.code(201).send(recorded)
  })
}

/** Reading stored screenings (officers and auditors). */
export async function screeningReadRoutes (app: App) {
  app.get('/:id', {
    schema: {
      tags,
      summary: 'A stored screening, as it was returned (suppressed hits included)',
      params: Type.Object({ id: Uuid }, closed),
      response: { 200: StoredScreening, ...problems(404) }
    }
  }, async (request) => getScreening(app.db, request.params.id))
}
