import type { FastifyReply, FastifyRequest } from 'fastify'
import { DispositionInput, dispositionsOfScreening, getScreening, listScreenings, type StoredScreening } from '../screening/index.js'
import type { App } from '../http/types.js'
import { recordDisposition, screenApplications } from '../use-cases/index.js'
import { postedText, readNested, type FieldError, type PostedForm } from './form-values.js'
import type { PageKit } from './page-kit.js'
import { MessagePage } from './pages/messages.js'
import { ScreeningFormPage, ScreeningListPage, ScreeningResultPage } from './pages/screenings.js'
import { applicationOf, emptyApplicationForm, readApplicationForm, SCREENING_FIELDS } from './application-form.js'
import { texts } from './text/en.js'

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i
const PAGE_SIZE = 25

/**
 * The officers' screening pages: the form (rows added and removed without script), its result
 * (per party of ours, the decisions bearing on the application, explained, each with a
 * disposition form), earlier screenings. They call the use cases the JSON API calls.
 */
export async function screeningPages (app: App, kit: PageKit): Promise<void> {
  const notFound = (request: FastifyRequest, reply: FastifyReply) =>
    kit.show(reply, 404, <MessagePage frame={kit.frameOf(request, reply)} title={texts.notFoundTitle} lead={texts.screening.notFound} action={{ href: '/app/screenings', label: texts.screening.listTitle }} />)

  app.get('/screenings', async (request, reply) => {
    const user = kit.signedIn(request, reply, ['officer', 'auditor'])
    if (user === undefined) return reply
    const query = request.query as { whose?: string, cursor?: string }
    const officer = user.roles.includes('officer')
    const whose = officer ? (query.whose === 'all' ? 'all' : 'mine') : undefined
    const cursor = typeof query.cursor === 'string' && query.cursor !== '' ? query.cursor : undefined
    const page = await listScreenings(app.db, { officer: whose === 'mine' ? user.subject : undefined, limit: PAGE_SIZE, cursor })
    const next = page.nextCursor === null ? undefined : new URLSearchParams({ ...(whose === 'all' ? { whose } : {}), cursor: page.nextCursor }).toString()
    return kit.show(reply, 200, <ScreeningListPage frame={kit.frameOf(request, reply)} screenings={page.screenings} whose={whose} next={next} canScreen={officer} formats={kit.formats} />)
  })

  app.get('/screenings/new', async (request, reply) => {
    if (kit.signedIn(request, reply, ['officer']) === undefined) return reply
    return kit.show(reply, 200, <ScreeningFormPage frame={kit.frameOf(request, reply)} form={emptyApplicationForm()} options={{ includeOwn: false, includeInactive: false }} errors={[]} />)
  })

  app.post('/screenings', async (request, reply) => {
    const user = kit.signedIn(request, reply, ['officer'])
    if (user === undefined) return reply
    const body = (request.body ?? {}) as PostedForm
    const { form, action } = readApplicationForm(body, SCREENING_FIELDS)
    const options = { includeOwn: postedText(body, 'includeOwn') === 'yes', includeInactive: postedText(body, 'includeInactive') === 'yes' }
    if (action.kind !== 'submit') return kit.show(reply, 200, <ScreeningFormPage frame={kit.frameOf(request, reply)} form={form} options={options} errors={[]} />)
    const read = applicationOf(form)
    if (read.value === undefined) {
      return kit.show(reply, 400, <ScreeningFormPage frame={kit.frameOf(request, reply)} form={form} options={options} errors={read.errors} />)
    }
    const result = await screenApplications(app.services, user.subject, { applications: [read.value], options: { ...options, includeSuppressed: false } })
    return reply.redirect(`/app/screenings/${result.results[0]?.screeningId ?? ''}`, 303)
  })

  app.get('/screenings/:id', async (request: FastifyRequest<{ Params: { id: string }, Querystring: { recorded?: string } }>, reply) => {
    const user = kit.signedIn(request, reply, ['officer', 'auditor'])
    if (user === undefined) return reply
    const screening = await storedScreening(app, request.params.id)
    if (screening === undefined) return notFound(request, reply)
    return kit.show(reply, 200, (
      <ScreeningResultPage
        frame={kit.frameOf(request, reply)} screening={screening} recorded={await dispositionsOfScreening(app.db, screening.screeningId)}
        canDispose={user.roles.includes('officer')} errors={[]} values={{}}
        notice={request.query.recorded === undefined ? undefined : texts.screening.recorded} formats={kit.formats}
      />
    ))
  })

  app.post('/screenings/:id/dispositions', async (request: FastifyRequest<{ Params: { id: string } }>, reply) => {
    const user = kit.signedIn(request, reply, ['officer'])
    if (user === undefined) return reply
    const screening = await storedScreening(app, request.params.id)
    if (screening === undefined) return notFound(request, reply)
    const body = (request.body ?? {}) as PostedForm
    const hitId = postedText(body, 'hitId')
    const n = /^\d{1,4}$/.test(postedText(body, 'n')) ? Number(postedText(body, 'n')) : -1
    if (![...screening.result.hits, ...screening.result.suppressed].some((h) => h.hitId === hitId) || n < 0) return notFound(request, reply)
    const input = { disposition: postedText(body, `disposition-${n}`), reason: postedText(body, `reason-${n}`).trim() }
    const labels: Record<string, string> = { [`disposition-${n}`]: texts.screening.disposition, [`reason-${n}`]: texts.screening.reason }
    const errors: FieldError[] = readNested(DispositionInput, input, (pointer) => `${pointer.split('/')[1] ?? ''}-${n}`, (field) => labels[field] ?? field)
    if (errors.length > 0) {
      return kit.show(reply, 400, (
        <ScreeningResultPage
          frame={kit.frameOf(request, reply)} screening={screening} recorded={await dispositionsOfScreening(app.db, screening.screeningId)}
          canDispose errors={errors} formats={kit.formats} notice={undefined}
          values={{ [`disposition-${n}`]: input.disposition, [`reason-${n}`]: input.reason }}
        />
      ))
    }
    await recordDisposition(app.services, user.subject, screening.screeningId, hitId, input as DispositionInput)
    return reply.redirect(`/app/screenings/${screening.screeningId}?recorded=${n}#hit-${n}`, 303)
  })
}

async function storedScreening (app: App, id: string): Promise<StoredScreening | undefined> {
  if (!UUID.test(id)) return undefined
  return getScreening(app.db, id).catch((err: { code?: string }) => {
    if (err.code === 'NOT_FOUND') return undefined
    throw err
  })
}
