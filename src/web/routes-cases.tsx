import type { FastifyReply, FastifyRequest } from 'fastify'
import { getCase, listCases, listWatchedParties, WatchedPartyInput } from '../alerts/index.js'
import type { App } from '../http/types.js'
import { openCase, unwatchParty, watchParty, withdrawCase } from '../use-cases/index.js'
import { postedText, readNested, type FieldError, type PostedForm } from './form-values.js'
import type { PageKit } from './page-kit.js'
import { CasePage, CasesPage, WatchListPage } from './pages/cases.js'
import { MessagePage } from './pages/messages.js'
import { texts } from './text/en.js'

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i
const t = texts.cases
const w = texts.watchList

/**
 * The officers' cases and watch list (issue 14): their open cases, one case with its hits and
 * the form that withdraws it, a case opened from a screening's page; the parties watched, added
 * and removed. Each write is the use case the API calls.
 */
export async function casePages (app: App, kit: PageKit): Promise<void> {
  const notFound = (request: FastifyRequest, reply: FastifyReply, lead: string) =>
    kit.show(reply, 404, <MessagePage frame={kit.frameOf(request, reply)} title={texts.notFoundTitle} lead={lead} action={{ href: '/app/cases', label: t.title }} />)
  const caseOf = async (id: string) => UUID.test(id) ? getCase(app.db, id).catch((err: { code?: string }) => { if (err.code === 'NOT_FOUND') return undefined; throw err }) : undefined

  app.get('/cases', async (request: FastifyRequest<{ Querystring: { withdrawn?: string } }>, reply) => {
    const user = kit.signedIn(request, reply, ['officer'])
    if (user === undefined) return reply
    const { cases } = await listCases(app.db, { state: 'open', officer: user.subject, limit: 200 })
    return kit.show(reply, 200, <CasesPage frame={kit.frameOf(request, reply)} cases={cases} notice={request.query.withdrawn === '1' ? t.withdrawn : undefined} formats={kit.formats} />)
  })

  app.post('/cases', async (request, reply) => {
    const user = kit.signedIn(request, reply, ['officer'])
    if (user === undefined) return reply
    const body = (request.body ?? {}) as PostedForm
    const screeningId = postedText(body, 'screeningId')
    const reference = postedText(body, 'reference').trim()
    if (!UUID.test(screeningId)) return notFound(request, reply, t.notFound)
    const opened = await openCase(app.services, user.subject, { screeningId, ...(reference === '' ? {} : { reference: reference.slice(0, 100) }) })
    return reply.redirect(`/app/cases/${opened.id}?opened=1`, 303)
  })

  app.get('/cases/:id', async (request: FastifyRequest<{ Params: { id: string }, Querystring: { opened?: string } }>, reply) => {
    if (kit.signedIn(request, reply, ['officer']) === undefined) return reply
    const view = await caseOf(request.params.id)
    if (view === undefined) return notFound(request, reply, t.notFound)
    return kit.show(reply, 200, <CasePage frame={kit.frameOf(request, reply)} view={view} errors={[]} reason='' notice={request.query.opened === '1' ? t.opened : undefined} formats={kit.formats} />)
  })

  app.post('/cases/:id/withdrawal', async (request: FastifyRequest<{ Params: { id: string } }>, reply) => {
    const user = kit.signedIn(request, reply, ['officer'])
    if (user === undefined) return reply
    const view = await caseOf(request.params.id)
    if (view === undefined) return notFound(request, reply, t.notFound)
    const reason = postedText((request.body ?? {}) as PostedForm, 'reason').trim()
    if (reason === '' || reason.length > 4000) {
      const errors: FieldError[] = [{ field: 'reason', message: t.reasonMissing }]
      return kit.show(reply, 400, <CasePage frame={kit.frameOf(request, reply)} view={view} errors={errors} reason={reason} notice={undefined} formats={kit.formats} />)
    }
    await withdrawCase(app.services, user.subject, view.id, reason)
    return reply.redirect('/app/cases?withdrawn=1', 303)
  })

  const watchList = async (request: FastifyRequest, reply: FastifyReply, user: string, status: number, values: Record<string, string>, errors: FieldError[], notice?: string) =>
    kit.show(reply, status, <WatchListPage frame={kit.frameOf(request, reply)} user={user} parties={await listWatchedParties(app.db, user)} values={values} errors={errors} notice={notice} />)

  app.get('/watched-parties', async (request: FastifyRequest<{ Querystring: { added?: string, removed?: string } }>, reply) => {
    const user = kit.signedIn(request, reply, ['officer'])
    if (user === undefined) return reply
    return watchList(request, reply, user.subject, 200, {}, [], request.query.added === '1' ? w.added : request.query.removed === '1' ? w.removed : undefined)
  })

  app.post('/watched-parties', async (request, reply) => {
    const user = kit.signedIn(request, reply, ['officer'])
    if (user === undefined) return reply
    const body = (request.body ?? {}) as PostedForm
    const values = Object.fromEntries(['name', 'aliases', 'country', 'note', 'forAgency'].map((k) => [k, postedText(body, k)]))
    const country = (values.country ?? '').trim().toUpperCase()
    const input = {
      name: (values.name ?? '').trim(),
      aliases: (values.aliases ?? '').split(/\r?\n/).map((a) => a.trim()).filter((a) => a !== ''),
      identifiers: [],
      ...(country === '' ? {} : { country }),
      note: (values.note ?? '').trim(),
      forAgency: values.forAgency === 'yes'
    }
    const errors = readNested(WatchedPartyInput, input, (pointer) => pointer.split('/')[1] ?? '', (field) => w.labels[field] ?? field)
    if (errors.length > 0) return watchList(request, reply, user.subject, 400, values, errors)
    await watchParty(app.services, user.subject, input)
    return reply.redirect('/app/watched-parties?added=1', 303)
  })

  app.post('/watched-parties/:id/removal', async (request: FastifyRequest<{ Params: { id: string } }>, reply) => {
    const user = kit.signedIn(request, reply, ['officer'])
    if (user === undefined) return reply
    const removed = UUID.test(request.params.id) && await unwatchParty(app.services, user.subject, request.params.id).then(() => true, (err: { code?: string }) => { if (err.code === 'NOT_FOUND') return false; throw err })
    if (!removed) return notFound(request, reply, t.notFound)
    return reply.redirect('/app/watched-parties?removed=1', 303)
  })
}
