import type { App } from '../types.js'
import { declareAccess } from '../plugins/auth.js'
import { feedRoutes } from './feed.js'
import { healthRoutes } from './health.js'
import { keyRoutes } from './keys.js'
import { peerRoutes } from './peers.js'
import { wellKnownRoutes } from './well-known.js'

/** Every route, in a named scope that declares who may call it (C2). */
export async function httpRoutes (app: App) {
  await app.register(async function anyone (app: App) {
    declareAccess(app, 'public')
    await app.register(healthRoutes)
    await app.register(wellKnownRoutes)
  })
  await app.register(async function partners (app: App) {
    declareAccess(app, 'partner')
    await app.register(feedRoutes, { prefix: '/v1/feed' })
  })
  await app.register(async function administrators (app: App) {
    declareAccess(app, ['admin'])
    await app.register(keyRoutes, { prefix: '/v1/keys' })
    await app.register(peerRoutes, { prefix: '/v1/peers' })
  })
}
