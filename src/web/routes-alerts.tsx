import type { FastifyRequest } from 'fastify'
import { listAlerts } from '../alerts/index.js'
import type { App } from '../http/types.js'
import { acknowledgeAlert } from '../use-cases/index.js'
import type { PageKit } from './page-kit.js'
import { AlertsPage } from './pages/alerts.js'
import { MessagePage } from './pages/messages.js'
import { texts } from './text/en.js'

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i
const PAGE_SIZE = 50
const CURSOR = /^[A-Za-z0-9_-]{1,500}$/

/**
 * Every user's alerts (GET /app/alerts): those for them and for their roles, the unread ones
 * unless all are asked for, each marked as read by a form posted to the acknowledgement (the
 * use case the API calls), which comes back here with a notice.
 */
export async function alertPages (app: App, kit: PageKit): Promise<void> {
  app.get('/alerts', async (request: FastifyRequest<{ Querystring: { all?: string, cursor?: string, read?: string } }>, reply) => {
    const user = kit.signedIn(request, reply)
    if (user === undefined) return reply
    const all = request.query.all === '1'
    const cursor = CURSOR.test(request.query.cursor ?? '') ? request.query.cursor : undefined
    const page = await listAlerts(app.db, user, { limit: PAGE_SIZE, ...(all ? {} : { acknowledged: false }), ...(cursor === undefined ? {} : { cursor }) })
    const next = page.nextCursor === null ? undefined : new URLSearchParams({ ...(all ? { all: '1' } : {}), cursor: page.nextCursor }).toString()
    return kit.show(reply, 200, (
      <AlertsPage frame={kit.frameOf(request, reply)} alerts={page.alerts} all={all} next={next} notice={request.query.read === '1' ? texts.alerts.acknowledged : undefined} formats={kit.formats} />
    ))
  })

  app.post('/alerts/:id/acknowledgement', async (request: FastifyRequest<{ Params: { id: string } }>, reply) => {
    const user = kit.signedIn(request, reply)
    if (user === undefined) return reply
    const { id } = request.params
    if (!UUID.test(id)) return kit.show(reply, 404, <MessagePage frame={kit.frameOf(request, reply)} title={texts.notFoundTitle} lead={texts.alerts.notFound} action={{ href: '/app/alerts', label: texts.alerts.title }} />)
    try {
      await acknowledgeAlert(app.services, user, id)
    } catch (err) {
      if ((err as { statusCode?: number }).statusCode !== 404) throw err
      return kit.show(reply, 404, <MessagePage frame={kit.frameOf(request, reply)} title={texts.notFoundTitle} lead={texts.alerts.notFound} action={{ href: '/app/alerts', label: texts.alerts.title }} />)
    }
    request.log.info({ alert: id }, 'alert acknowledged')
    return reply.redirect('/app/alerts?read=1', 303)
  })
}
