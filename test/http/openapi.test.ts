import { readFile } from 'node:fs/promises'
import SwaggerParser from '@apidevtools/swagger-parser'
import t from 'tap'
import { buildValidator } from '../../src/http/plugins/validation.js'
import { startAgency } from '../helpers/agency.js'

/** Routes that are deliberately left out of the document (schema.hide); add one here knowingly. */
const HIDDEN = new Set(['GET /openapi.json'])

interface Operation { security?: unknown[], responses?: Record<string, unknown>, requestBody?: { content: Record<string, { schema: unknown, example?: unknown, examples?: unknown }> } }
type Document = { paths: Record<string, Record<string, Operation>> }

const toOpenApiPath = (url: string) => url.replace(/:(\w+)/g, '{$1}')

t.test('the committed OpenAPI document is the one the app generates, and it is valid', async (t) => {
  const agency = await startAgency(t)
  await agency.app.ready()
  const generated = JSON.parse(JSON.stringify(agency.app.swagger())) as Document
  const committed = JSON.parse(await readFile(new URL('../../openapi/openapi.json', import.meta.url), 'utf8')) as Document
  t.strictSame(committed, generated, 'openapi/openapi.json is stale: run `npm run openapi` and commit it')

  await t.resolves(SwaggerParser.validate(structuredClone(generated) as never), 'valid OpenAPI (swagger-parser)')

  for (const { method, url, access } of agency.app.routeAccess) {
    const key = `${method} ${url}`
    const operation = generated.paths[toOpenApiPath(url)]?.[method.toLowerCase()]
    if (HIDDEN.has(key)) {
      t.notOk(operation, `${key} is hidden`)
      continue
    }
    t.ok(operation, `${key} is documented`)
    if (operation === undefined || access === 'public') continue
    t.ok((operation.security ?? []).length > 0, `${key} names its security scheme`)
    t.ok(operation.responses?.['401'] !== undefined && operation.responses['403'] !== undefined, `${key} documents 401 and 403`)
  }
})

t.test('the document and the interactive docs are served', async (t) => {
  const agency = await startAgency(t)
  const json = await agency.app.inject({ url: '/openapi.json' })
  await agency.app.ready()
  t.equal(json.statusCode, 200)
  t.match(json.headers['content-type'], /^application\/json/)
  t.strictSame(json.json(), JSON.parse(JSON.stringify(agency.app.swagger())))

  let docs = await agency.app.inject({ url: '/docs' })
  if (docs.statusCode >= 300 && docs.statusCode < 400) docs = await agency.app.inject({ url: new URL(String(docs.headers.location), 'http://x/docs/').pathname })
  t.equal(docs.statusCode, 200, '/docs answers')
  t.match(docs.headers['content-type'], /^text\/html/)
  t.match(docs.body, /swagger-ui/i)
  const spec = await agency.app.inject({ url: '/docs/json' })
  t.equal(spec.statusCode, 200, 'the UI loads its document')
})

t.test('every request body has an example the server accepts, and `required` lists only what the server requires', async (t) => {
  const agency = await startAgency(t)
  await agency.app.ready()
  const document = JSON.parse(JSON.stringify(agency.app.swagger())) as Document
  const compile = buildValidator({}) as unknown as (route: { schema: unknown, httpPart: string, method: string, url: string }) => ((data: unknown) => boolean) & { errors?: unknown }
  let bodies = 0
  for (const [path, operations] of Object.entries(document.paths)) {
    for (const [method, operation] of Object.entries(operations)) {
      for (const [type, media] of Object.entries(operation.requestBody?.content ?? {})) {
        bodies++
        const key = `${method.toUpperCase()} ${path} (${type})`
        t.ok(media.example !== undefined, `${key} has an example`)
        if (type !== 'application/json' || media.example === undefined) continue
        const validate = compile({ schema: structuredClone(media.schema), httpPart: 'body', method: method.toUpperCase(), url: path })
        t.ok(validate(structuredClone(media.example)), `${key}: its example is valid ${JSON.stringify(validate.errors ?? null)}`)
        const defaultedRequired: string[] = []
        const walk = (node: unknown, at: string): void => {
          if (node === null || typeof node !== 'object') return
          const { required, properties } = node as { required?: string[], properties?: Record<string, { default?: unknown }> }
          for (const name of required ?? []) if (properties?.[name]?.default !== undefined) defaultedRequired.push(`${at}/${name}`)
          for (const [k, v] of Object.entries(node)) walk(v, k === 'properties' || k === 'items' ? at : `${at}/${k}`)
        }
        walk(media.schema, '')
        t.same(defaultedRequired, [], `${key}: no property with a default is listed as required`)
      }
    }
  }
  t.ok(bodies >= 20, `${bodies} request bodies checked`)
})
