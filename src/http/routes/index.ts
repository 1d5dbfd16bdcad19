import type { App } from '../types.js'
import { declareAccess } from '../plugins/auth.js'
import { alertRoutes, caseReadRoutes, caseWriteRoutes, watchedPartyRoutes, webhookRoutes } from './alerts.js'
import { auditEventRoutes } from './audit-events.js'
import { consultationInboxRoutes, consultationReadRoutes, consultationWriteRoutes } from './consultations.js'
import { classificationReadRoutes, classificationWriteRoutes } from './classifications.js'
import { crosswalkReadRoutes, crosswalkWriteRoutes } from './crosswalks.js'
import { decisionReadRoutes, decisionWriteRoutes } from './decisions.js'
import { decisionImportRoutes } from './decisions-import.js'
import { divergenceReadRoutes, divergenceWriteRoutes } from './divergences.js'
import { federationPartnerRoutes, joinRoutes } from './federation.js'
import { feedRoutes } from './feed.js'
import { healthRoutes } from './health.js'
import { inboxRoutes } from './inbox.js'
import { keyRoutes } from './keys.js'
import { metricsRoutes } from './metrics.js'
import { peerRoutes } from './peers.js'
import { reportRoutes } from './reports.js'
import { reviewRoutes } from './reviews.js'
import { screeningReadRoutes, screeningWriteRoutes } from './screenings.js'
import { wellKnownRoutes } from './well-known.js'
import { witnessRoutes } from './witness.js'

/** Every route, in a named scope that declares who may call it (C2). */
export async function httpRoutes (app: App) {
  await app.register(async function anyone (app: App) {
    declareAccess(app, 'public')
    await app.register(healthRoutes)
    await app.register(wellKnownRoutes)
    await app.register(metricsRoutes)
  })
  await app.register(async function partners (app: App) {
    declareAccess(app, 'partner')
    await app.register(feedRoutes, { prefix: '/v1/feed' })
    await app.register(inboxRoutes, { prefix: '/v1/inbox' })
    await app.register(consultationInboxRoutes, { prefix: '/v1/inbox/consultations' })
    await app.register(witnessRoutes, { prefix: '/v1/witness' })
    await app.register(federationPartnerRoutes, { prefix: '/v1/federation' })
  })
  await app.register(async function administrators (app: App) {
    declareAccess(app, ['admin'])
    await app.register(keyRoutes, { prefix: '/v1/keys' })
    await app.register(peerRoutes, { prefix: '/v1/peers' })
    await app.register(joinRoutes, { prefix: '/v1/peers' })
    await app.register(webhookRoutes, { prefix: '/v1/webhooks' })
  })
  await app.register(async function officers (app: App) {
    declareAccess(app, ['officer'])
    await app.register(decisionWriteRoutes, { prefix: '/v1/decisions' })
    await app.register(decisionImportRoutes, { prefix: '/v1/decisions' })
    await app.register(classificationWriteRoutes, { prefix: '/v1/classifications' })
    await app.register(crosswalkWriteRoutes, { prefix: '/v1/crosswalks' })
    await app.register(screeningWriteRoutes, { prefix: '/v1/screenings' })
    await app.register(reviewRoutes, { prefix: '/v1/reviews' })
    await app.register(consultationWriteRoutes, { prefix: '/v1/consultations' })
    await app.register(caseWriteRoutes, { prefix: '/v1/cases' })
    await app.register(watchedPartyRoutes, { prefix: '/v1/watched-parties' })
  })
  await app.register(async function recordReaders (app: App) {
    declareAccess(app, ['officer', 'auditor'])
    await app.register(decisionReadRoutes, { prefix: '/v1/decisions' })
    await app.register(classificationReadRoutes, { prefix: '/v1/classifications' })
    await app.register(crosswalkReadRoutes, { prefix: '/v1/crosswalks' })
    await app.register(screeningReadRoutes, { prefix: '/v1/screenings' })
    await app.register(divergenceReadRoutes, { prefix: '/v1/divergences' })
    await app.register(reportRoutes, { prefix: '/v1/reports' })
    await app.register(consultationReadRoutes, { prefix: '/v1/consultations' })
    await app.register(caseReadRoutes, { prefix: '/v1/cases' })
  })
  await app.register(async function everyRole (app: App) {
    declareAccess(app, ['officer', 'auditor', 'admin'])
    await app.register(alertRoutes, { prefix: '/v1/alerts' })
  })
  await app.register(async function auditors (app: App) {
    declareAccess(app, ['auditor'])
    await app.register(divergenceWriteRoutes, { prefix: '/v1/divergences' })
    await app.register(auditEventRoutes, { prefix: '/v1/audit-events' })
  })
}
