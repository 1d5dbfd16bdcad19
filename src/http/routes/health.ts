import { Type } from '@sinclair/typebox'
import { sql } from 'kysely'
import type { App } from '../types.js'
import { errors } from '../../lib/errors.js'
import { problems } from '../schemas/common.js'

const Health = Type.Object({ status: Type.Literal('ok') }, { additionalProperties: false })

export async function healthRoutes (app: App) {
  app.get('/health/live', {
    schema: { tags: ['health'], summary: 'The process is up', response: { 200: Health } }
  }, async () => ({ status: 'ok' as const }))

  app.get('/health/ready', {
    schema: { tags: ['health'], summary: 'The process can serve: the database answers', response: { 200: Health, ...problems(503) } }
  }, async () => {
    try {
      await sql`select 1`.execute(app.reservedDb)
    } catch (err) {
      throw errors.databaseUnavailable((err as Error).message)
    }
    return { status: 'ok' as const }
  })
}
